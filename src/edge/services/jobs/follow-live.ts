import type { Clock } from "../../deps.ts";
import type { LiveEvents } from "./live-events.ts";

// Follows a job while it runs and hands out its live events as they arrive, then how it ended.
// Works over a queue job (an orchestrator's runner posts the events) and over a consumer job (the
// gateway relays an orchestrator's): each says what it is through FollowedJob.

/** A job as the follower sees it. */
export interface FollowedJob {
  /** "waiting": no attempt holds it now (queued, or requeued after its runner was lost). */
  state: "waiting" | "running" | "succeeded" | "failed";
  /** The attempt running it (or that ran it): the live log's attempt. */
  attempt: number;
  data?: unknown;
  error?: string | null | undefined;
}

export type LiveStep =
  | { kind: "events"; events: unknown[] }
  /** Succeeded; `sent` events were handed out, the result's pieces from there on were not. */
  | { kind: "end"; data: unknown; sent: number }
  /** Failed, timed out, or lost its attempt after events went out (the stream cannot resume). */
  | { kind: "error"; message: string; sent: number };

export interface FollowOptions {
  live: LiveEvents;
  clock: Clock;
  key: string;
  /** Reads the job when `until` holds, the timeout passes or the signal aborts. */
  wait(until: (job: FollowedJob) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<FollowedJob>;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Yields live events as they arrive, then one "end" or "error". Before the first event the job may
 * change attempts freely (a retry is invisible); after it, the streamed attempt must finish the job.
 * Returns without a last step when the signal aborts.
 */
export async function* followLive(o: FollowOptions): AsyncGenerator<LiveStep> {
  let sent = 0;
  let attempt: number | undefined;
  const deadline = o.clock.now() + o.timeoutMs;
  // New events of the attempt running the job (a stale attempt's log is never taken).
  const fresh = (j: FollowedJob): unknown[] | undefined => {
    const log = o.live.read(o.key);
    if (!log || log.events.length <= sent || log.attempt !== j.attempt) return undefined;
    if (j.state !== "running" && j.state !== "succeeded") return undefined;
    if (attempt !== undefined && log.attempt !== attempt) return undefined;
    return log.events.slice(sent);
  };
  const lost = (j: FollowedJob) => attempt !== undefined && (j.attempt !== attempt || j.state === "waiting");
  const ended = (j: FollowedJob) => j.state === "succeeded" || j.state === "failed";
  for (;;) {
    const left = deadline - o.clock.now();
    const j = await o.wait((x) => ended(x) || lost(x) || fresh(x) !== undefined, Math.max(0, left), o.signal);
    if (o.signal?.aborted) return;
    const events = fresh(j);
    if (events) {
      attempt = j.attempt;
      sent += events.length;
      yield { kind: "events", events };
      continue;
    }
    if (lost(j)) {
      yield { kind: "error", message: "the runner was lost while streaming", sent };
      return;
    }
    if (j.state === "succeeded") {
      yield { kind: "end", data: j.data, sent };
      return;
    }
    if (j.state === "failed") {
      yield { kind: "error", message: j.error ?? "the job failed", sent };
      return;
    }
    if (o.clock.now() >= deadline) {
      yield { kind: "error", message: "the job did not finish in time", sent };
      return;
    }
  }
}
