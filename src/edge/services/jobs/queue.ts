import { and, asc, eq, sql } from "drizzle-orm";
import { feeForUnits, pricePerPixel } from "../../../protocol/pricing.ts";
import type { Address } from "../../../protocol/types.ts";
import type { JobInput, JobOutputView, JobResultView, WireSpec } from "../../../wire/jobs.ts";
import { capabilityOf, IO_NAME } from "../../../wire/jobs.ts";
import { rawAll, rawRun } from "../../db/raw.ts";
import { queueAttempts, queueJobs, queueOutputs } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { METRIC } from "../../metrics.ts";
import { adjustBalanceIn } from "../tickets/balance.ts";
import { JobError } from "./errors.ts";
import { newId } from "./ids.ts";
import { waitFor } from "./notifier.ts";
import { JOB_COLUMNS, type JobRow, jobRowOf } from "./queue-rows.ts";
import { type Tx, withBusyRetry, writeTx } from "./tx.ts";

export type QueueStatus = "queued" | "leased" | "succeeded" | "failed" | "dead";

export interface QueueJobView {
  id: string;
  orchestrator: string;
  capability: string;
  status: QueueStatus;
  spec: WireSpec;
  inputs: JobInput[];
  attempts: number;
  failures: number;
  maxAttempts: number;
  progress: number;
  progressNote: string | null;
  result: JobResultView | null;
  error: string | null;
  sender: string | null;
  /** Wei debited for the work done (decimal), once the job succeeded and had a payer. */
  fee: string | null;
  leaseRunner: string | null;
  leaseExpiresAt: number | null;
  createdAt: number;
  completedAt: number | null;
}

export interface EnqueueInput {
  id?: string;
  orchestrator: string;
  spec: WireSpec;
  inputs: JobInput[];
  sender?: string;
  /** The payment's pinned price; with `sender`, the work done is debited at completion. */
  price?: { pricePerUnit: bigint; pixelsPerUnit: bigint };
  maxAttempts?: number;
}

function view(row: JobRow): QueueJobView {
  return {
    id: row.id,
    orchestrator: row.orchestrator,
    capability: row.capability,
    status: row.status as QueueStatus,
    spec: JSON.parse(row.spec) as WireSpec,
    inputs: JSON.parse(row.inputs) as JobInput[],
    attempts: row.attempts,
    failures: row.failures,
    maxAttempts: row.maxAttempts,
    progress: row.progress,
    progressNote: row.progressNote,
    result: row.result ? (JSON.parse(row.result) as JobResultView) : null,
    error: row.error,
    sender: row.sender,
    fee: row.fee,
    leaseRunner: row.leaseRunner,
    leaseExpiresAt: row.leaseExpiresAt,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  };
}

/** Whether a queue status is final (nothing more will happen to the job). */
export const isTerminal = (s: string) => s === "succeeded" || s === "failed" || s === "dead";
const orchKey = (a: string) => a.toLowerCase();

