import { crfOrOne } from "../../../protocol/earnings.ts";
import { precisePercOf } from "../../../protocol/math.ts";
import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";
import type { DelegatorInfo, EarningsPoolInfo } from "../../ledger/types.ts";

/** How many rounds back the per-round history reaches. */
export const EARNINGS_ROUNDS = 90;

/** One round of a delegator's earnings since its last claim, from its orchestrator's factors. */
export interface DelegatorRound {
  round: bigint;
  /** Pending stake and fees as of the end of this round. */
  stake: bigint;
  fees: bigint;
  /** Earned in this round alone. */
  reward: bigint;
  fee: bigint;
}

/** An earlier claim, as EarningsClaimed recorded it (per-round detail before it is gone). */
export interface ClaimRow {
  startRound: bigint;
  endRound: bigint;
  rewards: bigint;
  fees: bigint;
  delegate: string;
  ref: string;
}

export interface DelegatorEarnings {
  /** Oldest first, from the last claim round (or EARNINGS_ROUNDS back) to the current round. */
  rounds: DelegatorRound[];
  /** Newest first. */
  claims: ClaimRow[];
}

/**
 * A pool's factors with a zero factor read as the last non-zero one before it: what
 * latestCumulativeFactors gives for the current round, applied to every past round.
 */
export function carriedFactors(
  pools: readonly { round: bigint; pool: EarningsPoolInfo }[],
  base: { crf: bigint; cff: bigint },
): { round: bigint; crf: bigint; cff: bigint }[] {
  let { crf, cff } = base;
  return pools.map(({ round, pool }) => {
    if (pool.cumulativeRewardFactor !== 0n) crf = pool.cumulativeRewardFactor;
    if (pool.cumulativeFeeFactor !== 0n) cff = pool.cumulativeFeeFactor;
    return { round, crf, cff };
  });
}

/**
 * Per-round earnings since the last claim, with the contract's formulas (pendingStakeAndFees
 * evaluated at each round's end); an orchestrator's own commission is not included.
 */
export async function delegatorEarnings(
  deps: AppDeps,
  address: Address,
  d: DelegatorInfo,
  currentRound: bigint,
): Promise<DelegatorEarnings> {
  const addr = address.toLowerCase();
  const claimEvents = await deps.ledger.getEvents({ name: "EarningsClaimed", address: addr as Address });
  const claims = claimEvents
    .filter((e) => String(e.args.delegator ?? "").toLowerCase() === addr)
    // A first bond "claims" nothing: those rows carry no earnings.
    .filter((e) => BigInt(e.args.rewards ?? 0n) !== 0n || BigInt(e.args.fees ?? 0n) !== 0n)
    .map((e) => ({
      startRound: BigInt(e.args.startRound ?? 0n),
      endRound: BigInt(e.args.endRound ?? 0n),
      rewards: BigInt(e.args.rewards ?? 0n),
      fees: BigInt(e.args.fees ?? 0n),
      delegate: String(e.args.delegate ?? "").toLowerCase(),
      ref: e.ref,
    }))
    .reverse();
  const delegate = d.delegateAddress.toLowerCase() as Address;
  if (d.bondedAmount === 0n || /^0x0{40}$/.test(delegate)) return { rounds: [], claims };
  const start = d.lastClaimRound;
  let from = currentRound - BigInt(EARNINGS_ROUNDS) + 1n;
  if (from <= start) from = start + 1n;
  const roundList: bigint[] = [];
  for (let r = from; r <= currentRound; r++) roundList.push(r);
  const [startPool, ...pools] = await Promise.all(
    [start, ...roundList].map((r) => deps.ledger.getTranscoderEarningsPoolForRound(delegate, r)),
  );
  const startCRF = crfOrOne(startPool!.cumulativeRewardFactor);
  const startCFF = startPool!.cumulativeFeeFactor;
  // Rounds skipped between the claim and the window carry the factors of the window's first pool.
  const factors = carriedFactors(
    roundList.map((round, i) => ({ round, pool: pools[i]! })),
    { crf: startPool!.cumulativeRewardFactor, cff: startCFF },
  );
  let prevStake = d.bondedAmount;
  let prevFees = d.fees;
  const rounds = factors.map(({ round, crf, cff }) => {
    const stake = precisePercOf(d.bondedAmount, crfOrOne(crf), startCRF);
    const fees = d.fees + precisePercOf(d.bondedAmount, cff - startCFF, startCRF);
    const row = { round, stake, fees, reward: stake - prevStake, fee: fees - prevFees };
    prevStake = stake;
    prevFees = fees;
    return row;
  });
  return { rounds, claims };
}

/** The history as CSV: amounts in wei; "round" rows since the last claim, then earlier claims. */
export function earningsCsv(e: DelegatorEarnings): string {
  const lines = [
    "kind,start_round,end_round,orchestrator,reward_wei,fees_wei,pending_stake_wei,pending_fees_wei",
  ];
  for (const r of e.rounds)
    lines.push(`round,${r.round},${r.round},,${r.reward},${r.fee},${r.stake},${r.fees}`);
  for (const c of e.claims) {
    lines.push(`claim,${c.startRound},${c.endRound},${c.delegate},${c.rewards},${c.fees},,`);
  }
  return `${lines.join("\n")}\n`;
}
