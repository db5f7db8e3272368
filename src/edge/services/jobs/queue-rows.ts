import type { Row } from "@libsql/client";
import type { queueJobs } from "../../db/schema/jobs.ts";

/** A queue_jobs row as drizzle types it. */
export type JobRow = typeof queueJobs.$inferSelect;

// Plain-SQL reads of queue_jobs (the dispatch hot path, see db/raw.ts) map the row by hand:
// these are the table's columns in drizzle's order.
export const JOB_COLUMNS =
  "id, orchestrator, capability, spec, inputs, status, attempts, failures, max_attempts, visible_at, " +
  "lease_runner, lease_expires_at, progress, progress_note, result, error, sender, price_per_unit, " +
  "pixels_per_unit, fee, created_at, updated_at, completed_at";

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A queue_jobs row read with `select ${JOB_COLUMNS}`. */
export function jobRowOf(r: Row): JobRow {
  return {
    id: String(r[0]),
    orchestrator: String(r[1]),
    capability: String(r[2]),
    spec: String(r[3]),
    inputs: String(r[4]),
    status: String(r[5]),
    attempts: Number(r[6]),
    failures: Number(r[7]),
    maxAttempts: Number(r[8]),
    visibleAt: Number(r[9]),
    leaseRunner: str(r[10]),
    leaseExpiresAt: num(r[11]),
    progress: Number(r[12]),
    progressNote: str(r[13]),
    result: str(r[14]),
    error: str(r[15]),
    sender: str(r[16]),
    pricePerUnit: str(r[17]),
    pixelsPerUnit: str(r[18]),
    fee: str(r[19]),
    createdAt: Number(r[20]),
    updatedAt: Number(r[21]),
    completedAt: num(r[22]),
  };
}
