// The one place that knows how writes meet SQLite's lock: what counts as "busy", how long to keep
// trying, and how to wait without blocking the event loop. Every service area re-exports these.
import type { Db } from "./client.ts";

/** The transaction handle drizzle passes to `db.transaction` callbacks. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface BusyRetryOptions {
  /** Give up (rethrowing the last busy error) once this much time has passed. Default 30 s. */
  deadlineMs?: number;
  /** Extra veto: return false to rethrow an error that `isBusy` accepted (domain errors). */
  retryIf?: (err: unknown) => boolean;
}

export const DEFAULT_BUSY_DEADLINE_MS = 30_000;
/** Backoff bounds: the first retry waits up to BASE ms, doubling to CAP ms ("full jitter"). */
const BASE_DELAY_MS = 2;
const CAP_DELAY_MS = 100;

const BUSY_CODE = /^SQLITE_(BUSY|LOCKED)/;
const BUSY_MESSAGE = /database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED/i;

/**
 * True when `err`, or an error in its `cause` chain, says another connection held a lock:
 * SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, _RECOVERY, _TIMEOUT), SQLITE_LOCKED*,
 * or libSQL's "database is locked" wording. Reads `code`, `extendedCode` and `rawCode`
 * (LibsqlError carries the base code in `code` and the extended one in `extendedCode`).
 */
export function isBusy(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (
    let e: unknown = err;
    e && typeof e === "object" && !seen.has(e);
    e = (e as { cause?: unknown }).cause
  ) {
    seen.add(e);
    const { code, extendedCode, rawCode, message } = e as {
      code?: unknown;
      extendedCode?: unknown;
      rawCode?: unknown;
      message?: unknown;
    };
    if (typeof code === "string" && BUSY_CODE.test(code)) return true;
    if (typeof extendedCode === "string" && BUSY_CODE.test(extendedCode)) return true;
    if (typeof rawCode === "number" && ((rawCode & 0xff) === 5 || (rawCode & 0xff) === 6)) return true;
    if (typeof message === "string" && BUSY_MESSAGE.test(message)) return true;
  }
  return false;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `fn`, and runs it again after a jittered, growing pause (timers, so the event loop keeps
 * serving) each time it fails busy, until `deadlineMs` has passed; then the last busy error is
 * rethrown. Any other error is rethrown at once. `fn` must be safe to repeat: a transaction
 * that failed busy was rolled back.
 */
export async function retryBusy<T>(fn: () => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_BUSY_DEADLINE_MS);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || (options.retryIf && !options.retryIf(err))) throw err;
      const left = deadline - Date.now();
      if (left <= 0) throw err;
      const ceiling = Math.min(CAP_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 16));
      await sleep(Math.min(left, 1 + Math.random() * ceiling));
    }
  }
}

/**
 * Runs `fn` in a write transaction (drizzle's libSQL driver always opens BEGIN IMMEDIATE, so the
 * write lock is taken up front and no read snapshot is ever upgraded), retried with `retryBusy`
 * while another process holds the lock. openDb runs one transaction per process at a time, so a
 * retry never waits on this process's own lock. Keep ledger calls and other I/O out of `fn`.
 *
 * @example
 * const n = await writeTx(db, async (tx) => (await tx.insert(t).values(row).returning()).length);
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  return retryBusy(() => db.transaction(fn, { behavior: "immediate" }), options);
}
