import type { Clock } from "../../deps.ts";

/**
 * In-process wake-ups: a long poll or a waiter sleeps on a topic and is woken when this process
 * changes what it waits for. Other processes on the same database are seen by polling, so every
 * wait also ends after its timeout.
 */
export interface Notifier {
  /** Wakes the topic's waiters; `value` (what changed, as committed) goes to each of them. */
  wake(topic: string, value?: unknown): void;
  /** Resolves on wake (with its value), timeout or abort (undefined), whichever comes first. */
  wait(topic: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown>;
}

export function createNotifier(): Notifier {
  const waiters = new Map<string, Set<(value?: unknown) => void>>();
  return {
    wake(topic, value) {
      const set = waiters.get(topic);
      if (!set) return;
      waiters.delete(topic);
      for (const fn of set) fn(value);
    },
    wait(topic, timeoutMs, signal) {
      return new Promise<unknown>((resolve) => {
        if (signal?.aborted) return resolve(undefined);
        let set = waiters.get(topic);
        if (!set) {
          set = new Set();
          waiters.set(topic, set);
        }
        const done = (value?: unknown) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          const current = waiters.get(topic);
          current?.delete(done);
          if (current?.size === 0) waiters.delete(topic);
          resolve(value);
        };
        const timer = setTimeout(() => done(), Math.max(0, timeoutMs));
        const onAbort = () => done();
        signal?.addEventListener("abort", onAbort, { once: true });
        set.add(done);
      });
    },
  };
}

/**
 * Re-reads a value until `done` says so or `timeoutMs` passes on `clock` (or `signal` aborts),
 * sleeping on `topic` between reads (at most `pollMs`, so other processes' changes are seen);
 * returns the last value read. `load` may return undefined to ask for an immediate re-read
 * (after repairing state). `pushed` turns a value handed along with a wake-up into the next value,
 * so the read it would take is skipped; undefined reads as usual. `first`: the value as the caller
 * already holds it, used instead of the first read.
 */
export async function waitFor<T>(
  { notifier, clock }: { notifier: Notifier; clock: Clock },
  topic: string,
  load: () => Promise<T | undefined>,
  done: (value: T) => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
  pollMs = 250,
  pushed?: (value: unknown) => T | undefined,
  first?: T,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  let next: T | undefined = first;
  for (;;) {
    const value = next ?? (await load());
    next = undefined;
    if (value === undefined) continue;
    if (done(value)) return value;
    const left = deadline - clock.now();
    if (left <= 0 || signal?.aborted) return value;
    const woke = await notifier.wait(topic, Math.min(left, pollMs), signal);
    if (pushed && woke !== undefined) next = pushed(woke);
  }
}
