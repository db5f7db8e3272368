import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { recoverMessageAddress } from "viem";
import type { HDAccount } from "viem/accounts";
import { FFI_BACKEND_NAME, loadFfiSecp } from "../../../src/edge/platform/secp-ffi.ts";
import { loadNapiSecp, NAPI_BACKEND_NAME } from "../../../src/edge/platform/secp-napi.ts";
import { readSecpWasm } from "../../../src/edge/platform/secp-wasm.ts";
import { buildOrchestratorInfo } from "../../../src/edge/services/tickets/info.ts";
import { validatePayment } from "../../../src/edge/services/tickets/validate.ts";
import { createIntakeVerifier } from "../../../src/edge/services/tickets/verifier.ts";
import { bytesToHex, hexToBytesOrNull } from "../../../src/protocol/bytes.ts";
import { SECP256K1_N, signTicket } from "../../../src/protocol/signature.ts";
import { ticketHash } from "../../../src/protocol/ticket.ts";
import type { Address, Hex, Ticket } from "../../../src/protocol/types.ts";
import { createTicketVerifier, type SecpBackend } from "../../../src/protocol/verifier.ts";
import {
  nobleBackend,
  noblePrecomputedBackend,
  nobleRecoverBackend,
} from "../../../src/protocol/verifier-noble.ts";
import { libsecp256k1WasmBackend } from "../../../src/protocol/verifier-wasm.ts";
import { type Payment, priceFromJson, ticketParamsFromJson } from "../../../src/wire/payment.ts";
import {
  ACCOUNTS,
  addressOf,
  type Edge,
  ETHER,
  GATEWAY,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// The intake (validatePayment with an injected verifier) against a real devnet on a temp libSQL
// file: every secp256k1 backend must give the same verdict on the same payment, and a sender's
// cached key must never let a forged ticket through.
setDefaultTimeout(30_000);

let net: PaymentsNet;
let orch: Edge;
let wasm: Uint8Array;
const O0 = addressOf(ORCHS[0]!);
const SENDER = addressOf(GATEWAY);
/** A second funded sender: its key gets cached too, then it forges tickets in GATEWAY's name. */
const OTHER = ACCOUNTS[8]!;

beforeAll(async () => {
  net = await paymentsNet();
  orch = await net.startEdge({ host: [0] });
  await net.devnet.fundDepositAndReserve(addressOf(OTHER), ETHER, ETHER);
  const bytes = await readSecpWasm();
  if (!bytes) throw new Error("tiny-secp256k1's secp256k1.wasm not found in node_modules");
  wasm = bytes;
});
afterAll(async () => {
  await net?.close();
});

/** A real backend that also counts how often each path ran (recover vs cached-key verify). */
function counted(backend: SecpBackend<unknown>) {
  const calls = { recover: 0, verify: 0 };
  const verifyPrepared = backend.verifyPrepared;
  const wrapped: SecpBackend<unknown> = {
    ...backend,
    recover(digest, sig) {
      calls.recover++;
      return backend.recover(digest, sig);
    },
    ...(verifyPrepared === undefined
      ? {}
      : {
          verifyPrepared(digest, sig, key) {
            calls.verify++;
            return verifyPrepared(digest, sig, key);
          },
        }),
  };
  return { calls, backend: wrapped, caches: backend.prepareKey !== undefined };
}

const napiLoaded = await loadNapiSecp();
const BACKENDS: Array<[string, () => SecpBackend<unknown>]> = [
  ["libsecp256k1 wasm", () => libsecp256k1WasmBackend(wasm) as SecpBackend<unknown>],
  ...("backend" in napiLoaded
    ? [
        ["native N-API addon", () => napiLoaded.backend as SecpBackend<unknown>] as [
          string,
          () => SecpBackend<unknown>,
        ],
      ]
    : []),
  ["noble + w=8 table (fallback)", () => noblePrecomputedBackend(8) as SecpBackend<unknown>],
  ["noble cached key", () => nobleBackend() as SecpBackend<unknown>],
  ["noble recover every ticket", () => nobleRecoverBackend() as SecpBackend<unknown>],
];

/** Fresh params for `sender` from the orchestrator, as GET /v1/orchestrator/info hands them out. */
async function freshParams(sender: Address): Promise<Omit<Payment, "tickets">> {
  const info = await buildOrchestratorInfo(orch.deps, { sender, orchestrator: O0 });
  return {
    sender,
    ticketParams: ticketParamsFromJson(info.ticketParams),
    expirationParams: {
      creationRound: BigInt(info.expirationParams.creationRound),
      creationRoundBlockHash: info.expirationParams.creationRoundBlockHash.toLowerCase() as Hex,
    },
    expectedPrice: priceFromJson(info.priceInfo),
  };
}

function ticketOf(base: Omit<Payment, "tickets">, senderNonce: bigint): Ticket {
  return {
    recipient: base.ticketParams.recipient,
    sender: base.sender,
    faceValue: base.ticketParams.faceValue,
    winProb: base.ticketParams.winProb,
    senderNonce,
    recipientRandHash: base.ticketParams.recipientRandHash,
    creationRound: base.expirationParams.creationRound,
    creationRoundBlockHash: base.expirationParams.creationRoundBlockHash,
  };
}

const sign = (signer: HDAccount, base: Omit<Payment, "tickets">, nonce: bigint) =>
  signTicket(signer, ticketOf(base, nonce));

function bytesOf(sig: Hex): Uint8Array {
  const b = hexToBytesOrNull(sig);
  if (b === null) throw new Error(`bad hex ${sig}`);
  return b;
}

/** The malleable twin (r, n - s, other v): the same signer recovers, so only the high-s rule stops it. */
function highSTwin(sig: Hex): Hex {
  const b = bytesOf(sig);
  const s = BigInt(bytesToHex(b.subarray(32, 64)));
  const out = new Uint8Array(b);
  out.set(bytesOf(`0x${(SECP256K1_N - s).toString(16).padStart(64, "0")}` as Hex), 32);
  out[64] = b[64] === 27 ? 28 : 27;
  return bytesToHex(out);
}

function flipV(sig: Hex): Hex {
  const out = new Uint8Array(bytesOf(sig));
  out[64] = out[64] === 27 ? 28 : 27;
  return bytesToHex(out);
}

/** What the intake decided, per nonce, in a form that compares across backends. */
async function verdicts(ticketVerifier: ReturnType<typeof createTicketVerifier>, payment: Payment) {
  const v = await validatePayment({ ...orch.deps, ticketVerifier }, payment);
  return {
    valid: v.valid.map((t) => ({ nonce: t.ticket.senderNonce.toString(), hash: t.hash, won: t.won })),
    errors: v.errors.map((e) => ({ nonce: e.senderNonce, code: e.code, message: e.message })),
  };
}

describe("payment intake verdicts are the same with every secp256k1 backend", () => {
  test("valid, high-s twin, wrong signer, flipped v, short sig, reused sig; then with the key cached", async () => {
    // Payment 1: the sender's first tickets (cold cache). Nonce 1 is valid so the key gets cached
    // during the payment and the later tickets already meet the cached key.
    const p1 = await freshParams(SENDER);
    const s1 = await sign(GATEWAY, p1, 1n);
    const s3 = await sign(GATEWAY, p1, 3n);
    const s7 = await sign(GATEWAY, p1, 7n);
    // The twin really is a signature by the sender under ecrecover-without-low-s (viem accepts it).
    expect(
      (
        await recoverMessageAddress({
          message: { raw: ticketHash(ticketOf(p1, 3n)) },
          signature: highSTwin(s3),
        })
      ).toLowerCase(),
    ).toBe(SENDER);
    const payment1: Payment = {
      ...p1,
      tickets: [
        { senderNonce: 1n, sig: s1 },
        { senderNonce: 2n, sig: await sign(GATEWAY, p1, 2n) },
        { senderNonce: 3n, sig: highSTwin(s3) },
        { senderNonce: 4n, sig: await sign(OTHER, p1, 4n) },
        { senderNonce: 5n, sig: flipV(await sign(GATEWAY, p1, 5n)) },
        { senderNonce: 6n, sig: s1.slice(0, 2 + 128) as Hex },
        { senderNonce: 7n, sig: s7 },
        { senderNonce: 8n, sig: s7 }, // a genuine signature, but over nonce 7's ticket
      ],
    };
    // OTHER pays once with its own valid tickets, so its key is in every cache as well.
    const po = await freshParams(addressOf(OTHER));
    const otherPayment: Payment = { ...po, tickets: [{ senderNonce: 1n, sig: await sign(OTHER, po, 1n) }] };

    // Payment 2 (fresh params): the sender's key is cached now. Forged tickets of every kind.
    const p2 = await freshParams(SENDER);
    const t1 = await sign(GATEWAY, p2, 1n);
    const t2 = await sign(GATEWAY, p2, 2n);
    const payment2: Payment = {
      ...p2,
      tickets: [
        { senderNonce: 1n, sig: t1 },
        { senderNonce: 2n, sig: flipV(t2) },
        { senderNonce: 3n, sig: await sign(OTHER, p2, 3n) }, // OTHER's key is cached too
        { senderNonce: 4n, sig: highSTwin(await sign(GATEWAY, p2, 4n)) },
        { senderNonce: 5n, sig: s1 }, // sender's signature from payment 1 (other params)
        { senderNonce: 6n, sig: `0x${"00".repeat(65)}` },
        { senderNonce: 7n, sig: await sign(GATEWAY, p2, 7n) },
      ],
    };

    const results: Array<{ name: string; v1: unknown; vo: unknown; v2: unknown }> = [];
    for (const [name, make] of BACKENDS) {
      const c = counted(make());
      const verifier = createTicketVerifier({ backend: c.backend });
      const v1 = await verdicts(verifier, payment1);
      const vo = await verdicts(verifier, otherPayment);
      const before = { ...c.calls };
      const v2 = await verdicts(verifier, payment2);
      if (c.caches) {
        // Payment 2's signatures were all checked against cached keys, never recovered:
        // the five that reach the signer check (1, 2, 3, 5, 7) are verified, nothing recovered.
        expect({
          name,
          recover: c.calls.recover - before.recover,
          verify: c.calls.verify - before.verify,
        }).toEqual({
          name,
          recover: 0,
          verify: 5,
        });
      } else {
        expect(c.calls.recover - before.recover).toBe(5);
      }
      results.push({ name, v1, vo, v2 });
    }

    // The expected verdicts, spelled out once.
    const first = results[0]!;
    const codes = (v: unknown) =>
      (v as { errors: { nonce: string; code: string; message: string }[] }).errors.map(
        (e) => `${e.nonce}:${e.code}:${/\((\w+)\)/.exec(e.message)?.[1]}`,
      );
    const validNonces = (v: unknown) => (v as { valid: { nonce: string }[] }).valid.map((t) => t.nonce);
    expect(validNonces(first.v1)).toEqual(["1", "2", "7"]);
    expect(codes(first.v1)).toEqual([
      "3:TICKET_SIG_INVALID:SIG_HIGH_S",
      "4:TICKET_SIG_INVALID:SIGNER_MISMATCH",
      "5:TICKET_SIG_INVALID:SIGNER_MISMATCH",
      "6:TICKET_SIG_INVALID:SIG_LENGTH",
      "8:TICKET_SIG_INVALID:SIGNER_MISMATCH",
    ]);
    expect(validNonces(first.vo)).toEqual(["1"]);
    expect(validNonces(first.v2)).toEqual(["1", "7"]);
    expect(codes(first.v2)).toEqual([
      "2:TICKET_SIG_INVALID:SIGNER_MISMATCH",
      "3:TICKET_SIG_INVALID:SIGNER_MISMATCH",
      "4:TICKET_SIG_INVALID:SIG_HIGH_S",
      "5:TICKET_SIG_INVALID:SIGNER_MISMATCH",
      "6:TICKET_SIG_INVALID:SIG_V",
    ]);
    // Every backend: identical verdicts, messages, ticket hashes and win flags.
    for (const r of results.slice(1)) expect({ ...r, name: first.name }).toEqual(first);
  });

  test("createIntakeVerifier picks the wasm backend, and falls back to pure JS when the wasm cannot load", () => {
    expect(createIntakeVerifier({ wasm }).backend).toBe("libsecp256k1 wasm (tiny-secp256k1)");
    expect(createIntakeVerifier({ wasm: new Uint8Array([0, 97, 115, 109, 9, 9]) }).backend).toMatch(
      /^noble verify \(cached key, w=8 table\)$/,
    );
    expect(createIntakeVerifier().backend).toMatch(/w=8 table/);
  });

  test("the edge's bootstrap injects the native verifier where it loads, else the wasm one, and the intake uses it", async () => {
    // On Bun the system library through bun:ffi first, then the N-API addon (which ships prebuilt).
    const napi = "backend" in (await loadNapiSecp());
    const ffi = "backend" in (await loadFfiSecp());
    expect(orch.deps.ticketVerifier?.backend).toBe(
      ffi ? FFI_BACKEND_NAME : napi ? NAPI_BACKEND_NAME : "libsecp256k1 wasm (tiny-secp256k1)",
    );
    const p = await freshParams(SENDER);
    const payment: Payment = {
      ...p,
      tickets: [
        { senderNonce: 1n, sig: await sign(GATEWAY, p, 1n) },
        { senderNonce: 2n, sig: await sign(OTHER, p, 2n) },
      ],
    };
    const v = await validatePayment(orch.deps, payment);
    expect(v.valid.map((t) => t.ticket.senderNonce)).toEqual([1n]);
    expect(v.errors.map((e) => [e.senderNonce, e.code])).toEqual([["2", "TICKET_SIG_INVALID"]]);
  });
});
