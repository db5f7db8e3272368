// Fixed-point helpers of the contracts (MathUtils, MathUtilsV2, PreciseMathUtils). Every division
// rounds down, in the order the contracts do it (docs/protocol.md#integer-arithmetic-and-precisions).

/** Percent points: rewardCut, feeShare, roundLockAmount. */
export const PERC_DIVISOR = 1_000_000n;
/** Minter precision: inflation, inflationChange, targetBondingRate, bonding rate. */
export const MINTER_DIVISOR = 1_000_000_000n;
/** PreciseMathUtils: cumulativeRewardFactor, cumulativeFeeFactor, treasuryRewardCutRate. */
export const PRECISE_DIVISOR = 10n ** 27n;

/** `a * D / b`: the fraction a/b in points of the divisor. */
export function percPoints(a: bigint, b: bigint, divisor: bigint = PERC_DIVISOR): bigint {
  if (b === 0n) throw new RangeError("percPoints: division by zero");
  return (a * divisor) / b;
}

/** `x * f / D`: apply a fraction already expressed in points. */
export function percOf(x: bigint, f: bigint, divisor: bigint = PERC_DIVISOR): bigint {
  return (x * f) / divisor;
}

/** `x * percPoints(a, b) / D`: the fraction is truncated first, then applied. */
export function percOfFraction(x: bigint, a: bigint, b: bigint, divisor: bigint = PERC_DIVISOR): bigint {
  return (x * percPoints(a, b, divisor)) / divisor;
}

/** PreciseMathUtils.percOf(x, a, b) at 1e27. */
export function precisePercOf(x: bigint, a: bigint, b: bigint): bigint {
  return percOfFraction(x, a, b, PRECISE_DIVISOR);
}

/** True when `v` is a valid percentage in PERC points (MathUtils.validPerc). */
export function validPerc(v: bigint): boolean {
  return v >= 0n && v <= PERC_DIVISOR;
}