/** Puts a job on the orchestrator's queue, visible at once. */
export async function enqueueJob(deps: AppDeps, input: EnqueueInput): Promise<QueueJobView> {
  const now = deps.clock.now();
  const row: JobRow = {
    id: input.id ?? newId("qjob"),
    orchestrator: orchKey(input.orchestrator),
    capability: capabilityOf(input.spec),
    spec: JSON.stringify(input.spec),
    inputs: JSON.stringify(input.inputs),
    status: "queued",
    attempts: 0,
    failures: 0,
    maxAttempts: input.maxAttempts ?? deps.config.jobs.maxAttempts,
    visibleAt: now,
    leaseRunner: null,
    leaseExpiresAt: null,
    progress: 0,
    progressNote: null,
    result: null,
    error: null,
    sender: input.sender ? input.sender.toLowerCase() : null,
    pricePerUnit: input.price ? input.price.pricePerUnit.toString() : null,
    pixelsPerUnit: input.price ? input.price.pixelsPerUnit.toString() : null,
    fee: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
  await writeTx(deps.db, (tx) =>
    rawRun(tx, `insert into queue_jobs (${JOB_COLUMNS}) values (${JOB_PLACEHOLDERS})`, jobArgs(row)),
  );
  deps.metrics.inc(METRIC.queueEnqueued, { capability: row.capability });
  deps.services.jobs.notifier.wake(`queue:${row.orchestrator}`);
  return view(row);
}

const JOB_PLACEHOLDERS = JOB_COLUMNS.split(",")
  .map(() => "?")
  .join(", ");
const jobArgs = (r: JobRow) => [
  r.id,
  r.orchestrator,
  r.capability,
  r.spec,
  r.inputs,
  r.status,
  r.attempts,
  r.failures,
  r.maxAttempts,
  r.visibleAt,
  r.leaseRunner,
  r.leaseExpiresAt,
  r.progress,
  r.progressNote,
  r.result,
  r.error,
  r.sender,
  r.pricePerUnit,
  r.pixelsPerUnit,
  r.fee,
  r.createdAt,
  r.updatedAt,
  r.completedAt,
];

/** The queue_jobs row of `id` (plain SQL: this is read once or more per dispatched job). */
async function jobRow(db: AppDeps["db"] | Tx, id: string): Promise<JobRow | undefined> {
  const rows = await rawAll(db, `select ${JOB_COLUMNS} from queue_jobs where id = ? limit 1`, [id]);
  return rows[0] ? jobRowOf(rows[0]) : undefined;
}

export async function getQueueJob(deps: AppDeps, id: string): Promise<QueueJobView | null> {
  const row = await jobRow(deps.db, id);
  return row ? view(row) : null;
}

/**
 * Returns expired leases to the queue, or to the dead letter once the job has failed
 * maxAttempts times. Runs inside the caller's write transaction when given one.
 */
async function expireInTx(tx: Tx, now: number, orchestrator?: string): Promise<string[]> {
  // Plain SQL: this look runs in every lease transaction and almost always finds nothing.
  const expired = (
    await rawAll(
      tx,
      `select ${JOB_COLUMNS} from queue_jobs where status = 'leased' and lease_expires_at <= ?${orchestrator ? " and orchestrator = ?" : ""}`,
      orchestrator ? [now, orchestrator] : [now],
    )
  ).map(jobRowOf);
  for (const job of expired) {
    const failures = job.failures + 1;
    const dead = failures >= job.maxAttempts;
    await tx
      .update(queueAttempts)
      .set({ status: "expired", endedAt: now, error: "lease expired (no heartbeat)" })
      .where(
        and(
          eq(queueAttempts.jobId, job.id),
          eq(queueAttempts.attempt, job.attempts),
          eq(queueAttempts.status, "running"),
        ),
      );
    await tx
      .update(queueJobs)
      .set({
        status: dead ? "dead" : "queued",
        failures,
        visibleAt: now,
        leaseRunner: null,
        leaseExpiresAt: null,
        updatedAt: now,
        error: dead ? `dead letter: ${failures} attempts failed (last: lease expired)` : job.error,
        completedAt: dead ? now : null,
      })
      .where(
        and(eq(queueJobs.id, job.id), eq(queueJobs.status, "leased"), eq(queueJobs.attempts, job.attempts)),
      );
  }
  return expired.map((j) => j.id);
}

/** Sweeps every expired lease now; returns the ids of the jobs it moved. */
export async function expireLeases(deps: AppDeps): Promise<string[]> {
  const now = deps.clock.now();
  const moved = await withBusyRetry(() =>
    deps.db.transaction((tx) => expireInTx(tx, now), { behavior: "immediate" }),
  );
  wakeMoved(deps, moved);
  return moved;
}

function wakeMoved(deps: AppDeps, ids: string[]): void {
  const { notifier } = deps.services.jobs;
  for (const id of ids) notifier.wake(`job:${id}`);
  if (ids.length > 0) for (const o of deps.services.hosted) notifier.wake(`queue:${o.address}`);
}

export interface LeasedJob {
  job: QueueJobView;
  attempt: number;
  leaseExpiresAt: number;
}

/**
 * Claims the oldest visible job this runner can serve. The claim runs in one write transaction
 * (BEGIN IMMEDIATE) and the update is guarded on the status it read, so two edges sharing the
 * database never hand one job to two runners. One look without the write lock comes first, so an
 * empty poll (the common case) takes no write transaction at all; the claim itself is a single
 * UPDATE … RETURNING on the oldest candidate, plus the attempt's row.
 */
export async function leaseJob(
  deps: AppDeps,
  input: { runnerId: string; orchestrator: string; capabilities: string[] },
): Promise<LeasedJob | null> {
  if (input.capabilities.length === 0) return null;
  const orchestrator = orchKey(input.orchestrator);
  const leaseMs = deps.config.jobs.visibilityTimeoutMs;
  const candidate =
    "from queue_jobs where orchestrator = ? and status = 'queued' and visible_at <= ? " +
    `and capability in (${input.capabilities.map(() => "?").join(", ")})`;
  const candidateArgs = (now: number) => [orchestrator, now, ...input.capabilities];
  const seen = deps.clock.now();
  // A queued job to take, and an expired lease of this orchestrator to sweep (one statement).
  const [look] = await rawAll(
    deps.db,
    `select exists (select 1 ${candidate}), exists (select 1 from queue_jobs where status = 'leased' ` +
      "and lease_expires_at <= ? and orchestrator = ?)",
    [...candidateArgs(seen), seen, orchestrator],
  );
  const queued = Number(look?.[0] ?? 0) === 1;
  const expired = Number(look?.[1] ?? 0) === 1;
  if (!queued && !expired) return null;
  const claimSql =
    "update queue_jobs set status = 'leased', attempts = attempts + 1, lease_runner = ?, lease_expires_at = ?, " +
    `progress = 0, progress_note = null, updated_at = ? where id = (select id ${candidate} order by created_at limit 1) ` +
    `and status = 'queued' returning ${JOB_COLUMNS}`;
  const result = await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        const now = deps.clock.now();
        // Swept only when the look saw an expiry: the poll that finds none skips the read (a lease
        // that lapses between the two is swept by the next poll, or by its job's waiter).
        const moved = expired ? await expireInTx(tx, now, orchestrator) : [];
        const leaseExpiresAt = now + leaseMs;
        const claimed = (
          await rawAll(tx, claimSql, [input.runnerId, leaseExpiresAt, now, ...candidateArgs(now)])
        )[0];
        if (!claimed) return { moved, leased: null };
        const row = jobRowOf(claimed);
        await rawRun(
          tx,
          "insert into queue_attempts (job_id, attempt, runner_id, status, started_at, heartbeat_at) " +
            "values (?, ?, ?, 'running', ?, ?)",
          [row.id, row.attempts, input.runnerId, now, now],
        );
        return { moved, leased: { job: view(row), attempt: row.attempts, leaseExpiresAt } };
      },
      { behavior: "immediate" },
    ),
  );
  wakeMoved(deps, result.moved);
  if (result.leased) deps.metrics.inc(METRIC.queueLeased, { capability: result.leased.job.capability });
  return result.leased;
}

