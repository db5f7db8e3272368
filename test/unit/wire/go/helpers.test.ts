import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import type { Address, Hex } from "viem";
import { bigIntToMinimalBytes, minimalBytesToBigInt } from "../../../../src/wire/go/bytes.ts";
import {
  bitstringSubset,
  CAP,
  capabilityBits,
  capabilityBitstring,
  DEFAULT_CAPABILITIES,
} from "../../../../src/wire/go/capabilities.ts";
import { PaymentSchema, SegDataSchema } from "../../../../src/wire/go/gen/net/lp_rpc_pb.ts";
import {
  decodePaymentHeader,
  decodeSegDataHeader,
  encodePaymentHeader,
  encodeSegDataHeader,
} from "../../../../src/wire/go/headers.ts";
import { GoWireFormatError, paymentFromProto, paymentToProto } from "../../../../src/wire/go/payment.ts";
import { GO_TEXT, goErrorBody } from "../../../../src/wire/go/status.ts";
import type { Payment } from "../../../../src/wire/payment.ts";

describe("capability bits", () => {
  test("the default set is word 0 = 0x4005FFF", () => {
    expect(capabilityBitstring(DEFAULT_CAPABILITIES)).toEqual([0x4005fffn]);
  });
  test("bit n lands in word n/64 at n%64, and reads back", () => {
    const words = capabilityBitstring([CAP.AuthToken, CAP.BYOC, 64, 130]);
    expect(words).toEqual([(1n << 12n) | (1n << 37n), 1n, 1n << 2n]);
    expect(capabilityBits(words)).toEqual([12, 37, 64, 130]);
  });
  test("subset check", () => {
    const orch = capabilityBitstring([...DEFAULT_CAPABILITIES, CAP.TextToImage]);
    expect(bitstringSubset(capabilityBitstring([CAP.AuthToken, CAP.TextToImage]), orch)).toBe(true);
    expect(bitstringSubset(capabilityBitstring([CAP.LLM]), orch)).toBe(false);
    expect(bitstringSubset(capabilityBitstring([70]), orch)).toBe(false);
  });
});

describe("big integers", () => {
  test("minimal big-endian, zero is empty", () => {
    expect(bigIntToMinimalBytes(0n)).toEqual(new Uint8Array(0));
    expect(bigIntToMinimalBytes(255n)).toEqual(new Uint8Array([0xff]));
    expect(bigIntToMinimalBytes(256n)).toEqual(new Uint8Array([1, 0]));
    expect(minimalBytesToBigInt(new Uint8Array([0, 1, 0]))).toBe(256n);
    expect(() => bigIntToMinimalBytes(-1n)).toThrow(RangeError);
  });
});

const payment: Payment = {
  sender: "0x2222222222222222222222222222222222222222" as Address,
  ticketParams: {
    recipient: "0x1111111111111111111111111111111111111111" as Address,
    faceValue: 10n ** 16n,
    winProb: (1n << 255n) + 7n,
    recipientRandHash: `0x${"ab".repeat(32)}` as Hex,
    seed: `0x${"cd".repeat(32)}` as Hex,
    expirationBlock: 1040n,
  },
  expirationParams: { creationRound: 12n, creationRoundBlockHash: `0x${"ef".repeat(32)}` as Hex },
  expectedPrice: { pricePerUnit: 1200n, pixelsPerUnit: 1n },
  tickets: [
    { senderNonce: 1n, sig: `0x${"01".repeat(65)}` as Hex },
    { senderNonce: 2n, sig: `0x${"02".repeat(65)}` as Hex },
  ],
};

describe("payment conversion", () => {
  test("project Payment → protobuf → header → protobuf → project Payment is the identity", () => {
    const pb = paymentToProto(payment);
    expect(pb.ticketParams?.expirationParams).toBeUndefined(); // gateways fill 1–6 only
    expect(pb.expirationParams?.creationRound).toBe(12n);
    const back = paymentFromProto(decodePaymentHeader(encodePaymentHeader(pb)));
    expect(back.payment).toEqual(payment);
    expect(back.sender).toBe(payment.sender);
  });

  test("an empty header is an empty Payment: no sender, price 0, no tickets", () => {
    const empty = paymentFromProto(decodePaymentHeader(""));
    expect(empty).toEqual({
      sender: null,
      expectedPrice: { pricePerUnit: 0n, pixelsPerUnit: 0n },
      payment: null,
    });
  });

  test("expiration params fall back to the ones inside ticket_params", () => {
    const pb = paymentToProto(payment);
    const moved = create(PaymentSchema, {
      ...pb,
      expirationParams: undefined,
      ticketParams: { ...pb.ticketParams!, expirationParams: pb.expirationParams! },
    });
    expect(paymentFromProto(moved).payment?.expirationParams).toEqual(payment.expirationParams);
  });

  test("malformed fields are refused", () => {
    const pb = paymentToProto(payment);
    expect(() => paymentFromProto(create(PaymentSchema, { ...pb, sender: new Uint8Array(3) }))).toThrow(
      GoWireFormatError,
    );
    const badHash = create(PaymentSchema, {
      ...pb,
      ticketParams: { ...pb.ticketParams!, recipientRandHash: new Uint8Array(5) },
    });
    expect(() => paymentFromProto(badHash)).toThrow(GoWireFormatError);
    expect(() => paymentToProto({ ...payment, tickets: [{ senderNonce: 1n << 32n, sig: "0x" }] })).toThrow(
      GoWireFormatError,
    );
  });
});

describe("headers", () => {
  test("Livepeer-Segment is standard base64 of SegData", () => {
    const seg = create(SegDataSchema, { manifestId: new TextEncoder().encode("m"), seq: 5n });
    const value = encodeSegDataHeader(seg);
    expect(value).toBe(Buffer.from([0x0a, 0x01, 0x6d, 0x10, 0x05]).toString("base64"));
    expect(decodeSegDataHeader(value).seq).toBe(5n);
  });
  test("bad base64 or bad protobuf throws", () => {
    expect(() => decodeSegDataHeader("!!!")).toThrow();
    expect(() => decodeSegDataHeader(Buffer.from([0x0a, 0x09, 0x01]).toString("base64"))).toThrow();
    expect(() => decodePaymentHeader("abc")).toThrow();
  });
});

describe("status texts", () => {
  test("go's http.Error adds a newline", () => {
    expect(goErrorBody(GO_TEXT.insufficientCapacity)).toBe("insufficient capacity\n");
    expect(GO_TEXT.reqSigCheckFailed).toBe("Invalid orchestrator request: orchestrator req sig check failed");
  });
});
