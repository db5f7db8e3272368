import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodePacked, keccak256 } from "viem";
import { encodeAuxData, ticketHash } from "../../../src/protocol/index.ts";
import type { Address, Hex, Ticket } from "../../../src/protocol/types.ts";
import { sampleTicket, ZERO_BYTES32 } from "./fixtures.ts";

const SENDER = "0x2222222222222222222222222222222222222222" as Address;

/** The contract's getTicketHash, rebuilt with viem's encodePacked (independent of our encoder). */
function referenceHash(t: Ticket): Hex {
  const aux =
    t.creationRound === 0n && BigInt(t.creationRoundBlockHash) === 0n
      ? "0x"
      : encodePacked(["uint256", "bytes32"], [t.creationRound, t.creationRoundBlockHash]);
  return keccak256(
    encodePacked(
      ["address", "address", "uint256", "uint256", "uint256", "bytes32", "bytes"],
      [t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, aux],
    ),
  );
}

const hex = (n: number) =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const ticketArb: fc.Arbitrary<Ticket> = fc.record({
  recipient: hex(20),
  sender: hex(20),
  faceValue: uint256,
  winProb: uint256,
  senderNonce: uint256,
  recipientRandHash: hex(32),
  creationRound: fc.oneof(fc.constant(0n), uint256),
  creationRoundBlockHash: fc.oneof(fc.constant(ZERO_BYTES32), hex(32)),
});

describe("encodeAuxData", () => {
  test("is empty when the round is 0 and the block hash is zero", () => {
    expect(encodeAuxData(0n, ZERO_BYTES32)).toBe("0x");
  });

  test("is exactly 64 bytes, round then block hash, otherwise", () => {
    const blockHash = `0x${"ab".repeat(32)}` as Hex;
    const aux = encodeAuxData(9n, blockHash);
    expect((aux.length - 2) / 2).toBe(64);
    expect(aux).toBe(encodePacked(["uint256", "bytes32"], [9n, blockHash]));
    // Either part non-zero is enough for the full encoding.
    expect((encodeAuxData(0n, blockHash).length - 2) / 2).toBe(64);
    expect((encodeAuxData(1n, ZERO_BYTES32).length - 2) / 2).toBe(64);
  });

  test("rejects a block hash that is not 32 bytes", () => {
    expect(() => encodeAuxData(1n, "0xabcd")).toThrow();
  });
});

describe("ticketHash", () => {
  test("matches viem encodePacked + keccak256 for a fixed ticket", () => {
    const t = sampleTicket(SENDER);
    expect(ticketHash(t)).toBe(referenceHash(t));
  });

  test("a zero-aux ticket hashes without auxData (go-livepeer compatible)", () => {
    const t = sampleTicket(SENDER, { creationRound: 0n, creationRoundBlockHash: ZERO_BYTES32 });
    const noAux = keccak256(
      encodePacked(
        ["address", "address", "uint256", "uint256", "uint256", "bytes32"],
        [t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash],
      ),
    );
    expect(ticketHash(t)).toBe(noAux);
  });

  test("is case-insensitive in addresses", () => {
    const t = sampleTicket("0xAbCdEf0000000000000000000000000000000001");
    expect(ticketHash(t)).toBe(ticketHash({ ...t, sender: t.sender.toLowerCase() as Address }));
  });

  test("matches the reference for arbitrary tickets", () => {
    fc.assert(
      fc.property(ticketArb, (t) => ticketHash(t) === referenceHash(t)),
      { numRuns: 200 },
    );
  });

  test("changes when any single field changes", () => {
    const fields = [
      "recipient",
      "sender",
      "faceValue",
      "winProb",
      "senderNonce",
      "recipientRandHash",
      "creationRound",
      "creationRoundBlockHash",
    ] as const;
    fc.assert(
      fc.property(ticketArb, ticketArb, fc.constantFrom(...fields), (a, b, field) => {
        const changed = { ...a, [field]: b[field] } as Ticket;
        fc.pre(String(changed[field]).toLowerCase() !== String(a[field]).toLowerCase());
        // Going from a zero auxData to a non-zero one, or changing it, must change the hash too.
        return ticketHash(changed) !== ticketHash(a);
      }),
      { numRuns: 300 },
    );
  });

  test("throws on a malformed address", () => {
    expect(() => ticketHash(sampleTicket("0x1234" as Address))).toThrow();
  });
});
