import { crfOrOne, latestCumulativeFactors, type PoolLookup } from "../../../protocol/earnings.ts";
import { precisePercOf } from "../../../protocol/math.ts";
import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";
import type { EarningsPoolInfo } from "../../ledger/types.ts";
import { inferTreasuryRate, type SimulationStart } from "./simulate.ts";

export interface SimulationSetup {
  start: SimulationStart;
  /** True when the delegator's own bond with this orchestrator is simulated as it stands. */
  ownBond: boolean;
  principal: bigint;
  /** The orchestrator's reward calls over the last 30 rounds, PERC (the default ratio). */
  observedRatio: bigint;
}

/** The treasury rate in effect at the latest reward that paid the treasury (0 when none did). */
async function treasuryRate(deps: AppDeps): Promise<bigint> {
  const events = await deps.ledger.getEvents({ name: "TreasuryReward" });
  const last = events.at(-1);
  if (!last) return 0n;
  const rewards = await deps.ledger.getEvents({ name: "Reward" });
  const paired = rewards.find((e) => e.ref === last.ref);
  if (!paired) return 0n;
  const treasury = BigInt(last.args.amount ?? 0n);
  return inferTreasuryRate(treasury + BigInt(paired.args.amount ?? 0n), treasury);
}

/**
 * The state the simulator starts from: the ledger now, with the delegator's bond to
 * `orchestrator` (as it stands when `principal` is its pending stake, else a new bond of
 * `principal` made now).
 */
export async function simulationSetup(
  deps: AppDeps,
  orchestrator: Address,
  delegator: Address | undefined,
  principal: bigint | undefined,
  observedRatio: bigint,
): Promise<SimulationSetup> {
  const l = deps.ledger;
  const orch = orchestrator.toLowerCase() as Address;
  const [round, supply, inflation, inflationChange, target, nextTotal, t, stake, rate, d, pending] =
    await Promise.all([
      l.currentRound(),
      l.totalSupply(),
      l.inflation(),
      l.inflationChange(),
      l.targetBondingRate(),
      l.nextRoundTotalActiveStake(),
      l.getTranscoder(orch),
      l.transcoderTotalStake(orch),
      treasuryRate(deps),
      delegator ? l.getDelegator(delegator) : undefined,
      delegator ? l.pendingStake(delegator) : undefined,
    ]);
  const poolRounds = [round, t.lastRewardRound, t.lastFeeRound, d?.lastClaimRound ?? round];
  const pools = new Map<bigint, EarningsPoolInfo>();
  await Promise.all(
    poolRounds.map(async (r) => pools.set(r, await l.getTranscoderEarningsPoolForRound(orch, r))),
  );
  const lookup: PoolLookup = (r) => {
    const p = pools.get(r);
    if (!p) throw new Error(`simulator: pool ${r} not loaded`);
    return p;
  };
  const crf = latestCumulativeFactors(t, lookup, round).cumulativeRewardFactor;
  const own =
    d !== undefined &&
    d.bondedAmount > 0n &&
    d.delegateAddress.toLowerCase() === orch &&
    (principal === undefined || principal === pending);
  const base = {
    round,
    totalSupply: supply,
    inflation,
    inflationChange,
    targetBondingRate: target,
    treasuryRewardCutRate: rate,
    rewardCut: t.rewardCut,
    crf,
  };
  if (own) {
    return {
      start: {
        ...base,
        nextTotalActiveStake: nextTotal,
        orchestratorStake: stake,
        bonded: d.bondedAmount,
        startCRF: lookup(d.lastClaimRound).cumulativeRewardFactor,
      },
      ownBond: true,
      principal: pending ?? 0n,
      observedRatio,
    };
  }
  // A new bond now: it claims first (its stake with this orchestrator moves with it) and joins
  // the orchestrator's stake from the next round on.
  const p = principal ?? pending ?? 0n;
  const movedFromHere = d && d.delegateAddress.toLowerCase() === orch ? (pending ?? 0n) : 0n;
  const added = p - movedFromHere;
  return {
    start: {
      ...base,
      nextTotalActiveStake: nextTotal + added,
      orchestratorStake: stake + added,
      bonded: p,
      startCRF: crf,
    },
    ownBond: false,
    principal: p,
    observedRatio,
  };
}

/** What a bond of `principal` made `rounds` rounds ago would have earned, round by round, from the real factors. */
export async function pastRounds(
  deps: AppDeps,
  orchestrator: Address,
  principal: bigint,
  rounds: number,
): Promise<{ round: bigint; stake: bigint; reward: bigint }[]> {
  const current = await deps.ledger.currentRound();
  const first = current - BigInt(rounds);
  if (first < 0n) return [];
  // Read from twice as far back, so a missed first round carries the factor of the reward before it.
  const list: bigint[] = [];
  for (let r = first - BigInt(rounds) < 0n ? 0n : first - BigInt(rounds); r <= current; r++) list.push(r);
  const pools = await Promise.all(
    list.map((r) => deps.ledger.getTranscoderEarningsPoolForRound(orchestrator, r)),
  );
  let crf = 0n;
  const factors = list.map((round, i) => {
    if (pools[i]!.cumulativeRewardFactor !== 0n) crf = pools[i]!.cumulativeRewardFactor;
    return { round, crf };
  });
  const at = factors.findIndex((f) => f.round === first);
  const base = crfOrOne(factors[at]!.crf);
  let prev = principal;
  return factors.slice(at + 1).map(({ round, crf: f }) => {
    const stake = precisePercOf(principal, crfOrOne(f), base);
    const row = { round, stake, reward: stake - prev };
    prev = stake;
    return row;
  });
}
