import { and, eq, gte } from "drizzle-orm";
import type { Address } from "../../../protocol/types.ts";
import { rewardCalls } from "../../db/schema/edge.ts";
import type { AppDeps } from "../../deps.ts";
import type { LedgerEvent, TranscoderInfo } from "../../ledger/types.ts";

/** rewarded: reward() ran for the round; missed: the round passed without it; pending: current round. */
export type RewardRoundStatus = "rewarded" | "missed" | "pending";

export interface RewardRound {
  round: string;
  status: RewardRoundStatus;
  amount?: string;
  ref?: string;
  /** The last error of this edge's scheduler for the round, when its call failed. */
  error?: string;
}

export const HISTORY_ROUNDS = 10;

/**
 * The last rounds (newest first) in which the orchestrator was active, each rewarded, missed
 * or pending. Rewards come from the ledger's Reward events and this edge's reward_calls
 * record; activity is taken from the orchestrator's current activation window.
 */
export async function rewardHistory(
  deps: AppDeps,
  address: Address,
  t: TranscoderInfo,
  currentRound: bigint,
  rounds = HISTORY_ROUNDS,
  rewardEvents?: LedgerEvent[],
): Promise<RewardRound[]> {
  const addr = address.toLowerCase() as Address;
  if (t.activationRound === 0n) return [];
  let from = currentRound - BigInt(rounds) + 1n;
  if (from < t.activationRound) from = t.activationRound;
  if (from < 1n) from = 1n;
  const events = rewardEvents ?? (await deps.ledger.getEvents({ name: "Reward", address: addr }));
  const byRound = new Map<bigint, LedgerEvent>();
  for (const e of events) {
    if (e.name === "Reward" && String(e.args.transcoder ?? "").toLowerCase() === addr)
      byRound.set(e.round, e);
  }
  const rows = await deps.db
    .select()
    .from(rewardCalls)
    .where(and(eq(rewardCalls.orchestrator, addr), gte(rewardCalls.round, Number(from))));
  const calls = new Map(rows.map((r) => [BigInt(r.round), r]));

  const out: RewardRound[] = [];
  for (let r = currentRound; r >= from; r--) {
    if (t.deactivationRound !== 0n && r >= t.deactivationRound) continue;
    const event = byRound.get(r);
    const call = calls.get(r);
    if (event || call?.status === "succeeded" || t.lastRewardRound === r) {
      const entry: RewardRound = { round: r.toString(), status: "rewarded" };
      const amount = event?.args.amount ?? call?.amount;
      if (amount !== undefined && amount !== null) entry.amount = String(amount);
      const ref = event?.ref ?? call?.ref;
      if (ref) entry.ref = ref;
      out.push(entry);
      continue;
    }
    const entry: RewardRound = { round: r.toString(), status: r === currentRound ? "pending" : "missed" };
    if (call?.error) entry.error = `${call.errorCode ?? "ERROR"}: ${call.error}`;
    out.push(entry);
  }
  return out;
}
