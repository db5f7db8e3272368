import type { Address, Hex } from "viem";
import { keccak256 } from "viem";
import { bytesOf, concatBytes, u256 } from "./bytes.ts";

// The ticket a TicketSenderParams.sig signs, packed as TicketBroker's abi.encodePacked.

export interface GoTicket {
  recipient: Address;
  sender: Address;
  faceValue: bigint;
  winProb: bigint;
  senderNonce: bigint;
  recipientRandHash: Hex;
  creationRound: bigint;
  creationRoundBlockHash: Hex;
}

/** recipient20 ‖ sender20 ‖ u256 faceValue ‖ u256 winProb ‖ u256 nonce ‖ randHash32 ‖ auxData. */
export function ticketSignedBytes(t: GoTicket): Uint8Array {
  const blockHash = bytesOf(t.creationRoundBlockHash);
  const auxEmpty = t.creationRound === 0n && blockHash.every((b) => b === 0);
  return concatBytes([
    bytesOf(t.recipient),
    bytesOf(t.sender),
    u256(t.faceValue),
    u256(t.winProb),
    u256(t.senderNonce),
    bytesOf(t.recipientRandHash),
    ...(auxEmpty ? [] : [u256(t.creationRound), blockHash]),
  ]);
}

/** H for TicketSenderParams.sig. */
export function ticketHash(t: GoTicket): Uint8Array {
  return keccak256(ticketSignedBytes(t), "bytes");
}
