import type { WireSpec } from "../../../wire/jobs.ts";
import { pipelineSpec } from "../../../wire/pipelines.ts";
import type { AppDeps } from "../../deps.ts";
import { assertAdvertised } from "../consumer/advertised.ts";
import { aiRequestUnits } from "../consumer/inputs.ts";
import {
  type ConsumerInput,
  type ConsumerJobView,
  submitConsumerJob,
  waitForConsumerJob,
} from "../consumer/jobs.ts";
import { JobError } from "../jobs/errors.ts";

export { llmEvents } from "./llm-sse.ts";

// The AI routes of a go-livepeer gateway (POST /text-to-image, /image-to-image, /image-to-video,
// /upscale, /audio-to-text, /segment-anything-2, /image-to-text, /llm, /text-to-speech) over this project's
// job path: the ai-runner request bodies in, a consumer job (selection, tickets, failover) through,
// and the ai-runner response shapes out. docs/go-livepeer-gateway.md has the mapping.

/** The go-livepeer route names this gateway answers, each one a pipeline of the registry. */
export const GO_AI_ROUTES = [
  "text-to-image",
  "image-to-image",
  "image-to-video",
  "upscale",
  "audio-to-text",
  "segment-anything-2",
  "image-to-text",
  "llm",
  "text-to-speech",
] as const;
export type GoAiRoute = (typeof GO_AI_ROUTES)[number];

export interface GoAiRequest {
  pipeline: GoAiRoute;
  /** Form fields and JSON members as sent (files apart). */
  params: Record<string, unknown>;
  files: ConsumerInput[];
  apiKeyId: string | null;
  /** Base the result URLs are made absolute against (this gateway's public origin). */
  origin: string;
  signal?: AbortSignal;
}

/** An answered request: the job and the body in go-livepeer's shape. */
export interface GoAiAnswer {
  job: ConsumerJobView;
  body: unknown;
}

/**
 * Checks an app's request the way go-livepeer's gateway does (missing fields are 400s; the LLM
 * route needs model, messages, stream and max_tokens), runs it as a consumer job and waits for
 * it. Throws JobError: INVALID_INPUT, PIPELINE_NOT_ADVERTISED (no orchestrator serves it: 503),
 * JOB_FAILED or JOB_TIMEOUT.
 */
export async function runGoAi(deps: AppDeps, req: GoAiRequest): Promise<GoAiAnswer> {
  const { id, params } = await submitGoAi(deps, req);
  const job = await finished(deps, id, req.signal);
  return { job, body: goAiBody(req.pipeline, job, req.origin, params) };
}

/** Checks the request as runGoAi does and starts its consumer job; returns its id and parameters. */
export async function submitGoAi(
  deps: AppDeps,
  req: GoAiRequest,
): Promise<{ id: string; params: Record<string, unknown> }> {
  const spec = pipelineSpec(req.pipeline);
  if (spec?.kind !== "ai") throw new JobError("UNKNOWN_PIPELINE", `unknown pipeline ${req.pipeline}`);
  const params = { ...req.params };
  if (req.pipeline === "llm") checkLlm(params);
  if (spec.file && !req.files.some((f) => f.name === spec.file)) {
    throw new JobError("INVALID_INPUT", `request body has no ${spec.file} file`);
  }
  // go-livepeer names the model `model_id` (the LLM route: `model`); absent means any model here.
  const rawModel = req.pipeline === "llm" ? params.model : params.model_id;
  const modelId = typeof rawModel === "string" && rawModel !== "" ? rawModel : undefined;
  delete params.model_id;
  const main = spec.file ? req.files.find((f) => f.name === spec.file)?.bytes : undefined;
  const checked = await aiRequestUnits(deps.mediaProbe, spec, main, params, deps.config.media);
  await assertAdvertised(deps, req.pipeline, modelId);
  const files = Object.fromEntries(req.files.map((f) => [f.name, f.name]));
  const wire: WireSpec = {
    kind: "ai",
    pipeline: req.pipeline,
    modelId: modelId ?? "",
    files,
    params: checked.params,
  };
  const id = await submitConsumerJob(deps, {
    spec: wire,
    inputs: req.files,
    units: checked.units,
    apiKeyId: req.apiKeyId,
    ...(modelId ? { modelId } : {}),
  });
  return { id, params };
}

function checkLlm(params: Record<string, unknown>): void {
  const messages = params.messages;
  if (
    typeof params.model !== "string" ||
    !Array.isArray(messages) ||
    messages.length === 0 ||
    typeof params.stream !== "boolean" ||
    params.max_tokens === undefined
  ) {
    throw new JobError("INVALID_INPUT", "missing required fields");
  }
}

/** Waits for the job to end; a failure becomes the error go-livepeer's gateway would give. */
async function finished(deps: AppDeps, id: string, signal?: AbortSignal): Promise<ConsumerJobView> {
  const job = await waitForConsumerJob(deps, id, deps.config.jobs.syncTimeoutMs, signal);
  if (job.status === "succeeded") return job;
  throw goAiFailure(job);
}

