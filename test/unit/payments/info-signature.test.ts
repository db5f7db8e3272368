import { describe, expect, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import {
  canonicalInfo,
  signOrchestratorInfo,
  verifyOrchestratorInfo,
} from "../../../src/edge/services/tickets/info-signature.ts";
import type { OrchestratorInfoJson } from "../../../src/wire/orchestrator-info.ts";
import { PaymentSchema, paymentFromJson, paymentToJson } from "../../../src/wire/payment.ts";

const orch = privateKeyToAccount(`0x${"21".repeat(32)}`);
const other = privateKeyToAccount(`0x${"22".repeat(32)}`);

function unsigned(): Omit<OrchestratorInfoJson, "signature"> {
  return {
    version: 1,
    address: orch.address.toLowerCase(),
    serviceURI: "http://127.0.0.1:1",
    sender: other.address.toLowerCase(),
    capacity: 2,
    capabilities: [{ capability: "transcode" }],
    prices: [{ capability: "transcode", pricePerUnit: "1200", pixelsPerUnit: "1" }],
    priceInfo: { pricePerUnit: "1200", pixelsPerUnit: "1" },
    ticketParams: {
      recipient: orch.address.toLowerCase(),
      faceValue: "1000",
      winProb: "5",
      recipientRandHash: `0x${"ab".repeat(32)}`,
      seed: `0x${"cd".repeat(32)}`,
      expirationBlock: "40",
    },
    expirationParams: { creationRound: "1", creationRoundBlockHash: `0x${"ef".repeat(32)}` },
    issuedAt: 1,
  };
}

describe("OrchestratorInfo signature", () => {
  test("canonical encoding ignores key order and the signature field", () => {
    const a = unsigned();
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(canonicalInfo(reordered)).toBe(canonicalInfo(a));
    expect(canonicalInfo({ ...a, signature: "0x01" })).toBe(canonicalInfo(a));
  });

  test("a signed info verifies; any edited field or another signer fails", async () => {
    const info = await signOrchestratorInfo(orch, unsigned());
    expect(await verifyOrchestratorInfo(info)).toEqual({ ok: true });
    expect(await verifyOrchestratorInfo(info, orch.address)).toEqual({ ok: true });
    const cheaper = { ...info, priceInfo: { pricePerUnit: "1", pixelsPerUnit: "1" } };
    expect((await verifyOrchestratorInfo(cheaper)).ok).toBe(false);
    const forged = await signOrchestratorInfo(other, unsigned());
    expect(await verifyOrchestratorInfo(forged)).toMatchObject({ ok: false, code: "INFO_SIGNATURE_INVALID" });
    expect((await verifyOrchestratorInfo(info, other.address)).ok).toBe(false);
  });
});

describe("Payment JSON", () => {
  test("round-trips through the schema and bigint form", () => {
    const json = {
      sender: other.address,
      ticketParams: unsigned().ticketParams,
      expirationParams: unsigned().expirationParams,
      expectedPrice: { pricePerUnit: "1200", pixelsPerUnit: "1" },
      tickets: [{ senderNonce: "1", sig: `0x${"11".repeat(65)}` }],
    };
    const parsed = PaymentSchema.parse(json);
    const p = paymentFromJson(parsed);
    expect(p.ticketParams.faceValue).toBe(1000n);
    expect(p.tickets[0]?.senderNonce).toBe(1n);
    expect(paymentToJson(p)).toEqual({ ...json, sender: other.address.toLowerCase() });
  });

  test("rejects non-decimal amounts and empty ticket lists", () => {
    const base = {
      sender: other.address,
      ticketParams: { ...unsigned().ticketParams, faceValue: "1e3" },
      expirationParams: unsigned().expirationParams,
      expectedPrice: { pricePerUnit: "1", pixelsPerUnit: "1" },
      tickets: [{ senderNonce: "1", sig: "0x00" }],
    };
    expect(PaymentSchema.safeParse(base).success).toBe(false);
    expect(
      PaymentSchema.safeParse({ ...base, ticketParams: unsigned().ticketParams, tickets: [] }).success,
    ).toBe(false);
    expect(PaymentSchema.safeParse({ ...base, ticketParams: unsigned().ticketParams }).success).toBe(true);
  });
});
