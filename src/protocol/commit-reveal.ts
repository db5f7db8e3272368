import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { LivepeerError } from "../wire/errors.ts";
import { bytesToBigInt, bytesToHex, uint256ToBytes, writeFixedHex, writeUint256 } from "./bytes.ts";
import { keccak256 } from "./keccak.ts";
import type { Address, Hex } from "./types.ts";

/** What the recipientRand is bound to: the seed, the offered params, and the pinned price. */
export interface RecipientRandInput {
  /** Fresh per OrchestratorInfo, from a CSPRNG; published with the params. */
  seed: bigint;
  sender: Address;
  faceValue: bigint;
  winProb: bigint;
  expirationBlock: bigint;
  /** The expected price the session is pinned to (go-livepeer's expected_price). */
  pricePerUnit: bigint;
  pixelsPerUnit: bigint;
}

/** Shortest secret accepted: 128 bits. */
const MIN_SECRET_BYTES = 16;

/** Fixed-width message so no two inputs share an encoding (unlike variable-length big.Int bytes). */
function encodeRandInput(p: RecipientRandInput): Uint8Array {
  const out = new Uint8Array(32 + 20 + 32 * 5);
  writeUint256(out, 0, p.seed);
  writeFixedHex(out, 32, p.sender, 20);
  writeUint256(out, 52, p.faceValue);
  writeUint256(out, 84, p.winProb);
  writeUint256(out, 116, p.expirationBlock);
  writeUint256(out, 148, p.pricePerUnit);
  writeUint256(out, 180, p.pixelsPerUnit);
  return out;
}

/**
 * The orchestrator's recipientRand: HMAC-SHA256(secret, seed ‖ sender ‖ faceValue ‖ winProb ‖
 * expirationBlock ‖ pricePerUnit ‖ pixelsPerUnit) read as a uint256. Stateless: the same inputs
 * always give the same value, so the orchestrator re-derives it when a ticket arrives.
 */
export function deriveRecipientRand(secret: Uint8Array, input: RecipientRandInput): bigint {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new LivepeerError(
      "RECIPIENT_SECRET_TOO_SHORT",
      `recipient secret must be at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return bytesToBigInt(hmac(sha256, secret, encodeRandInput(input)));
}

/** The commitment published in ticket params: keccak256(uint256(recipientRand)). */
export function recipientRandHash(recipientRand: bigint): Hex {
  return bytesToHex(keccak256(uint256ToBytes(recipientRand)));
}