/** The row of one (job, attempt), if recorded. */
async function findAttempt(tx: Tx, jobId: string, attempt: number) {
  const rows = await tx
    .select()
    .from(queueAttempts)
    .where(and(eq(queueAttempts.jobId, jobId), eq(queueAttempts.attempt, attempt)))
    .limit(1);
  return rows[0];
}

const holdsLease = (job: JobRow, attempt: number, runnerId: string) =>
  job.status === "leased" && job.attempts === attempt && job.leaseRunner === runnerId;

const leaseLost = (job: JobRow, attempt: number) =>
  new JobError("LEASE_LOST", `attempt ${attempt} of ${job.id} no longer holds the lease`, {
    details: { status: job.status, attempt: job.attempts },
  });

/** Checks that (job, attempt) is the live lease of this runner; throws LEASE_LOST otherwise. */
export async function assertLease(tx: Tx, jobId: string, attempt: number, runnerId: string): Promise<JobRow> {
  const job = await jobRow(tx, jobId);
  if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${jobId}`);
  if (!holdsLease(job, attempt, runnerId)) throw leaseLost(job, attempt);
  return job;
}

/**
 * The bytes of one input of a leased job, for the runner that holds the lease. Throws
 * JOB_NOT_FOUND (no such job or input) or LEASE_LOST.
 */
export async function leasedInput(
  deps: AppDeps,
  input: { jobId: string; attempt: number; runnerId: string; name: string },
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const job = await withBusyRetry(() =>
    deps.db.transaction((tx) => assertLease(tx, input.jobId, input.attempt, input.runnerId)),
  );
  const entry = (JSON.parse(job.inputs) as JobInput[]).find((i) => i.name === input.name);
  if (!entry) throw new JobError("JOB_NOT_FOUND", `job ${input.jobId} has no input ${input.name}`);
  const bytes = await deps.services.jobs.blobs.get(entry.blobKey);
  if (!bytes) throw new JobError("JOB_NOT_FOUND", `input ${input.name} is missing from the blob store`);
  return { bytes, contentType: entry.contentType };
}

/** Extends the lease and records progress. */
export async function heartbeatJob(
  deps: AppDeps,
  input: { jobId: string; attempt: number; runnerId: string; progress?: number; note?: string },
): Promise<{ leaseExpiresAt: number }> {
  const result = await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        await assertLease(tx, input.jobId, input.attempt, input.runnerId);
        const now = deps.clock.now();
        const leaseExpiresAt = now + deps.config.jobs.visibilityTimeoutMs;
        await tx
          .update(queueJobs)
          .set({
            leaseExpiresAt,
            updatedAt: now,
            ...(input.progress === undefined ? {} : { progress: Math.min(1, Math.max(0, input.progress)) }),
            ...(input.note === undefined ? {} : { progressNote: input.note.slice(0, 200) }),
          })
          .where(eq(queueJobs.id, input.jobId));
        await tx
          .update(queueAttempts)
          .set({ heartbeatAt: now })
          .where(and(eq(queueAttempts.jobId, input.jobId), eq(queueAttempts.attempt, input.attempt)));
        return { leaseExpiresAt };
      },
      { behavior: "immediate" },
    ),
  );
  // Waiters that follow progress (GET /v1/orchestrator/jobs/{id}?progress=…) see it at once.
  if (input.progress !== undefined) deps.services.jobs.notifier.wake(`job:${input.jobId}`);
  return result;
}

/** Stores one output file of a running attempt (replacing an earlier upload of the same name). */
export async function putOutput(
  deps: AppDeps,
  input: {
    jobId: string;
    attempt: number;
    runnerId: string;
    name: string;
    contentType: string;
    bytes: Uint8Array;
    width?: number;
    height?: number;
    durationSec?: number;
  },
): Promise<JobOutputView> {
  if (!IO_NAME.test(input.name)) {
    throw new JobError("INVALID_INPUT", `invalid output name ${JSON.stringify(input.name)}`);
  }
  // Check the lease before writing bytes, and again when recording them.
  await withBusyRetry(() =>
    deps.db.transaction((tx) => assertLease(tx, input.jobId, input.attempt, input.runnerId)),
  );
  const blobKey = `queue/${input.jobId}/${input.attempt}/${input.name}`;
  await deps.services.jobs.blobs.put(blobKey, input.bytes, input.contentType);
  const row = {
    jobId: input.jobId,
    attempt: input.attempt,
    name: input.name,
    blobKey,
    contentType: input.contentType,
    size: input.bytes.byteLength,
    width: input.width ?? null,
    height: input.height ?? null,
    durationSec: input.durationSec ?? null,
  };
  await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        await assertLease(tx, input.jobId, input.attempt, input.runnerId);
        await tx
          .insert(queueOutputs)
          .values(row)
          .onConflictDoUpdate({
            target: [queueOutputs.jobId, queueOutputs.attempt, queueOutputs.name],
            set: {
              blobKey,
              contentType: row.contentType,
              size: row.size,
              width: row.width,
              height: row.height,
              durationSec: row.durationSec,
            },
          });
      },
      { behavior: "immediate" },
    ),
  );
  return outputView(row);
}

function outputView(o: {
  name: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  durationSec: number | null;
}): JobOutputView {
  return {
    name: o.name,
    contentType: o.contentType,
    size: o.size,
    ...(o.width === null ? {} : { width: o.width }),
    ...(o.height === null ? {} : { height: o.height }),
    ...(o.durationSec === null ? {} : { durationSec: o.durationSec }),
  };
}

/**
 * Records the result of (job, attempt). Idempotent: repeating a completion of the attempt that
 * won returns `duplicate: true`; a completion from an attempt that lost its lease is refused,
 * so a job's result is recorded exactly once.
 */
export async function completeJob(
  deps: AppDeps,
  input: { jobId: string; attempt: number; runnerId: string; result: JobResultView },
): Promise<{ duplicate: boolean }> {
  const out = await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        const job = await jobRow(tx, input.jobId);
        if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${input.jobId}`);
        if (!holdsLease(job, input.attempt, input.runnerId)) {
          const prior = await findAttempt(tx, input.jobId, input.attempt);
          if (prior?.status === "succeeded" && prior.runnerId === input.runnerId) {
            return { duplicate: true, done: null };
          }
          throw leaseLost(job, input.attempt);
        }
        const now = deps.clock.now();
        // The work actually done is debited in the same transaction that records the result,
        // so it is charged exactly once, however often the runner repeats its completion.
        let fee: bigint | null = null;
        if (job.sender && job.pricePerUnit !== null && job.pixelsPerUnit !== null) {
          fee = feeForUnits(
            BigInt(input.result.units),
            pricePerPixel(BigInt(job.pricePerUnit), BigInt(job.pixelsPerUnit)),
          );
          await adjustBalanceIn(tx, job.orchestrator as Address, job.sender as Address, -fee, now);
        }
        await rawRun(
          tx,
          "update queue_attempts set status = 'succeeded', ended_at = ? where job_id = ? and attempt = ?",
          [now, input.jobId, input.attempt],
        );
        const done: JobRow = {
          ...job,
          status: "succeeded",
          result: JSON.stringify(input.result),
          fee: fee === null ? null : fee.toString(),
          progress: 1,
          leaseRunner: null,
          leaseExpiresAt: null,
          updatedAt: now,
          completedAt: now,
          error: null,
        };
        await rawRun(
          tx,
          "update queue_jobs set status = 'succeeded', result = ?, fee = ?, progress = 1, lease_runner = null, " +
            "lease_expires_at = null, updated_at = ?, completed_at = ?, error = null where id = ?",
          [done.result, done.fee, now, now, input.jobId],
        );
        return { duplicate: false, done };
      },
      { behavior: "immediate" },
    ),
  );
  if (!out.duplicate) deps.metrics.inc(METRIC.queueCompleted, { status: "succeeded" });
  // The result repeats every live event: the log has served its purpose.
  deps.services.jobs.live.drop(input.jobId);
  // The committed row goes with the wake-up, so a waiter in this process need not read it again.
  deps.services.jobs.notifier.wake(`job:${input.jobId}`, out.done ? view(out.done) : undefined);
  return { duplicate: out.duplicate };
}

