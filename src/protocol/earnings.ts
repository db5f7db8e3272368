// LIP-36 cumulative earnings accounting of BondingManager / EarningsPoolLIP36: docs/protocol.md#reward,
// #fees-into-earnings-pools and #pending-earnings-and-claimearnings.
// Pure state transitions: callers fetch the pools they need and store what comes back.
import { PRECISE_DIVISOR, percOf, precisePercOf } from "./math.ts";

export interface CumulativeFactors {
  cumulativeRewardFactor: bigint;
  cumulativeFeeFactor: bigint;
}

/** An orchestrator's earnings pool for one round. */
export interface EarningsPool extends CumulativeFactors {
  totalStake: bigint;
  transcoderRewardCut: bigint;
  transcoderFeeShare: bigint;
}

/** The earnings-related fields of an orchestrator ("transcoder" in the contracts). */
export interface TranscoderEarnings {
  lastRewardRound: bigint;
  lastFeeRound: bigint;
  lastActiveStakeUpdateRound: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  activeCumulativeRewards: bigint;
  cumulativeRewards: bigint;
  cumulativeFees: bigint;
}

/** Reads an orchestrator's pool for a round; an absent pool reads as all zeros. */
export type PoolLookup = (round: bigint) => EarningsPool;

export const EMPTY_POOL: EarningsPool = Object.freeze({
  totalStake: 0n,
  transcoderRewardCut: 0n,
  transcoderFeeShare: 0n,
  cumulativeRewardFactor: 0n,
  cumulativeFeeFactor: 0n,
});

/** A CRF of 0 means "no rewards yet", which reads as 1 (1e27). */
export function crfOrOne(crf: bigint): bigint {
  return crf === 0n ? PRECISE_DIVISOR : crf;
}

/** cumulativeFactorsPool: the factors stored for exactly that round. */
export function cumulativeFactors(poolAt: PoolLookup, round: bigint): CumulativeFactors {
  const p = poolAt(round);
  return { cumulativeRewardFactor: p.cumulativeRewardFactor, cumulativeFeeFactor: p.cumulativeFeeFactor };
}

/** latestCumulativeFactorsPool: a zero factor falls back to lastRewardRound / lastFeeRound when earlier. */
export function latestCumulativeFactors(
  t: Pick<TranscoderEarnings, "lastRewardRound" | "lastFeeRound">,
  poolAt: PoolLookup,
  round: bigint,
): CumulativeFactors {
  const f = cumulativeFactors(poolAt, round);
  if (f.cumulativeRewardFactor === 0n && t.lastRewardRound < round) {
    f.cumulativeRewardFactor = poolAt(t.lastRewardRound).cumulativeRewardFactor;
  }
  if (f.cumulativeFeeFactor === 0n && t.lastFeeRound < round) {
    f.cumulativeFeeFactor = poolAt(t.lastFeeRound).cumulativeFeeFactor;
  }
  return f;
}

/**
 * Pool N takes the orchestrator's current rewardCut/feeShare and, when its stake was last updated
 * before N, the totalStake of that round's pool (setCommission + setStake in reward()).
 */
export function syncPoolForRound(
  t: TranscoderEarnings,
  pool: EarningsPool,
  poolAt: PoolLookup,
  round: bigint,
) {
  const synced: EarningsPool = { ...pool, transcoderRewardCut: t.rewardCut, transcoderFeeShare: t.feeShare };
  if (t.lastActiveStakeUpdateRound < round) {
    synced.totalStake = poolAt(t.lastActiveStakeUpdateRound).totalStake;
  }
  return synced;
}

export interface RewardUpdate {
  transcoder: TranscoderEarnings;
  pool: EarningsPool;
  commission: bigint;
  delegatorsRewards: bigint;
}

/**
 * updateTranscoderWithRewards: splits R (after the treasury cut) into commission and delegator
 * rewards, grows cumulativeRewards, and ASSIGNS pool N's CRF from the last reward round's CRF.
 * `pool` must already be synced for round N (syncPoolForRound).
 */
export function rewardUpdate(
  t: TranscoderEarnings,
  pool: EarningsPool,
  poolAt: PoolLookup,
  round: bigint,
  rewards: bigint,
): RewardUpdate {
  const prevCRF = crfOrOne(poolAt(t.lastRewardRound).cumulativeRewardFactor);
  const activeCumulativeRewards = t.cumulativeRewards;
  const commission = percOf(rewards, pool.transcoderRewardCut);
  const delegatorsRewards = rewards - commission;
  const rewardStakeRewards = precisePercOf(delegatorsRewards, activeCumulativeRewards, pool.totalStake);
  return {
    transcoder: {
      ...t,
      activeCumulativeRewards,
      cumulativeRewards: t.cumulativeRewards + rewardStakeRewards + commission,
      lastRewardRound: round,
    },
    pool: {
      ...pool,
      cumulativeRewardFactor: prevCRF + precisePercOf(prevCRF, delegatorsRewards, pool.totalStake),
    },
    commission,
    delegatorsRewards,
  };
}

export interface MinterSnapshot {
  currentMintableTokens: bigint;
  currentMintedTokens: bigint;
  currentRoundTotalActiveStake: bigint;
  /** The current round's treasury reward cut rate, at 1e27. */
  treasuryRewardCutRate: bigint;
}

