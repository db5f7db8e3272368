import { bytesToBigInt, hexToBytesOrNull, MAX_UINT256, writeUint256 } from "./bytes.ts";
import { keccak256 } from "./keccak.ts";
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
  return bytesToBigInt(keccak256(buf)) < winProb;
}

/**
 * The same test with winProb as 32 big-endian bytes (e.g. straight from the packed ticket):
 * comparing bytes skips the two bigint conversions on the verifier's hot path.
 */
export function winsAgainstBytes(
  sig: Uint8Array,
  recipientRand: bigint,
  winProb32: Uint8Array,
  hash?: (data: Uint8Array) => Uint8Array,
): boolean {
  const buf = new Uint8Array(sig.length + 32);
  buf.set(sig, 0);
  writeUint256(buf, sig.length, recipientRand);
  // Without an injected keccak the preimage, no longer needed, takes the digest.
  const h = hash === undefined ? keccak256(buf, buf, 0) : hash(buf);
  for (let i = 0; i < 32; i++) {
    if (h[i] !== winProb32[i]) return h[i]! < winProb32[i]!;
  }
  return false; // equal is not below
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
