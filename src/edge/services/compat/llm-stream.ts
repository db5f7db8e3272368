import type { AppDeps } from "../../deps.ts";
import {
  type ConsumerJobView,
  cancelConsumerJob,
  getConsumerJob,
  waitForConsumerJob,
} from "../consumer/jobs.ts";
import { JobError } from "../jobs/errors.ts";
import { type FollowedJob, followLive } from "../jobs/follow-live.ts";
import { type GoAiRequest, goAiFailure, submitGoAi } from "./ai.ts";
import { llmEvents, llmFinalEvent, llmPieceEvents, SSE_HEADERS, sseError, sseEvent } from "./llm-sse.ts";

/** A consumer job as the live follower sees it: its attempt is the orchestrator tried. */
function followedConsumerJob(job: ConsumerJobView): FollowedJob {
  const state = job.status === "pending" ? "waiting" : job.status;
  return { state, attempt: job.attempts.length, data: job.data, error: job.error?.message };
}

/**
 * The gateway's /llm with "stream": true, live: the consumer job starts, and the answer (200,
 * text/event-stream) begins with the first piece its orchestrator relays, each piece written as it
 * arrives, then the final event with the stored answer's totals. A job that fails before its first
 * piece is the route's usual error; after it, an error event ends the stream (the job is then not
 * moved to another orchestrator). A client that leaves cancels the job, here and at the orchestrator.
 * An orchestrator that relays no live events (one on go-livepeer's wire) is answered as before: the
 * whole stream once the job ended.
 */
export async function streamGoLlm(deps: AppDeps, req: GoAiRequest): Promise<Response> {
  const { id } = await submitGoAi(deps, req);
  const gone = new AbortController();
  const leave = () => {
    gone.abort();
    cancelConsumerJob(deps, id);
  };
  if (req.signal?.aborted) leave();
  req.signal?.addEventListener("abort", leave, { once: true });
  const steps = followLive({
    live: deps.services.jobs.live,
    clock: deps.clock,
    key: id,
    wait: async (until, timeoutMs, signal) =>
      followedConsumerJob(
        await waitForConsumerJob(deps, id, timeoutMs, signal, (j) => until(followedConsumerJob(j))),
      ),
    timeoutMs: deps.config.jobs.syncTimeoutMs,
    signal: gone.signal,
  });
  const done = () => {
    req.signal?.removeEventListener("abort", leave);
    deps.services.jobs.live.drop(id);
  };
  const opened = await steps.next();
  if (opened.done) {
    done();
    throw new JobError("JOB_CANCELLED", "the client left");
  }
  const first = opened.value;
  if (first.kind === "end") {
    done();
    return new Response(llmEvents(first.data), { headers: SSE_HEADERS });
  }
  if (first.kind === "error") {
    done();
    const job = await getConsumerJob(deps, id);
    throw job?.status === "failed" ? goAiFailure(job) : new JobError("JOB_FAILED", first.message);
  }
  const text = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(text.encode(first.events.map(sseEvent).join("")));
    },
    async pull(controller) {
      const next = await steps.next();
      if (next.done) {
        done();
        controller.close();
        return;
      }
      const step = next.value;
      if (step.kind === "events") {
        controller.enqueue(text.encode(step.events.map(sseEvent).join("")));
        return;
      }
      if (step.kind === "end") {
        controller.enqueue(text.encode(llmPieceEvents(step.data, step.sent) + llmFinalEvent(step.data)));
      } else {
        cancelConsumerJob(deps, id);
        controller.enqueue(text.encode(sseError(step.message)));
      }
      done();
      controller.close();
    },
    cancel() {
      leave();
      done();
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}
