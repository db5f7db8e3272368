import {
  llmFinalEvent,
  llmPieceEvents,
  SSE_HEADERS,
  sseError,
  sseEvent,
} from "../services/compat/llm-sse.ts";
import { type FollowedJob, followLive } from "../services/jobs/follow-live.ts";
import { cancelJob, getQueueJob, type QueueJobView, waitForJob } from "../services/jobs/queue.ts";
import type { GoWireContext } from "./context.ts";
import { type NodeResponse, sendGoError } from "./http.ts";
import { debitCredit, enqueueGoJob, type GoJobInput } from "./jobs.ts";

/** What the streamed answer writes to besides NodeResponse. */
export interface StreamResponse extends NodeResponse {
  write(chunk: string): unknown;
  readonly writableEnded: boolean;
  once(event: "close", listener: () => void): unknown;
  off(event: "close", listener: () => void): unknown;
}

/** A queue job as the live follower sees it. */
export function followedQueueJob(job: QueueJobView): FollowedJob {
  const state =
    job.status === "succeeded"
      ? "succeeded"
      : job.status === "failed" || job.status === "dead"
        ? "failed"
        : job.status === "leased"
          ? "running"
          : "waiting";
  return { state, attempt: job.attempts, data: job.result?.data, error: job.error };
}

/**
 * An LLM job asked for with "stream": true, answered live: the status and headers go out with the
 * first piece the runner generates, each piece as it comes, then the final event with the totals
 * of the stored answer. A job that fails before its first piece answers 500 as the JSON route
 * does; after it, an error event ends the stream (a runner lost mid-stream included: the job is
 * then cancelled, since its pieces cannot be sent twice). A client that leaves cancels the job
 * (its runner stops at its next piece); the credit is debited exactly when the queue charged.
 */
export async function streamLlm(ctx: GoWireContext, res: StreamResponse, input: GoJobInput): Promise<void> {
  const { deps } = ctx;
  const id = await enqueueGoJob(ctx, input);
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) gone.abort();
  };
  res.once("close", onClose);
  let settled = false;
  const settle = async (job?: QueueJobView) => {
    if (settled) return;
    settled = true;
    // Cancelling a job that ended leaves it as it is; one that ran to success is charged as usual.
    debitCredit(ctx, input, job ?? (await cancelJob(deps, id)));
  };
  const send = (chunk: string) => {
    if (!res.headersSent) res.writeHead(200, { ...SSE_HEADERS });
    res.write(chunk);
  };
  try {
    const steps = followLive({
      live: deps.services.jobs.live,
      clock: deps.clock,
      key: id,
      wait: async (until, timeoutMs, signal) =>
        followedQueueJob(await waitForJob(deps, id, timeoutMs, signal, (j) => until(followedQueueJob(j)))),
      timeoutMs: deps.config.jobs.syncTimeoutMs,
      signal: gone.signal,
    });
    for await (const step of steps) {
      if (step.kind === "events") {
        send(step.events.map(sseEvent).join(""));
      } else if (step.kind === "end") {
        await settle((await getQueueJob(deps, id)) ?? undefined);
        send(llmPieceEvents(step.data, step.sent) + llmFinalEvent(step.data));
        res.end();
      } else {
        await settle();
        if (!res.headersSent) sendGoError(res, 500, step.message);
        else {
          res.write(sseError(step.message));
          res.end();
        }
      }
    }
  } finally {
    res.off("close", onClose);
    // The client left: stop the work (only what finished before is charged).
    await settle();
  }
}
