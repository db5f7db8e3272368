// The job area's names for the shared transaction helpers (src/edge/db/tx.ts).
import { type BusyRetryOptions, retryBusy } from "../../db/tx.ts";

export { isBusy, type Tx, writeTx } from "../../db/tx.ts";

/**
 * Retries a database operation that failed because another process held the write lock
 * (SQLITE_BUSY / SQLITE_LOCKED), with jittered backoff on timers. Anything else is rethrown at once.
 */
export function withBusyRetry<T>(fn: () => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  return retryBusy(fn, options);
}
