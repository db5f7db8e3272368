import { and, desc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import { consumerJobs } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { JobError } from "../jobs/errors.ts";

export type ConsumerJobStatus = "pending" | "running" | "succeeded" | "failed";

/** One row of GET /v1/jobs; the full record is GET /v1/jobs/{id}. */
export interface ConsumerJobSummary {
  id: string;
  status: ConsumerJobStatus;
  capability: string;
  orchestrator: string | null;
  fee: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  completedAt: string | null;
}

export interface ListJobsInput {
  /** The caller's API key id; null lists the jobs made without a key (keys off). */
  apiKeyId: string | null;
  status?: ConsumerJobStatus;
  limit: number;
  /** From the previous page's nextCursor. */
  cursor?: string;
}

/**
 * The caller's own jobs, newest first, `limit` at a time. The cursor names the last job of a page
 * (created time and id), so pages stay stable while new jobs arrive. A malformed cursor is
 * INVALID_INPUT.
 *
 * @example
 * const page = await listConsumerJobs(deps, { apiKeyId, limit: 20 });
 * const next = page.nextCursor && (await listConsumerJobs(deps, { apiKeyId, limit: 20, cursor: page.nextCursor }));
 */
export async function listConsumerJobs(
  deps: AppDeps,
  input: ListJobsInput,
): Promise<{ jobs: ConsumerJobSummary[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [
    input.apiKeyId === null ? isNull(consumerJobs.apiKeyId) : eq(consumerJobs.apiKeyId, input.apiKeyId),
  ];
  if (input.status) where.push(eq(consumerJobs.status, input.status));
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    where.push(
      or(
        lt(consumerJobs.createdAt, after.createdAt),
        and(eq(consumerJobs.createdAt, after.createdAt), lt(consumerJobs.id, after.id)),
      ),
    );
  }
  const rows = await deps.db
    .select()
    .from(consumerJobs)
    .where(and(...where))
    .orderBy(desc(consumerJobs.createdAt), desc(consumerJobs.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    jobs: page.map((r) => ({
      id: r.id,
      status: r.status as ConsumerJobStatus,
      capability: r.capability,
      orchestrator: r.orchestrator,
      fee: r.fee,
      error: r.errorCode ? { code: r.errorCode, message: r.error ?? "" } : null,
      createdAt: new Date(r.createdAt).toISOString(),
      completedAt: r.completedAt === null ? null : new Date(r.completedAt).toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/**
 * Throws JOB_NOT_FOUND unless the job exists and was made with this API key (null: without a
 * key), so one key's jobs and outputs are never shown to another.
 */
export async function assertOwnJob(deps: AppDeps, id: string, apiKeyId: string | null): Promise<void> {
  const [row] = await deps.db
    .select({ apiKeyId: consumerJobs.apiKeyId })
    .from(consumerJobs)
    .where(eq(consumerJobs.id, id))
    .limit(1);
  if (!row || row.apiKeyId !== apiKeyId) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
}

function encodeCursor(createdAt: number, id: string): string {
  return btoa(`${createdAt}:${id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let text = "";
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    // falls through to the shape check
  }
  const m = /^(\d{1,16}):([A-Za-z0-9_-]{1,100})$/.exec(text);
  if (!m) throw new JobError("INVALID_INPUT", "cursor is not one this API returned");
  return { createdAt: Number(m[1]), id: m[2]! };
}