/**
 * Records a failed attempt. A retryable failure goes back on the queue (after a short backoff)
 * until the job has failed maxAttempts times, then to the dead letter; a permanent one fails the
 * job at once.
 */
export async function failJob(
  deps: AppDeps,
  input: { jobId: string; attempt: number; runnerId: string; error: string; retryable: boolean },
): Promise<{ status: QueueStatus }> {
  const out = await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        const prior = await findAttempt(tx, input.jobId, input.attempt);
        if (prior?.status === "failed" && prior.runnerId === input.runnerId) {
          const job = (await tx.select().from(queueJobs).where(eq(queueJobs.id, input.jobId)))[0];
          return { status: (job?.status ?? "failed") as QueueStatus };
        }
        const job = await assertLease(tx, input.jobId, input.attempt, input.runnerId);
        const now = deps.clock.now();
        const failures = job.failures + 1;
        const status: QueueStatus = !input.retryable
          ? "failed"
          : failures >= job.maxAttempts
            ? "dead"
            : "queued";
        const error = input.error.slice(0, 4000);
        await tx
          .update(queueAttempts)
          .set({ status: "failed", endedAt: now, error })
          .where(and(eq(queueAttempts.jobId, input.jobId), eq(queueAttempts.attempt, input.attempt)));
        await tx
          .update(queueJobs)
          .set({
            status,
            failures,
            error: status === "dead" ? `dead letter: ${failures} attempts failed (last: ${error})` : error,
            visibleAt: now + 100 * 2 ** (failures - 1),
            leaseRunner: null,
            leaseExpiresAt: null,
            updatedAt: now,
            completedAt: status === "queued" ? null : now,
          })
          .where(eq(queueJobs.id, input.jobId));
        return { status };
      },
      { behavior: "immediate" },
    ),
  );
  deps.metrics.inc(METRIC.queueAttemptsFailed, { status: out.status });
  deps.services.jobs.live.drop(input.jobId);
  const { notifier } = deps.services.jobs;
  notifier.wake(`job:${input.jobId}`);
  if (out.status === "queued") for (const o of deps.services.hosted) notifier.wake(`queue:${o.address}`);
  return out;
}

