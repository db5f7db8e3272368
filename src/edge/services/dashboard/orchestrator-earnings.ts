import { percOf } from "../../../protocol/math.ts";
import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";
import type { LedgerEvent, TranscoderInfo } from "../../ledger/types.ts";

/** One round's earnings of an orchestrator's pool: what it kept and what went to its delegators. */
export interface RoundEarnings {
  round: bigint;
  /** LPT minted to the pool by reward() (after the treasury's share). */
  rewards: bigint;
  rewardKept: bigint;
  rewardShared: bigint;
  /** ETH of winning tickets paid to the orchestrator this round. */
  fees: bigint;
  feesKept: bigint;
  feesShared: bigint;
  rewardCut: bigint;
  feeShare: bigint;
}

/** A change of reward cut / fee share, as the TranscoderUpdate event recorded it. */
export interface CutChange {
  round: bigint;
  block: bigint;
  ref: string;
  rewardCut: bigint;
  feeShare: bigint;
}

export interface OrchestratorActivity {
  /** Newest first; only rounds with rewards or fees. */
  earnings: RoundEarnings[];
  /** Newest first. */
  cuts: CutChange[];
}

const lowerArg = (e: LedgerEvent, name: string) => String(e.args[name] ?? "").toLowerCase();

/**
 * Per-round earnings and cut history from the ledger's event log: Reward and WinningTicketTransfer
 * amounts, split with the cut and fee share the round's earnings pool held (the orchestrator's
 * commission is "kept"; the rest is shared by its stake, its own bond included).
 */
export async function orchestratorActivity(
  deps: AppDeps,
  address: Address,
  t: TranscoderInfo,
  fromRound: bigint,
): Promise<OrchestratorActivity> {
  const addr = address.toLowerCase();
  const events = await deps.ledger.getEvents({ address: addr as Address });
  const rewards = new Map<bigint, bigint>();
  const fees = new Map<bigint, bigint>();
  const cuts: CutChange[] = [];
  for (const e of events) {
    if (e.name === "TranscoderUpdate" && lowerArg(e, "transcoder") === addr) {
      cuts.push({
        round: e.round,
        block: e.block,
        ref: e.ref,
        rewardCut: BigInt(e.args.rewardCut ?? 0n),
        feeShare: BigInt(e.args.feeShare ?? 0n),
      });
    }
    if (e.round < fromRound) continue;
    if (e.name === "Reward" && lowerArg(e, "transcoder") === addr) {
      rewards.set(e.round, (rewards.get(e.round) ?? 0n) + BigInt(e.args.amount ?? 0n));
    } else if (e.name === "WinningTicketTransfer" && lowerArg(e, "recipient") === addr) {
      fees.set(e.round, (fees.get(e.round) ?? 0n) + BigInt(e.args.amount ?? 0n));
    }
  }
  const rounds = [...new Set([...rewards.keys(), ...fees.keys()])].sort((a, b) => (a < b ? 1 : -1));
  const pools = await Promise.all(
    rounds.map((r) => deps.ledger.getTranscoderEarningsPoolForRound(address, r)),
  );
  const earnings = rounds.map((round, i): RoundEarnings => {
    const pool = pools[i]!;
    // A pool that reward() or a fee never synced holds zeros: the orchestrator's settings apply.
    const synced = pool.totalStake > 0n || pool.transcoderRewardCut > 0n || pool.transcoderFeeShare > 0n;
    const rewardCut = synced ? pool.transcoderRewardCut : t.rewardCut;
    const feeShare = synced ? pool.transcoderFeeShare : t.feeShare;
    const r = rewards.get(round) ?? 0n;
    const f = fees.get(round) ?? 0n;
    const rewardKept = percOf(r, rewardCut);
    const feesShared = percOf(f, feeShare);
    return {
      round,
      rewards: r,
      rewardKept,
      rewardShared: r - rewardKept,
      fees: f,
      feesKept: f - feesShared,
      feesShared,
      rewardCut,
      feeShare,
    };
  });
  return { earnings, cuts: cuts.reverse() };
}
