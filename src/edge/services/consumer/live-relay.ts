import { LivepeerError } from "../../../wire/errors.ts";
import type { AppDeps } from "../../deps.ts";
import type { LiveSlice } from "../jobs/live-since.ts";

// A consumer job's live events (an llm's streamed chunks) as the gateway follows its orchestrator's
// job: each poll says which events it holds, the answer carries the newer ones, and they go into
// this gateway's log under the consumer job's id and attempt, where its /llm stream reads them.

export interface LiveRelay {
  /** The poll's query: the events held, and their attempt at the orchestrator. */
  query(): Record<string, string>;
  /** Takes a poll's answer; throws when the attempt that streamed stopped running (runner lost). */
  take(answer: { status?: unknown; attempts?: unknown; live?: LiveSlice | undefined }): void;
  /** Whether any event went out: the job can then no longer move to another orchestrator. */
  readonly streamed: boolean;
}

export function createLiveRelay(deps: AppDeps, jobId: string, attempt: number): LiveRelay {
  let remoteAttempt: number | undefined;
  let count = 0;
  const lost = () =>
    new LivepeerError("ORCHESTRATOR_FAILED", "the orchestrator's runner was lost while streaming", {
      details: { streamed: true },
    });
  return {
    get streamed() {
      return count > 0;
    },
    query() {
      return {
        events: String(count),
        ...(remoteAttempt === undefined ? {} : { attempt: String(remoteAttempt) }),
      };
    },
    take(answer) {
      const live = answer.live;
      if (live) {
        if (remoteAttempt !== undefined && live.attempt !== remoteAttempt) throw lost();
        // A slice from before what is held repeats some: only the rest is new.
        const fresh = live.from <= count ? live.events.slice(count - live.from) : [];
        if (fresh.length > 0) {
          remoteAttempt = live.attempt;
          deps.services.jobs.live.append(jobId, attempt, count, fresh);
          count += fresh.length;
          deps.services.jobs.notifier.wake(`cjob:${jobId}`);
        }
      }
      if (
        remoteAttempt !== undefined &&
        (answer.status === "queued" ||
          (typeof answer.attempts === "number" && answer.attempts !== remoteAttempt))
      ) {
        throw lost();
      }
    },
  };
}
