import { and, eq, sql } from "drizzle-orm";
import type { Address } from "../../protocol/types.ts";
import { LivepeerError } from "../../wire/errors.ts";
import { rewardCalls } from "../db/schema/edge.ts";
import type { AppDeps } from "../deps.ts";
import { METRIC } from "../metrics.ts";

export interface RewardOutcome {
  orchestrator: Address;
  round: bigint;
  status: "succeeded" | "failed" | "skipped";
  /** Why it was skipped (inactive, already rewarded) or why it failed. */
  reason?: string;
  amount?: bigint;
}

/**
 * Calls reward for every orchestrator this edge rewards (hosted, or named in rewardCallers) that is
 * active in `round` and not rewarded in it, recording each call in reward_calls (unique per
 * orchestrator and round): a success once, a failure with its error and attempt count, retried on
 * the next tick. An orchestrator with a reward caller is rewarded through it
 * (rewardForTranscoder), so its own key is not needed.
 */
export async function rewardHosted(deps: AppDeps, round: bigint, holder: string): Promise<RewardOutcome[]> {
  const out: RewardOutcome[] = [];
  const orchestrators = new Set([...deps.keys.orchestrators.keys(), ...deps.keys.rewardCallers.keys()]);
  for (const orchestrator of orchestrators) {
    out.push(await rewardOne(deps, orchestrator, round, holder));
  }
  return out;
}

const rewardCallerField = (deps: AppDeps, orchestrator: Address) => {
  const caller = deps.keys.rewardCallers.get(orchestrator);
  return caller ? { rewardCaller: caller.address } : {};
};

/** The orchestrator's reward call: through its reward caller when one is configured. */
function callReward(deps: AppDeps, orchestrator: Address) {
  const caller = deps.keys.rewardCallers.get(orchestrator);
  if (!caller) return deps.ledger.reward(orchestrator);
  return deps.ledger.rewardForTranscoder(caller.address.toLowerCase() as Address, orchestrator);
}

async function rewardOne(
  deps: AppDeps,
  orchestrator: Address,
  round: bigint,
  holder: string,
): Promise<RewardOutcome> {
  const base = { orchestrator, round };
  const [done] = await deps.db
    .select({ status: rewardCalls.status })
    .from(rewardCalls)
    .where(and(eq(rewardCalls.orchestrator, orchestrator), eq(rewardCalls.round, Number(round))));
  if (done?.status === "succeeded") return { ...base, status: "skipped", reason: "recorded" };
  if (!(await deps.ledger.isActiveTranscoder(orchestrator)))
    return { ...base, status: "skipped", reason: "inactive" };
  const t = await deps.ledger.getTranscoder(orchestrator);
  if (t.lastRewardRound === round) return { ...base, status: "skipped", reason: "already rewarded" };

  const now = deps.clock.now();
  try {
    const tx = await callReward(deps, orchestrator);
    const event = tx.events.find((e) => e.name === "Reward");
    const amount = event ? BigInt(event.args.amount as bigint | string) : undefined;
    const values = {
      status: "succeeded",
      ref: tx.ref,
      amount: amount?.toString() ?? null,
      errorCode: null,
      error: null,
      holder,
      updatedAt: now,
    };
    await deps.db
      .insert(rewardCalls)
      .values({ orchestrator, round: Number(round), createdAt: now, ...values })
      .onConflictDoUpdate({
        target: [rewardCalls.orchestrator, rewardCalls.round],
        set: { ...values, attempts: sql`${rewardCalls.attempts} + 1` },
      });
    deps.metrics.inc(METRIC.rewardCalls, { orchestrator, outcome: "succeeded" });
    deps.logger.info("reward called", {
      orchestrator,
      round,
      ref: tx.ref,
      amount,
      ...rewardCallerField(deps, orchestrator),
    });
    return amount === undefined ? { ...base, status: "succeeded" } : { ...base, status: "succeeded", amount };
  } catch (err) {
    const code = err instanceof LivepeerError ? err.code : "INTERNAL";
    const message = err instanceof Error ? err.message : String(err);
    const values = { status: "failed", errorCode: code, error: message, holder, updatedAt: now };
    // A failure never overwrites a recorded success.
    await deps.db
      .insert(rewardCalls)
      .values({ orchestrator, round: Number(round), createdAt: now, ...values })
      .onConflictDoUpdate({
        target: [rewardCalls.orchestrator, rewardCalls.round],
        set: { ...values, attempts: sql`${rewardCalls.attempts} + 1` },
        setWhere: sql`${rewardCalls.status} <> 'succeeded'`,
      });
    deps.metrics.inc(METRIC.rewardCalls, { orchestrator, outcome: "failed" });
    deps.metrics.inc(METRIC.rewardCallErrors, { orchestrator, code });
    deps.logger.warn("reward failed", { orchestrator, round, code, error: message });
    return { ...base, status: "failed", reason: `${code}: ${message}` };
  }
}
