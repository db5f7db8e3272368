import { bytesToHex, writeFixedHex, writeUint256 } from "./bytes.ts";
import { keccak256 } from "./keccak.ts";
import type { Hex, Ticket } from "./types.ts";

const ZERO_HASH = `0x${"0".repeat(64)}`;

/**
 * Byte offsets of the packed ticket (docs/protocol.md#tickets-layout-and-hash): 20 + 20 + 32 × 4, then
 * auxData.
 */
const TICKET_FIXED_LEN = 20 + 20 + 32 * 4;
/** Where the packed ticket holds winProb as a big-endian uint256, for byte-wise win checks. */
export const PACKED_WIN_PROB_OFFSET = 72;
/** Where the packed ticket holds senderNonce: the one field that differs within a payment. */
export const PACKED_NONCE_OFFSET = 104;

function isZeroBlockHash(hash: Hex): boolean {
  return hash.toLowerCase() === ZERO_HASH;
}

/**
 * The ticket's auxData: `uint256 creationRound ‖ bytes32 creationRoundBlockHash` (64 bytes), or
 * empty when the round is 0 and the block hash is zero, as go-livepeer does so hashes agree.
 *
 * @example encodeAuxData(0n, `0x${"00".repeat(32)}`) // "0x"
 */
export function encodeAuxData(creationRound: bigint, creationRoundBlockHash: Hex): Hex {
  return bytesToHex(auxDataBytes(creationRound, creationRoundBlockHash));
}

function auxDataBytes(creationRound: bigint, creationRoundBlockHash: Hex): Uint8Array {
  if (creationRound === 0n && isZeroBlockHash(creationRoundBlockHash)) return new Uint8Array(0);
  const out = new Uint8Array(64);
  writeUint256(out, 0, creationRound);
  writeFixedHex(out, 32, creationRoundBlockHash, 32);
  return out;
}

/** The ticket in Solidity encodePacked layout, the preimage of its hash. */
export function encodeTicketPacked(ticket: Ticket): Uint8Array {
  const aux = auxDataBytes(ticket.creationRound, ticket.creationRoundBlockHash);
  const out = new Uint8Array(TICKET_FIXED_LEN + aux.length);
  writeFixedHex(out, 0, ticket.recipient, 20);
  writeFixedHex(out, 20, ticket.sender, 20);
  writeUint256(out, 40, ticket.faceValue);
  writeUint256(out, PACKED_WIN_PROB_OFFSET, ticket.winProb);
  writeUint256(out, PACKED_NONCE_OFFSET, ticket.senderNonce);
  writeFixedHex(out, 136, ticket.recipientRandHash, 32);
  out.set(aux, TICKET_FIXED_LEN);
  return out;
}

/** keccak256 of the packed ticket, as bytes (the hot path avoids hex round trips). */
export function ticketHashBytes(ticket: Ticket): Uint8Array {
  return keccak256(encodeTicketPacked(ticket));
}

/**
 * The hash TicketBroker's `getTicketHash` returns: keccak256 of the packed fields and auxData.
 * Throws a TypeError on a malformed address or bytes32 field.
 */
export function ticketHash(ticket: Ticket): Hex {
  return bytesToHex(ticketHashBytes(ticket));
}
