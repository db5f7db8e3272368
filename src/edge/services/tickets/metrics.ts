import type { AppDeps } from "../../deps.ts";

/**
 * Adds a wei amount to a counter: exact (bigint) with the edge's registry, which accepts bigint
 * increments; a plain `Metrics` that only adds numbers gets the nearest number.
 */
export function incBig(
  deps: Pick<AppDeps, "metrics">,
  name: string,
  labels: Record<string, string>,
  by: bigint,
): void {
  if (by === 0n) return;
  try {
    (deps.metrics.inc as (n: string, l: Record<string, string>, b: number | bigint) => void)(
      name,
      labels,
      by,
    );
  } catch {
    deps.metrics.inc(name, labels, Number(by));
  }
}
