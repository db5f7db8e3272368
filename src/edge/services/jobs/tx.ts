import type { Db } from "../../db/client.ts";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Retries a database operation that failed because another connection or process held the write
 * lock (SQLITE_BUSY / SQLITE_LOCKED), with jittered backoff. Anything else is rethrown at once.
 */
export async function withBusyRetry<T>(fn: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i + 1 >= attempts || !isBusy(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** i) + Math.random() * 20));
    }
  }
}

function isBusy(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const message = String((e as { message?: unknown }).message ?? "");
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || /database is (locked|busy)/i.test(message)) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Every write of the job area goes through a write transaction: openDb serialises this process's
 * transactions, so a write never waits synchronously on a lock held by the same process.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withBusyRetry(() => db.transaction(fn, { behavior: "immediate" }));
}