/**
 * Cancels a job its gateway gave up on: a job not yet finished fails with "cancelled" and its lease
 * is dropped, so the runner's next heartbeat gets LEASE_LOST and stops the work, and nothing is
 * debited (only a completed attempt is charged). A finished job is left as it is. Idempotent.
 */
export async function cancelJob(deps: AppDeps, id: string): Promise<QueueJobView> {
  const row = await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        const job = (await tx.select().from(queueJobs).where(eq(queueJobs.id, id)))[0];
        if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
        if (isTerminal(job.status)) return job;
        const now = deps.clock.now();
        const error = "cancelled by the gateway";
        if (job.status === "leased") {
          await tx
            .update(queueAttempts)
            .set({ status: "failed", endedAt: now, error })
            .where(and(eq(queueAttempts.jobId, id), eq(queueAttempts.attempt, job.attempts)));
        }
        const set = {
          status: "failed",
          error,
          leaseRunner: null,
          leaseExpiresAt: null,
          updatedAt: now,
          completedAt: now,
        } as const;
        await tx.update(queueJobs).set(set).where(eq(queueJobs.id, id));
        return { ...job, ...set };
      },
      { behavior: "immediate" },
    ),
  );
  deps.services.jobs.live.drop(id);
  deps.services.jobs.notifier.wake(`job:${id}`);
  return view(row);
}

