import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToBigInt } from "./bytes.ts";
import { type ParsedSignature, recoverPublicKeyNoble } from "./signature.ts";
import type { SecpBackend } from "./verifier.ts";

const Point = secp256k1.Point;
type NoblePoint = InstanceType<typeof Point>;
const Fn = Point.Fn;

/**
 * ECDSA verify bound to the recovery bit: R = u1·G + u2·Q must have x == r (not merely ≡ mod n,
 * since v ∈ {27,28} only names R.x = r) and y parity == v - 27. Then ecrecover(digest, v, r, s)
 * is exactly Q, so this agrees with recover-and-compare while skipping the square root.
 */
function verifyBound(
  digest: Uint8Array,
  sig: ParsedSignature,
  mul: (u1: bigint, u2: bigint) => NoblePoint,
): boolean {
  const h = Fn.create(bytesToBigInt(digest));
  const sInv = Fn.inv(sig.s);
  const R = mul(Fn.create(h * sInv), Fn.create(sig.r * sInv));
  if (R.is0()) return false;
  const { x, y } = R.toAffine();
  return x === sig.r && Number(y & 1n) === sig.recovery;
}

/**
 * Pure-JS backend (@noble/curves, the library under viem) that recovers a sender's key once and
 * then verifies with a joint u1·G + u2·Q multiplication: no square root and no point decoding.
 * Runs in every JS runtime.
 */
export function nobleBackend(): SecpBackend<NoblePoint> {
  return {
    name: "noble verify (cached key)",
    recover: recoverPublicKeyNoble,
    prepareKey: (pub) => Point.fromBytes(pub),
    verifyPrepared: (digest, sig, Q) =>
      verifyBound(digest, sig, (u1, u2) => Point.BASE.mulAddUnsafe(u1, Q, u2)),
  };
}

/**
 * As nobleBackend, but each cached key also gets a wNAF table of `windowBits` (memory grows as
 * 2^(w-1) × 256/w points per sender: w=8 is ~4k points), so Q's multiplication is table lookups.
 */
export function noblePrecomputedBackend(windowBits = 8): SecpBackend<NoblePoint> {
  return {
    name: `noble verify (cached key, w=${windowBits} table)`,
    recover: recoverPublicKeyNoble,
    prepareKey: (pub) => Point.fromBytes(pub).precompute(windowBits, false),
    verifyPrepared: (digest, sig, Q) =>
      verifyBound(digest, sig, (u1, u2) => Point.BASE.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2))),
  };
}

/** Recovery only, every ticket: the baseline a naive implementation gets. */
export function nobleRecoverBackend(): SecpBackend<never> {
  return { name: "noble recover (every ticket)", recover: recoverPublicKeyNoble };
}
