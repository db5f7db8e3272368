import type { Clock } from "../../deps.ts";

/**
 * In-process wake-ups: a long poll or a waiter sleeps on a topic and is woken when this process
 * changes what it waits for. Other processes on the same database are seen by polling, so every
 * wait also ends after its timeout.
 */
export interface Notifier {
  wake(topic: string): void;
  /** Resolves on wake, timeout or abort, whichever comes first. */
  wait(topic: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

export function createNotifier(): Notifier {
  const waiters = new Map<string, Set<() => void>>();
  return {
    wake(topic) {
      const set = waiters.get(topic);
      if (!set) return;
      waiters.delete(topic);
      for (const fn of set) fn();
    },
    wait(topic, timeoutMs, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        let set = waiters.get(topic);
        if (!set) {
          set = new Set();
          waiters.set(topic, set);
        }
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          const current = waiters.get(topic);
          current?.delete(done);
          if (current?.size === 0) waiters.delete(topic);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, timeoutMs));
        signal?.addEventListener("abort", done, { once: true });
        set.add(done);
      });
    },
  };
}

/**
 * Re-reads a value until `done` says so or `timeoutMs` passes on `clock` (or `signal` aborts),
 * sleeping on `topic` between reads (at most `pollMs`, so other processes' changes are seen);
 * returns the last value read. `load` may return undefined to ask for an immediate re-read
 * (after repairing state).
 */
export async function waitFor<T>(
  { notifier, clock }: { notifier: Notifier; clock: Clock },
  topic: string,
  load: () => Promise<T | undefined>,
  done: (value: T) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
  pollMs = 250,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const value = await load();
    if (value === undefined) continue;
    if (done(value)) return value;
    const left = deadline - clock.now();
    if (left <= 0 || signal?.aborted) return value;
    await notifier.wait(topic, Math.min(left, pollMs), signal);
  }
}