/** Gives a lease back without counting a failure (a runner shutting down). */
export async function releaseJob(
  deps: AppDeps,
  input: { jobId: string; attempt: number; runnerId: string },
): Promise<void> {
  const orchestrator = await withBusyRetry(() =>
    deps.db.transaction(
      async (tx) => {
        const job = await assertLease(tx, input.jobId, input.attempt, input.runnerId);
        const now = deps.clock.now();
        await tx
          .update(queueAttempts)
          .set({ status: "released", endedAt: now, error: "released by runner" })
          .where(and(eq(queueAttempts.jobId, input.jobId), eq(queueAttempts.attempt, input.attempt)));
        await tx
          .update(queueJobs)
          .set({ status: "queued", visibleAt: now, leaseRunner: null, leaseExpiresAt: null, updatedAt: now })
          .where(eq(queueJobs.id, input.jobId));
        return job.orchestrator;
      },
      { behavior: "immediate" },
    ),
  );
  deps.services.jobs.notifier.wake(`queue:${orchestrator}`);
}

/**
 * Outputs of the attempt that succeeded (empty until the job succeeds), in the order they were
 * recorded. `job`: the job as the caller already holds it (saves reading it again).
 */
export async function jobOutputs(
  deps: AppDeps,
  jobId: string,
  job?: Pick<QueueJobView, "status" | "attempts">,
): Promise<(JobOutputView & { blobKey: string })[]> {
  const known = job ?? (await getQueueJob(deps, jobId));
  if (known?.status !== "succeeded") return [];
  // Plain SQL: every finished job's answer lists its outputs.
  const rows = await rawAll(
    deps.db,
    "select name, content_type, size, width, height, duration_sec, blob_key from queue_outputs " +
      "where job_id = ? and attempt = ? order by id",
    [jobId, known.attempts],
  );
  return rows.map((r) => ({
    ...outputView({
      name: String(r[0]),
      contentType: String(r[1]),
      size: Number(r[2]),
      width: r[3] === null ? null : Number(r[3]),
      height: r[4] === null ? null : Number(r[4]),
      durationSec: r[5] === null ? null : Number(r[5]),
    }),
    blobKey: String(r[6]),
  }));
}

