import type { Address, Hex, Ticket } from "../../../src/protocol/types.ts";

/** Arbitrary but fixed ticket fields for vectors; tests override what they vary. */
export function sampleTicket(sender: Address, overrides: Partial<Ticket> = {}): Ticket {
  return {
    recipient: "0x1111111111111111111111111111111111111111",
    sender,
    faceValue: 1_000_000_000_000_000n,
    winProb: 1n << 240n,
    senderNonce: 7n,
    recipientRandHash: `0x${"5a".repeat(32)}` as Hex,
    creationRound: 3_512n,
    creationRoundBlockHash: `0x${"c3".repeat(32)}` as Hex,
    ...overrides,
  };
}

export const ZERO_BYTES32 = `0x${"00".repeat(32)}` as Hex;
