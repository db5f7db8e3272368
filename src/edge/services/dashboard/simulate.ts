// The what-if simulator: the protocol's own round maths (Minter, LIP-36 reward update) run forward
// from a starting state. Pure: simulator-state.ts reads the start from the ledger.
import { crfOrOne, EMPTY_POOL, rewardUpdate, treasuryShare } from "../../../protocol/earnings.ts";
import { PERC_DIVISOR, precisePercOf } from "../../../protocol/math.ts";
import { createReward, mintableTokens, nextInflation } from "../../../protocol/minter.ts";

export interface SimulationStart {
  /** The current round; the simulation covers the rounds after it. */
  round: bigint;
  totalSupply: bigint;
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  /** Becomes the next round's total active stake when it is initialized. */
  nextTotalActiveStake: bigint;
  treasuryRewardCutRate: bigint;
  /** The orchestrator's stake in the next round's pool, and its reward cut. */
  orchestratorStake: bigint;
  rewardCut: bigint;
  /** The orchestrator's latest cumulative reward factor (0 reads as 1). */
  crf: bigint;
  /** The delegator's bond and the factor its earnings start from. */
  bonded: bigint;
  startCRF: bigint;
}

export interface SimulationParams {
  rounds: number;
  /** Share of rounds in which the orchestrator calls reward(), PERC (1e6 = every round). */
  rewardCallRatio: bigint;
  /** Share of the rest of the active stake that calls reward() each round, PERC. */
  othersCallRatio: bigint;
  /** A new reward cut from round `cutFromRound` (1-based) on. */
  newRewardCut?: bigint;
  cutFromRound?: number;
  /** Replaces the Minter's inflationChange. */
  inflationChange?: bigint;
}

export interface SimulatedRound {
  round: bigint;
  inflation: bigint;
  mintable: bigint;
  called: boolean;
  rewardCut: bigint;
  /** LPT reward() credits the orchestrator's pool (after the treasury). */
  poolRewards: bigint;
  /** The delegator's pending stake at the round's end, and what this round added. */
  stake: bigint;
  reward: bigint;
}

/** Rounds i in 1..n on which a `ratio` caller calls: spread evenly, the i-th when ⌊i·ratio⌋ steps. */
export function callsInRound(i: number, ratio: bigint): boolean {
  const n = BigInt(i);
  return (n * ratio) / PERC_DIVISOR > ((n - 1n) * ratio) / PERC_DIVISOR;
}

export function simulate(start: SimulationStart, p: SimulationParams): SimulatedRound[] {
  let supply = start.totalSupply;
  let inflation = start.inflation;
  let nextTotal = start.nextTotalActiveStake;
  let orchStake = start.orchestratorStake;
  let crf = start.crf;
  const inflationChange = p.inflationChange ?? start.inflationChange;
  const startCRF = crfOrOne(start.startCRF);
  let prevStake = precisePercOf(start.bonded, crfOrOne(crf), startCRF);
  const out: SimulatedRound[] = [];
  for (let i = 1; i <= p.rounds; i++) {
    const round = start.round + BigInt(i);
    // initializeRound: the total active stake moves up, then the Minter takes its inflation step.
    const totalActive = nextTotal;
    inflation = nextInflation({
      inflation,
      inflationChange,
      targetBondingRate: start.targetBondingRate,
      totalBonded: totalActive,
      totalSupply: supply,
    });
    const mintable = mintableTokens(supply, inflation);
    let minted = 0n;
    const cut = p.newRewardCut !== undefined && i >= (p.cutFromRound ?? 1) ? p.newRewardCut : start.rewardCut;
    const called = totalActive > 0n && callsInRound(i, p.rewardCallRatio);
    let poolRewards = 0n;
    const poolStake = orchStake;
    if (called) {
      const r = createReward(
        { currentMintableTokens: mintable, currentMintedTokens: minted },
        poolStake,
        totalActive,
      );
      minted = r.currentMintedTokens;
      const rewards = r.amount - treasuryShare(r.amount, start.treasuryRewardCutRate);
      const pool = { ...EMPTY_POOL, totalStake: poolStake, transcoderRewardCut: cut, transcoderFeeShare: 0n };
      const prev = { ...EMPTY_POOL, cumulativeRewardFactor: crf };
      const upd = rewardUpdate(
        {
          lastRewardRound: 0n,
          lastFeeRound: 0n,
          lastActiveStakeUpdateRound: round,
          rewardCut: cut,
          feeShare: 0n,
          activeCumulativeRewards: 0n,
          cumulativeRewards: 0n,
          cumulativeFees: 0n,
        },
        pool,
        () => prev,
        round,
        rewards,
      );
      crf = upd.pool.cumulativeRewardFactor;
      poolRewards = rewards;
      orchStake += rewards;
      nextTotal += rewards;
      supply += r.amount;
    }
    const others = totalActive - poolStake;
    if (others > 0n && p.othersCallRatio > 0n) {
      const share = (others * p.othersCallRatio) / PERC_DIVISOR;
      const r = createReward(
        { currentMintableTokens: mintable, currentMintedTokens: minted },
        share,
        totalActive,
      );
      nextTotal += r.amount - treasuryShare(r.amount, start.treasuryRewardCutRate);
      supply += r.amount;
    }
    const stake = precisePercOf(start.bonded, crfOrOne(crf), startCRF);
    out.push({
      round,
      inflation,
      mintable,
      called,
      rewardCut: cut,
      poolRewards,
      stake,
      reward: stake - prevStake,
    });
    prevStake = stake;
  }
  return out;
}

/**
 * The treasury cut rate (1e27 units) from one reward's split, which only the contract stores:
 * the roundest rate that yields exactly `treasury` out of `total` under floor division.
 */
export function inferTreasuryRate(total: bigint, treasury: bigint): bigint {
  if (total <= 0n || treasury <= 0n) return 0n;
  const scale = 10n ** 27n;
  const lo = (treasury * scale + total - 1n) / total; // smallest rate giving at least `treasury`
  const hi = ((treasury + 1n) * scale - 1n) / total; // largest rate giving at most `treasury`
  for (let step = scale; step >= 1n; step /= 10n) {
    const candidate = ((lo + step - 1n) / step) * step;
    if (candidate <= hi) return candidate;
  }
  return lo;
}
