import type { AppDeps } from "../../deps.ts";
import type { QueueJobView } from "./queue.ts";

/** A slice of a running attempt's live events, for a caller that follows them over HTTP. */
export interface LiveSlice {
  attempt: number;
  from: number;
  events: unknown[];
}

/**
 * The live events of the attempt running `job` that a caller holding `held.count` of attempt
 * `held.attempt` lacks (all of them when it held another attempt's); undefined when none.
 */
export function liveSince(
  deps: Pick<AppDeps, "services">,
  job: QueueJobView,
  held: { attempt?: number | undefined; count?: number | undefined },
): LiveSlice | undefined {
  const log = deps.services.jobs.live.read(job.id);
  if (!log || log.attempt !== job.attempts || job.status !== "leased") return undefined;
  const from = held.attempt === log.attempt ? (held.count ?? 0) : 0;
  if (log.events.length <= from) return undefined;
  return { attempt: log.attempt, from, events: log.events.slice(from) };
}