/** A job that did not succeed (failed, or still running at the deadline) as go-livepeer's error. */
export function goAiFailure(job: ConsumerJobView): JobError {
  const id = job.id;
  if (job.status !== "failed") return new JobError("JOB_TIMEOUT", `job ${id} is still running`);
  const code = job.error?.code;
  const message = job.error?.message ?? "the job failed";
  // Nobody could take it: go-livepeer's "no orchestrators available" (503).
  if (code === "NO_ORCHESTRATOR" || code === "NO_ORCHESTRATOR_AVAILABLE" || code === "GATEWAY_SPEND_LIMIT") {
    return new JobError("NO_ORCHESTRATOR", message, { details: { jobId: id } });
  }
  // The orchestrator refused the input ("returned 400" upstream): the app's request was bad.
  if (code === "INVALID_INPUT" || code === "INVALID_MEDIA" || code === "NOT_VIDEO") {
    return new JobError("INVALID_INPUT", message, { details: { jobId: id } });
  }
  return new JobError("JOB_FAILED", message, { details: { jobId: id } });
}

/** The absolute URL of a job output on this gateway. */
export function outputUrl(origin: string, jobId: string, name: string): string {
  return new URL(`/v1/jobs/${jobId}/outputs/${encodeURIComponent(name)}`, origin).toString();
}

function seedOf(params: Record<string, unknown>): number {
  const n = Number(params.seed);
  return Number.isSafeInteger(n) ? n : 0;
}

/**
 * A finished job in the ai-runner response shape of its route: ImageResponse for image outputs,
 * TextResponse, ImageToTextResponse, MasksResponse, LLMResponse or AudioResponse. A result that
 * cannot take the route's shape is an error, never a made-up answer.
 */
export function goAiBody(
  pipeline: GoAiRoute,
  job: ConsumerJobView,
  origin: string,
  params: Record<string, unknown>,
): unknown {
  const data = (job.data ?? {}) as Record<string, unknown>;
  switch (pipeline) {
    case "text-to-image":
    case "image-to-image":
    case "image-to-video":
    case "upscale": {
      // go-livepeer answers image-to-video with an ImageResponse too, its url the MP4.
      const media = pipeline === "image-to-video" ? "video/" : "image/";
      const images = job.outputs.filter((o) => o.contentType.startsWith(media));
      if (images.length === 0) {
        throw new JobError("JOB_FAILED", `the job returned no ${media === "video/" ? "video" : "image"}`);
      }
      // The runner reports each image's seed (text-to-image: seed + i, or the random one it drew).
      const made = Array.isArray(data.images) ? (data.images as { seed?: unknown }[]) : [];
      return {
        images: images.map((o, i) => {
          const seed = made[i]?.seed;
          return {
            url: outputUrl(origin, job.id, o.name),
            seed: typeof seed === "number" && Number.isSafeInteger(seed) ? seed : seedOf(params),
            nsfw: false,
          };
        }),
      };
    }
    case "image-to-text": {
      if (typeof data.text !== "string") throw new JobError("JOB_FAILED", "the job returned no text");
      return { text: data.text };
    }
    case "audio-to-text": {
      if (typeof data.text === "string" && Array.isArray(data.chunks))
        return { text: data.text, chunks: data.chunks };
      // This project's audio model finds speech, it does not transcribe: the chunks carry the
      // speech segments' timestamps and no words (docs/go-livepeer-gateway.md says so).
      const segments = Array.isArray(data.segments)
        ? (data.segments as { start: number; end: number }[])
        : null;
      if (!segments) throw new JobError("JOB_FAILED", "the job returned no speech segments");
      return {
        text: "",
        chunks: segments.map((s) => ({ text: "", timestamp: [s.start, s.end] })),
      };
    }
    case "segment-anything-2": {
      if (typeof data.scores !== "string") throw new JobError("JOB_FAILED", "the job returned no masks");
      // Large images keep their full-size mask in an output file, linked beside the shape.
      const mask = job.outputs.find((o) => o.name === "mask");
      return {
        masks: typeof data.masks === "string" ? data.masks : "",
        scores: data.scores,
        logits: typeof data.logits === "string" ? data.logits : "",
        ...(mask ? { mask_url: outputUrl(origin, job.id, mask.name) } : {}),
      };
    }
    case "llm": {
      if (!Array.isArray(data.choices)) throw new JobError("JOB_FAILED", "the job returned no completion");
      // The runner's per-step text pieces feed the streamed events only.
      const { deltas: _deltas, ...body } = data;
      return body;
    }
    case "text-to-speech": {
      const audio = job.outputs.find((o) => o.contentType.startsWith("audio/"));
      if (!audio) throw new JobError("JOB_FAILED", "the job returned no audio");
      return { audio: { url: outputUrl(origin, job.id, audio.name) } };
    }
  }
}
