/** A 20-byte address, 0x-prefixed hex. */
export type Address = `0x${string}`;
/** 0x-prefixed hex bytes. */
export type Hex = `0x${string}`;

/**
 * A TicketBroker ticket, with auxData kept as its two parts.
 * Field order mirrors the contract's struct and the hash layout (docs/protocol.md#tickets-layout-and-hash).
 */
export interface Ticket {
  recipient: Address;
  sender: Address;
  faceValue: bigint;
  winProb: bigint;
  senderNonce: bigint;
  recipientRandHash: Hex;
  creationRound: bigint;
  creationRoundBlockHash: Hex;
}
