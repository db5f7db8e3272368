import type { LeaseGrant } from "../../../wire/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { waitFor } from "./notifier.ts";
import { type LeasedJob, leaseJob, releaseJob } from "./queue.ts";
import { type RunnerSession, touchRunnerIfStale } from "./runners.ts";

export interface LeaseWaitInput {
  /** The authenticated runner session that polls. */
  runner: RunnerSession;
  /** How long to wait for a job on the deps' clock; 0 takes one look. */
  waitMs: number;
  /** The runner's request: once aborted the wait ends, and a lease taken meanwhile is given back. */
  signal?: AbortSignal;
}

/** Between reads the wait sleeps at most this long, so other edges' enqueues are seen. */
const POLL_MS = 500;

/**
 * The runner's long poll: marks the runner seen (at most every RUNNER_TOUCH_MS), then leases the oldest job it can serve, waiting
 * up to `waitMs` (on `deps.clock`) for one to be enqueued. Returns the grant, or null when no job
 * came in time or the runner hung up; a lease taken for a runner that hung up meanwhile is
 * released at once rather than left to the visibility timeout.
 *
 * @example
 * const grant = await waitForLease({ deps, input: { runner, waitMs: 20_000, signal } });
 */
export async function waitForLease({
  deps,
  input,
}: {
  deps: AppDeps;
  input: LeaseWaitInput;
}): Promise<LeaseGrant | null> {
  const { runner, waitMs, signal } = input;
  await touchRunnerIfStale(deps, runner);
  const got = await waitFor(
    { notifier: deps.services.jobs.notifier, clock: deps.clock },
    `queue:${runner.orchestrator.toLowerCase()}`,
    () =>
      leaseJob(deps, { runnerId: runner.id, orchestrator: runner.orchestrator, capabilities: runner.serves }),
    (leased) => leased !== null,
    waitMs,
    signal,
    POLL_MS,
  );
  if (!got) return null;
  if (signal?.aborted) {
    await releaseJob(deps, { jobId: got.job.id, attempt: got.attempt, runnerId: runner.id });
    return null;
  }
  return grantOf(deps, got);
}

function grantOf(deps: AppDeps, got: LeasedJob): LeaseGrant {
  const { job, attempt } = got;
  return {
    jobId: job.id,
    attempt,
    capability: job.capability,
    spec: job.spec,
    inputs: job.inputs.map((i) => ({
      name: i.name,
      contentType: i.contentType,
      url: `/runner/v1/jobs/${job.id}/attempts/${attempt}/inputs/${encodeURIComponent(i.name)}`,
    })),
    leaseMs: deps.config.jobs.visibilityTimeoutMs,
    leaseExpiresAt: got.leaseExpiresAt,
  };
}
