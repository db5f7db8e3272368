import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToBigInt, hexToBytesOrNull, MAX_UINT256, writeUint256 } from "./bytes.ts";
import type { Hex } from "./types.ts";

/** winProb that always wins: the contract divides by 2^256 - 1. */
export const MAX_WIN_PROB = MAX_UINT256;

/**
 * The contract's win test: `uint256(keccak256(sig ‖ uint256(recipientRand))) < winProb`.
 * A malformed hex signature never wins.
 */
export function isWinningTicket(sig: Hex | Uint8Array, recipientRand: bigint, winProb: bigint): boolean {
  const sigBytes = typeof sig === "string" ? hexToBytesOrNull(sig) : sig;
  if (sigBytes === null) return false;
  const buf = new Uint8Array(sigBytes.length + 32);
  buf.set(sigBytes, 0);
  writeUint256(buf, sigBytes.length, recipientRand);
  return bytesToBigInt(keccak_256(buf)) < winProb;
}

/** Expected value of a ticket in wei: faceValue × winProb / (2^256 - 1), rounded down. */
export function ticketEV(faceValue: bigint, winProb: bigint): bigint {
  return (faceValue * winProb) / MAX_WIN_PROB;
}

/**
 * The winProb that gives a ticket of `faceValue` an expected value of `ev`, as go-livepeer
 * computes it: ev × ceil((2^256 - 1) / faceValue), capped at certainty. When ev ≤ faceValue
 * and ev × faceValue < 2^256 (every realistic wei amount), ticketEV gives back exactly `ev`.
 */
export function winProbFor(ev: bigint, faceValue: bigint): bigint {
  if (faceValue <= 0n) throw new RangeError("faceValue must be positive");
  if (ev < 0n) throw new RangeError("ev must not be negative");
  const q = MAX_WIN_PROB / faceValue;
  const ceil = q * faceValue === MAX_WIN_PROB ? q : q + 1n;
  const wp = ev * ceil;
  return wp > MAX_WIN_PROB ? MAX_WIN_PROB : wp;
}
