/** A millisecond clock for the timed loops. */
export type Clock = () => number;

/** Wall time: what a caller comparing with other wall-clock figures (e.g. an intake run) wants. */
export const wallMs: Clock = () => performance.now();

/**
 * CPU time of this process, all its threads (the JIT and GC count as cost). On a quiet machine it
 * agrees with wall time for a single-threaded loop; on a shared one, time spent preempted would
 * otherwise make rows measured seconds apart incomparable. The C reference times itself the same way.
 */
export const cpuMs: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Calls `op` over `items` round-robin for about `seconds` on `clock` and returns operations per
 * second of it: the best of three equal samples, since a preempted (or cache-starved) sample reads low.
 */
export function rate<T>(
  items: readonly T[],
  op: (item: T, i: number) => unknown,
  seconds = 1,
  clock: Clock = wallMs,
): number {
  let best = 0;
  for (let k = 0; k < 3; k++) best = Math.max(best, sample(items, op, seconds / 3, clock));
  return best;
}

function sample<T>(
  items: readonly T[],
  op: (item: T, i: number) => unknown,
  seconds: number,
  clock: Clock,
): number {
  // Warm up the JIT on a slice first so the timed loop measures steady state.
  for (let i = 0; i < Math.min(items.length, 64); i++) op(items[i]!, i);
  let ops = 0;
  const budget = seconds * 1000;
  const t0 = clock();
  let t = t0;
  do {
    for (let i = 0; i < items.length; i++) {
      op(items[i]!, i);
      ops++;
      if ((i & 63) === 63 && clock() - t0 >= budget) break;
    }
    t = clock();
  } while (t - t0 < budget);
  return (ops * 1000) / (t - t0);
}

/** As rate, for async operations (viem's recovery API is async). */
export async function rateAsync<T>(
  items: readonly T[],
  op: (item: T, i: number) => Promise<unknown>,
  seconds = 1,
  clock: Clock = wallMs,
): Promise<number> {
  let best = 0;
  for (let k = 0; k < 3; k++) best = Math.max(best, await sampleAsync(items, op, seconds / 3, clock));
  return best;
}

async function sampleAsync<T>(
  items: readonly T[],
  op: (item: T, i: number) => Promise<unknown>,
  seconds: number,
  clock: Clock,
): Promise<number> {
  for (let i = 0; i < Math.min(items.length, 16); i++) await op(items[i]!, i);
  let ops = 0;
  const t0 = clock();
  let t = t0;
  do {
    for (let i = 0; i < items.length; i++) {
      await op(items[i]!, i);
      ops++;
      if ((i & 31) === 31 && clock() - t0 >= seconds * 1000) break;
    }
    t = clock();
  } while (t - t0 < seconds * 1000);
  return (ops * 1000) / (t - t0);
}

/** Right-aligned integer with thousands separators. */
export function fmt(n: number, width = 10): string {
  return Math.round(n).toLocaleString("en-US").padStart(width);
}

/** A ratio such as "3.42×". */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`.padStart(8);
}
