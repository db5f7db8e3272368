import type { Address } from "../../protocol/types.ts";
import { LivepeerError } from "../../wire/errors.ts";
import type { AppDeps } from "../deps.ts";
import { endIdleStreamSessions } from "../go-gateway/stream-sessions.ts";
import { METRIC } from "../metrics.ts";
import { type PruneReport, pruneExpiredBlobs } from "../services/jobs/retention.ts";
import { pruneNonces } from "../services/staking/authorize.ts";
import { type RedeemReport, redeemDueTickets } from "../services/tickets/redeem.ts";
import { acquireLease } from "./lease.ts";
import { type RewardOutcome, rewardHosted } from "./reward.ts";

export const SCHEDULER_LEASE = "scheduler";

export interface TickResult {
  /** Whether this process held the lease and acted; false means another edge leads. */
  led: boolean;
  holder: string;
  round?: bigint;
  /** The round this tick initialized, if it did. */
  initialized?: bigint;
  rewards: RewardOutcome[];
  redeemed?: RedeemReport;
  /** Blobs of jobs past `jobs.retentionSec`, deleted this tick. */
  pruned?: PruneReport;
  /** Step failures (the tick goes on with the next step). */
  errors: string[];
}

export interface TickOptions {
  /** Lease holder id; defaults to this process's id (services.schedulerHolder). */
  holder?: string;
}

/** The lease outlives a few missed ticks, so a brief stall does not hand leadership over. */
export function leaseTtlMs(deps: AppDeps): number {
  return Math.max(3 * deps.config.scheduler.intervalMs, 15_000);
}

/**
 * One scheduler step, safe with several edges on one database: under the database lease it
 * initializes the round when due, calls reward() once per round for each active hosted
 * orchestrator, or rewardForTranscoder for one with a configured reward caller (recorded in reward_calls), redeems due winning tickets, prunes spent nonces, and
 * deletes the blobs of jobs past their retention.
 */
export async function tick(deps: AppDeps, options: TickOptions = {}): Promise<TickResult> {
  const holder = options.holder ?? deps.services.schedulerHolder;
  const result: TickResult = { led: false, holder, rewards: [], errors: [] };
  if (!(await acquireLease(deps, SCHEDULER_LEASE, holder, leaseTtlMs(deps)))) {
    deps.metrics.inc(METRIC.schedulerTicks, { outcome: "follower" });
    return result;
  }
  result.led = true;
  const cfg = deps.config.scheduler;
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const text = `${name}: ${err instanceof LivepeerError ? `${err.code}: ` : ""}${err instanceof Error ? err.message : String(err)}`;
      result.errors.push(text);
      deps.logger.warn("scheduler step failed", { step: name, error: text });
    }
  };

  await step("initializeRound", async () => {
    if (!cfg.initializeRounds || (await deps.ledger.currentRoundInitialized())) return;
    try {
      const tx = await deps.ledger.initializeRound(initCaller(deps));
      result.initialized = tx.round;
      deps.logger.info("round initialized", { round: tx.round, ref: tx.ref });
    } catch (err) {
      if (!(err instanceof LivepeerError && err.code === "ROUND_ALREADY_INITIALIZED")) throw err;
    }
  });
  await step("reward", async () => {
    const round = await deps.ledger.currentRound();
    result.round = round;
    if (!cfg.reward || !(await deps.ledger.currentRoundInitialized())) return;
    result.rewards = await rewardHosted(deps, round, holder);
  });
  if (cfg.redeem) {
    await step("redeem", async () => {
      result.redeemed = await redeemDueTickets(deps, { owner: holder });
    });
  }
  await step("pruneNonces", async () => {
    await pruneNonces(deps);
  });
  await step("retention", async () => {
    result.pruned = await pruneExpiredBlobs(deps);
  });
  deps.metrics.inc(METRIC.schedulerTicks, { outcome: result.errors.length ? "partial" : "led" });
  return result;
}

/** Anyone may initialize a round; the edge does it as its first identity (a reward caller's will do). */
function initCaller(deps: AppDeps): Address {
  const first = deps.keys.orchestrators.keys().next().value;
  if (first) return first;
  const caller = deps.keys.rewardCallers.values().next().value;
  if (caller) return caller.address.toLowerCase() as Address;
  if (deps.keys.sender) return deps.keys.sender.address.toLowerCase() as Address;
  return "0x0000000000000000000000000000000000000001";
}

/**
 * Runs `tick` every `config.scheduler.intervalMs`, never overlapping itself, with this process's
 * sweep of idle pushed streams' go-livepeer sessions. For Bun, Node and Deno without cron.
 * Returns a stop function that waits for a running tick.
 */
export function startScheduler(deps: AppDeps): () => Promise<void> {
  if (!deps.config.scheduler.enabled) return async () => {};
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = Promise.all([
      tick(deps),
      // Process-local, not the lease holder's: this process's idle pushed streams end their sessions.
      endIdleStreamSessions(deps),
    ])
      .catch((err) => deps.logger.error("scheduler tick failed", { error: String(err) }))
      .finally(() => {
        running = undefined;
      });
  }, deps.config.scheduler.intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
