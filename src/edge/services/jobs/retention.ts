import { and, eq, inArray, isNotNull, lt, ne, or, sql } from "drizzle-orm";
import type { JobInput } from "../../../wire/jobs.ts";
import { consumerJobs, consumerOutputs, queueJobs, queueOutputs } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { type Tx, writeTx } from "./tx.ts";

export interface PruneReport {
  /** Jobs (orchestrator queue and consumer side) whose blobs were deleted. */
  jobs: number;
  blobs: number;
}

const NO_INPUTS = "[]";

/**
 * Deletes the blobs (inputs and outputs) of jobs that ended more than `jobs.retentionSec` ago, at
 * most `limit` jobs per side and call; the job records stay, with no inputs and no outputs. The
 * bytes go first and the rows after, so a process killed in between only repeats a delete.
 */
export async function pruneExpiredBlobs(
  deps: AppDeps,
  options: { limit?: number } = {},
): Promise<PruneReport> {
  const report: PruneReport = { jobs: 0, blobs: 0 };
  const retentionMs = deps.config.jobs.retentionSec * 1000;
  if (retentionMs <= 0) return report;
  const cutoff = deps.clock.now() - retentionMs;
  const limit = options.limit ?? 100;

  const queued = await deps.db
    .select({ id: queueJobs.id, inputs: queueJobs.inputs })
    .from(queueJobs)
    .where(
      and(
        isNotNull(queueJobs.completedAt),
        lt(queueJobs.completedAt, cutoff),
        or(
          ne(queueJobs.inputs, NO_INPUTS),
          sql`exists (select 1 from ${queueOutputs} where ${queueOutputs.jobId} = ${queueJobs.id})`,
        ),
      ),
    )
    .limit(limit);
  await prune(deps, report, queued, {
    outputs: (ids) =>
      deps.db
        .select({ jobId: queueOutputs.jobId, blobKey: queueOutputs.blobKey })
        .from(queueOutputs)
        .where(inArray(queueOutputs.jobId, ids)),
    clear: async (tx, id) => {
      await tx.delete(queueOutputs).where(eq(queueOutputs.jobId, id));
      await tx.update(queueJobs).set({ inputs: NO_INPUTS }).where(eq(queueJobs.id, id));
    },
  });

  const consumed = await deps.db
    .select({ id: consumerJobs.id, inputs: consumerJobs.inputs })
    .from(consumerJobs)
    .where(
      and(
        isNotNull(consumerJobs.completedAt),
        lt(consumerJobs.completedAt, cutoff),
        or(
          ne(consumerJobs.inputs, NO_INPUTS),
          sql`exists (select 1 from ${consumerOutputs} where ${consumerOutputs.jobId} = ${consumerJobs.id})`,
        ),
      ),
    )
    .limit(limit);
  await prune(deps, report, consumed, {
    outputs: (ids) =>
      deps.db
        .select({ jobId: consumerOutputs.jobId, blobKey: consumerOutputs.blobKey })
        .from(consumerOutputs)
        .where(inArray(consumerOutputs.jobId, ids)),
    clear: async (tx, id) => {
      await tx.delete(consumerOutputs).where(eq(consumerOutputs.jobId, id));
      await tx.update(consumerJobs).set({ inputs: NO_INPUTS }).where(eq(consumerJobs.id, id));
    },
  });
  if (report.jobs > 0) deps.logger.info("deleted expired job blobs", { ...report });
  return report;
}

/** Deletes the blobs of `jobs` (their inputs and every output row), then clears their rows. */
async function prune(
  deps: AppDeps,
  report: PruneReport,
  jobs: { id: string; inputs: string }[],
  side: {
    outputs(ids: string[]): Promise<{ jobId: string; blobKey: string }[]>;
    clear(tx: Tx, id: string): Promise<void>;
  },
): Promise<void> {
  if (jobs.length === 0) return;
  const outputs = await side.outputs(jobs.map((j) => j.id));
  for (const job of jobs) {
    const keys = [
      ...(JSON.parse(job.inputs) as JobInput[]).map((i) => i.blobKey),
      ...outputs.filter((o) => o.jobId === job.id).map((o) => o.blobKey),
    ];
    for (const key of keys) await deps.services.jobs.blobs.delete(key);
    await writeTx(deps.db, (tx) => side.clear(tx, job.id));
    report.jobs++;
    report.blobs += keys.length;
  }
}