/**
 * Rebuilds the previous CRF from round N's CRF when the orchestrator missed reward in the
 * previous round but called it in N. Uses mintable + minted exactly as the contract does.
 */
export function rebuildPreviousCRF(pool: EarningsPool, minter: MinterSnapshot): bigint {
  const gross = precisePercOf(
    minter.currentMintableTokens + minter.currentMintedTokens,
    pool.totalStake,
    minter.currentRoundTotalActiveStake,
  );
  const rewards = gross - percOf(gross, minter.treasuryRewardCutRate, PRECISE_DIVISOR);
  const delegatorsRewards = rewards - percOf(rewards, pool.transcoderRewardCut);
  return precisePercOf(pool.cumulativeRewardFactor, pool.totalStake, delegatorsRewards + pool.totalStake);
}

export interface FeeUpdate {
  transcoder: TranscoderEarnings;
  pool: EarningsPool;
  delegatorsFees: bigint;
  commissionFees: bigint;
}

/**
 * updateTranscoderWithFees: fees F credited in the CURRENT round N. `pool` is pool N as stored.
 * The caller must ensure the pool's totalStake is non-zero (the contract would divide by zero).
 */
export function feeUpdate(
  t: TranscoderEarnings,
  pool: EarningsPool,
  poolAt: PoolLookup,
  round: bigint,
  fees: bigint,
  minter: MinterSnapshot,
): FeeUpdate {
  let p = pool;
  let activeCumulativeRewards = t.activeCumulativeRewards;
  if (round > t.lastRewardRound) {
    p = syncPoolForRound(t, pool, poolAt, round);
    activeCumulativeRewards = t.cumulativeRewards;
  }
  const prev = round > 0n ? latestCumulativeFactors(t, poolAt, round - 1n) : { ...EMPTY_POOL };
  if (prev.cumulativeRewardFactor === 0n && t.lastRewardRound === round) {
    prev.cumulativeRewardFactor = rebuildPreviousCRF(p, minter);
  }
  const delegatorsFees = percOf(fees, p.transcoderFeeShare);
  const commissionFees = fees - delegatorsFees;
  const rewardStakeFees = precisePercOf(delegatorsFees, activeCumulativeRewards, p.totalStake);
  const prevCRF = crfOrOne(prev.cumulativeRewardFactor);
  const base = p.cumulativeFeeFactor === 0n ? prev.cumulativeFeeFactor : p.cumulativeFeeFactor;
  return {
    transcoder: {
      ...t,
      cumulativeFees: t.cumulativeFees + rewardStakeFees + commissionFees,
      lastFeeRound: round,
    },
    pool: { ...p, cumulativeFeeFactor: base + precisePercOf(prevCRF, delegatorsFees, p.totalStake) },
    delegatorsFees,
    commissionFees,
  };
}

export interface DelegatorEarnings {
  bondedAmount: bigint;
  fees: bigint;
  lastClaimRound: bigint;
  /** True when the delegator is the orchestrator itself (self-delegated). */
  isTranscoder: boolean;
}

/**
 * pendingStakeAndFees up to `endRound` (the current round: the contract ignores its argument).
 * Cost is constant: it reads only the start and end factors.
 */
export function pendingStakeAndFees(
  d: DelegatorEarnings,
  t: TranscoderEarnings,
  poolAt: PoolLookup,
  endRound: bigint,
): { stake: bigint; fees: bigint } {
  // No early return when lastClaimRound is endRound (BondingManager.pendingStakeAndFees has none):
  // an orchestrator that claimed before its reward() in the round still adds cumulativeRewards/Fees.
  const start = cumulativeFactors(poolAt, d.lastClaimRound);
  const startCRF = crfOrOne(start.cumulativeRewardFactor);
  const end = latestCumulativeFactors(t, poolAt, endRound);
  const endCRF = crfOrOne(end.cumulativeRewardFactor);
  let fees =
    d.fees + precisePercOf(d.bondedAmount, end.cumulativeFeeFactor - start.cumulativeFeeFactor, startCRF);
  let stake = precisePercOf(d.bondedAmount, endCRF, startCRF);
  if (d.isTranscoder) {
    stake += t.cumulativeRewards;
    fees += t.cumulativeFees;
  }
  return { stake, fees };
}

/**
 * After a claim ending in `endRound`, a zero factor of that round is filled from the last
 * reward / fee round so the next claim starts from it.
 */
export function fillEndFactors(t: TranscoderEarnings, poolAt: PoolLookup, endRound: bigint): EarningsPool {
  const p = { ...poolAt(endRound) };
  if (p.cumulativeRewardFactor === 0n && t.lastRewardRound < endRound) {
    p.cumulativeRewardFactor = poolAt(t.lastRewardRound).cumulativeRewardFactor;
  }
  if (p.cumulativeFeeFactor === 0n && t.lastFeeRound < endRound) {
    p.cumulativeFeeFactor = poolAt(t.lastFeeRound).cumulativeFeeFactor;
  }
  return p;
}

/** Treasury share of a round's reward: `total * cutRate / 1e27`. */
export function treasuryShare(totalRewards: bigint, treasuryRewardCutRate: bigint): bigint {
  return percOf(totalRewards, treasuryRewardCutRate, PRECISE_DIVISOR);
}
