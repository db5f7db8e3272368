import type { Db } from "../../db/client.ts";

/** The transaction handle drizzle passes to `db.transaction` callbacks. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

function isBusy(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const msg = String((e as { message?: unknown }).message ?? "");
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || /database is locked|SQLITE_BUSY/i.test(msg))
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs `fn` in a write (BEGIN IMMEDIATE) transaction, retrying with jitter while another
 * connection or process holds the write lock (SQLITE_BUSY, including SQLITE_BUSY_SNAPSHOT from a
 * pooled connection whose read snapshot went stale) for up to `deadlineMs`. Keep ledger calls and
 * other I/O out of `fn`.
 */
export async function writeTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, deadlineMs = 30_000): Promise<T> {
  const started = Date.now();
  for (let i = 0; ; i++) {
    try {
      return await db.transaction(fn, { behavior: "immediate" });
    } catch (err) {
      if (!isBusy(err) || Date.now() - started > deadlineMs) throw err;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * Math.min(200, 10 * (i + 1))));
    }
  }
}
