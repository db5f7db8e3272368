// The Minter's per-round arithmetic (docs/protocol.md#inflation-and-the-minter).
import { LivepeerError } from "../wire/errors.ts";
import { MINTER_DIVISOR, percOf, percOfFraction, percPoints } from "./math.ts";

export interface InflationInput {
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  /** BondingManager.getTotalBonded(): the current round's total active stake. */
  totalBonded: bigint;
  totalSupply: bigint;
}

/** Bonding rate in 1e9 points; 0 when there is no supply. */
export function bondingRate(totalBonded: bigint, totalSupply: bigint): bigint {
  return totalSupply > 0n ? percPoints(totalBonded, totalSupply, MINTER_DIVISOR) : 0n;
}

/** One inflation step, taken once per initialized round: up below target, down above, floor 0. */
export function nextInflation(input: InflationInput): bigint {
  const rate = bondingRate(input.totalBonded, input.totalSupply);
  if (rate < input.targetBondingRate) return input.inflation + input.inflationChange;
  if (rate > input.targetBondingRate) {
    return input.inflationChange > input.inflation ? 0n : input.inflation - input.inflationChange;
  }
  return input.inflation;
}

/** Tokens mintable in a round: `supply * inflation / 1e9`. */
export function mintableTokens(totalSupply: bigint, inflation: bigint): bigint {
  return percOf(totalSupply, inflation, MINTER_DIVISOR);
}

export interface MinterRound {
  currentMintableTokens: bigint;
  currentMintedTokens: bigint;
}

/**
 * Minter.createReward: `mintable * percPoints_1e9(stake, totalActiveStake) / 1e9`.
 * Throws MINT_EXCEEDS_MINTABLE when the round would mint more than mintable in total.
 */
export function createReward(
  round: MinterRound,
  stake: bigint,
  totalActiveStake: bigint,
): { amount: bigint; currentMintedTokens: bigint } {
  const amount = percOfFraction(round.currentMintableTokens, stake, totalActiveStake, MINTER_DIVISOR);
  const minted = round.currentMintedTokens + amount;
  if (minted > round.currentMintableTokens) {
    throw new LivepeerError("MINT_EXCEEDS_MINTABLE", "minted tokens cannot exceed mintable", {
      details: { amount: amount.toString(), minted: minted.toString() },
    });
  }
  return { amount, currentMintedTokens: minted };
}
