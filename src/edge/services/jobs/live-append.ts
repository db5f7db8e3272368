import type { AppDeps } from "../../deps.ts";
import { assertLease } from "./queue.ts";
import { withBusyRetry } from "./tx.ts";

/**
 * Takes live events from the runner holding (job, attempt)'s lease and wakes the job's waiters.
 * Throws JOB_NOT_FOUND or LEASE_LOST (a cancelled job, a client gone): the runner stops on it.
 * Returns how many events of the attempt are held.
 */
export async function appendLiveEvents(
  deps: AppDeps,
  input: { jobId: string; attempt: number; runnerId: string; from: number; events: readonly unknown[] },
): Promise<{ received: number }> {
  await withBusyRetry(() =>
    deps.db.transaction((tx) => assertLease(tx, input.jobId, input.attempt, input.runnerId)),
  );
  const { live, notifier } = deps.services.jobs;
  const received = live.append(input.jobId, input.attempt, input.from, input.events);
  notifier.wake(`job:${input.jobId}`);
  return { received };
}