/** Attempts of a job, oldest first. */
export async function jobAttempts(deps: AppDeps, jobId: string) {
  return deps.db
    .select()
    .from(queueAttempts)
    .where(eq(queueAttempts.jobId, jobId))
    .orderBy(asc(queueAttempts.attempt));
}

/**
 * Waits until the job reaches a final state (or `until` holds) or the timeout passes, and returns
 * it as it stands. Wakes at once for changes made in this process and polls for those made by
 * others; an expired lease of the job is swept here so a dead runner cannot stall its waiter.
 * `known`: the job as the caller just wrote it (enqueueJob's answer), which saves the first read.
 */
export async function waitForJob(
  deps: AppDeps,
  jobId: string,
  timeoutMs: number,
  signal?: AbortSignal,
  until: (job: QueueJobView) => boolean = (job) => isTerminal(job.status),
  known?: QueueJobView,
): Promise<QueueJobView> {
  return waitFor(
    { notifier: deps.services.jobs.notifier, clock: deps.clock },
    `job:${jobId}`,
    async () => {
      const job = await getQueueJob(deps, jobId);
      if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${jobId}`);
      if (job.status === "leased" && job.leaseExpiresAt !== null && job.leaseExpiresAt <= deps.clock.now()) {
        await expireLeases(deps);
        return undefined; // swept: read it again
      }
      return job;
    },
    until,
    timeoutMs,
    signal,
    undefined,
    (pushed) => (isQueueJobView(pushed) && pushed.id === jobId ? pushed : undefined),
    known,
  );
}

/** A job view handed along with a wake-up (completeJob's). */
function isQueueJobView(v: unknown): v is QueueJobView {
  return typeof v === "object" && v !== null && "id" in v && "status" in v && "attempts" in v;
}

/** Counts jobs by status (for metrics and tests). */
export async function queueCounts(deps: AppDeps): Promise<Record<string, number>> {
  const rows = await deps.db
    .select({ status: queueJobs.status, n: sql<number>`count(*)` })
    .from(queueJobs)
    .groupBy(queueJobs.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
