import { z } from "zod";

// The one pipeline registry: every job kind a consumer can ask for, the input fields it takes,
// how its billable units are counted (docs/protocol.md#pricing-and-work-units) and the price key
// orchestrators quote it under. Pricing, the consumer's input checks, the runner, the API docs and the
// advertised capabilities all read this table. Adding a pipeline is one entry here plus, when a
// runner should serve it, its executor in src/node-runner.

/** What a request measured before it is priced: the input's size or length, and its parameters. */
export interface Measured<P = Record<string, unknown>> {
  /** Width and height of the input image. */
  image?: { width: number; height: number };
  /** Length of the input audio, in milliseconds. */
  audioMs?: number;
  /** The renditions asked for and the input segment's duration. */
  video?: { renditions: readonly { width: number; height: number; fps: number }[]; durationSec: number };
  params: P;
}

/** The executor kinds the node-runner implements (its pre- and post-processing per model). */
export const RUNNER_EXECUTORS = [
  "ffmpeg",
  "upscale",
  "image-to-image",
  "image-classification",
  "vad",
  "background-removal",
  "esrgan",
  "ocr",
  "whisper",
  "llm",
  "vits",
  "stable-diffusion",
  "stable-video-diffusion",
] as const;
export type RunnerExecutor = (typeof RUNNER_EXECUTORS)[number];
/** The executors that run an ONNX model (a model manifest's `kind`). */
export type ModelExecutor = Exclude<RunnerExecutor, "ffmpeg">;

export interface PipelineSpec {
  name: string;
  kind: "video" | "ai";
  summary: string;
  /** The file field the request must carry, if any. */
  file?: "segment" | "image" | "audio";
  /** The request's other fields (multipart strings are coerced); unknown fields pass through. */
  params: z.ZodType<Record<string, unknown>>;
  /** Billable units of a measured request; throws RangeError on impossible measurements. */
  units(m: Measured): bigint;
  /** The capability name prices are quoted under (config `prices[].capability`). */
  priceKey: string;
  /** Wei per unit the bundled local network charges (pixelsPerUnit 1). */
  defaultPricePerUnit: bigint;
  /** The node-runner executor that serves it; absent when this project has none yet. */
  executor?: RunnerExecutor;
}

function uint(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer`);
  return BigInt(n);
}

const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new RangeError(`${what} was not measured`);
  return v;
};

const pixels = (m: Measured) => {
  const img = need(m.image, "image size");
  return uint(img.width, "width") * uint(img.height, "height");
};

const count = z.coerce.number().int().min(1).max(16);
/** A boolean sent as JSON or as a multipart string ("true"/"false", Python's "True"/"False", "1"/"0"). */
const flag = z.union([
  z.boolean(),
  z
    .enum(["true", "false", "True", "False", "1", "0"])
    .transform((v) => v === "true" || v === "True" || v === "1"),
]);
const dimension = z.coerce.number().int().min(64).max(4096);
/** Diffusion sizes: the VAE works on 8×8-pixel latents, so both sides are multiples of 8. */
const latentDimension = dimension.refine((v) => v % 8 === 0, "must be a multiple of 8");

/** Frames go-livepeer bills an image-to-video job for. */
const IMAGE_TO_VIDEO_FRAMES = 25n;

function define<S extends z.ZodType<Record<string, unknown>>>(
  spec: Omit<PipelineSpec, "params" | "units" | "priceKey"> & {
    params: S;
    units(m: Measured<z.output<S>>): bigint;
    priceKey?: string;
  },
): PipelineSpec {
  return {
    ...spec,
    priceKey: spec.priceKey ?? spec.name,
    units: (m) => spec.units(m as Measured<z.output<S>>),
  };
}

const AI_PRICE = 50_000n;

export const PIPELINES = {
  transcode: define({
    name: "transcode",
    kind: "video",
    summary: "Transcode a segment (MPEG-TS or MP4) into renditions",
    file: "segment",
    params: z.looseObject({ profiles: z.string().min(1) }),
    // Pixels produced: Σ width × height × fps × duration, rounded up (duration kept in ms).
    units: (m) => {
      const v = need(m.video, "video");
      const perSecond = v.renditions.reduce(
        (sum, r) => sum + uint(r.width, "width") * uint(r.height, "height") * uint(r.fps, "fps"),
        0n,
      );
      if (!(v.durationSec >= 0)) throw new RangeError("duration must not be negative");
      return (perSecond * BigInt(Math.ceil(v.durationSec * 1000)) + 999n) / 1000n;
    },
    defaultPricePerUnit: 2000n,
    executor: "ffmpeg",
  }),
  "text-to-image": define({
    name: "text-to-image",
    kind: "ai",
    summary: "Generate images from a prompt",
    // go-livepeer's TextToImageParams; `loras` and `safety_check` are refused by the runner when set.
    params: z.looseObject({
      prompt: z.string().min(1).max(10_000),
      negative_prompt: z.string().max(10_000).optional(),
      width: latentDimension.default(512),
      height: latentDimension.default(512),
      num_images_per_prompt: count.default(1),
      num_inference_steps: z.coerce.number().int().min(1).max(150).optional(),
      guidance_scale: z.coerce.number().min(0).max(50).optional(),
      seed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
    units: (m) =>
      uint(m.params.width, "width") *
      uint(m.params.height, "height") *
      uint(m.params.num_images_per_prompt, "images"),
    defaultPricePerUnit: AI_PRICE,
    executor: "stable-diffusion",
  }),
  "image-to-image": define({
    name: "image-to-image",
    kind: "ai",
    summary: "Restyle an image (PNG out)",
    file: "image",
    params: z.looseObject({
      prompt: z.string().optional(),
      strength: z.coerce.number().min(0).max(1).optional(),
      num_images_per_prompt: count.default(1),
    }),
    units: (m) => pixels(m) * uint(m.params.num_images_per_prompt, "images"),
    defaultPricePerUnit: AI_PRICE,
    executor: "image-to-image",
  }),
  upscale: define({
    name: "upscale",
    kind: "ai",
    summary: "Upscale an image (PNG out)",
    file: "image",
    params: z.looseObject({ prompt: z.string().optional() }),
    units: pixels,
    defaultPricePerUnit: AI_PRICE,
    executor: "upscale",
  }),
  "segment-anything-2": define({
    name: "segment-anything-2",
    kind: "ai",
    summary: "Segment an image: a mask and a cut-out (PNG with alpha) of its foreground",
    file: "image",
    // Livepeer's fields; prompts (points, box, mask_input) need a promptable model, and one that
    // segments the salient foreground without prompts refuses them (see the runner's executor).
    params: z.looseObject({
      point_coords: z.string().optional(),
      point_labels: z.string().optional(),
      box: z.string().optional(),
      mask_input: z.string().optional(),
      multimask_output: flag.default(true),
      return_logits: flag.default(true),
      normalize_coords: flag.default(true),
    }),
    units: pixels,
    defaultPricePerUnit: AI_PRICE,
    executor: "background-removal",
  }),
  "image-to-text": define({
    name: "image-to-text",
    kind: "ai",
    summary:
      "Read the text in an image (OCR: lines with boxes and scores), or classify it (labels with scores)",
    file: "image",
    params: z.looseObject({
      prompt: z.string().optional(),
      top_k: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    units: pixels,
    defaultPricePerUnit: AI_PRICE,
    executor: "image-classification",
  }),
  "image-to-video": define({
    name: "image-to-video",
    kind: "ai",
    summary: "Animate an image into a short video",
    file: "image",
    // go-livepeer's ImageToVideoParams; `safety_check` is refused by the runner when set.
    params: z.looseObject({
      width: latentDimension.optional(),
      height: latentDimension.optional(),
      fps: z.coerce.number().int().min(1).max(60).optional(),
      motion_bucket_id: z.coerce.number().int().min(0).max(1023).optional(),
      noise_aug_strength: z.coerce.number().min(0).max(10).optional(),
      num_inference_steps: z.coerce.number().int().min(1).max(150).optional(),
      seed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
    // As go-livepeer bills it: the requested output size (default 1024×576) × 25 frames, whatever
    // the input image's size.
    units: (m) =>
      uint(m.params.width ?? 1024, "width") * uint(m.params.height ?? 576, "height") * IMAGE_TO_VIDEO_FRAMES,
    defaultPricePerUnit: AI_PRICE,
    executor: "stable-video-diffusion",
  }),
  "audio-to-text": define({
    name: "audio-to-text",
    kind: "ai",
    summary:
      "Transcribe speech (Whisper: text and timestamped chunks), or with a voice-activity model only, find the speech segments",
    file: "audio",
    params: z.looseObject({
      return_timestamps: z.string().optional(),
      threshold: z.coerce.number().min(0.05).max(0.99).optional(),
      min_speech_ms: z.coerce.number().min(0).max(60_000).optional(),
      min_silence_ms: z.coerce.number().min(0).max(60_000).optional(),
      speech_pad_ms: z.coerce.number().min(0).max(10_000).optional(),
    }),
    // Milliseconds of audio, rounded up.
    units: (m) => {
      const ms = need(m.audioMs, "audio length");
      if (!(ms >= 0)) throw new RangeError("audio length must not be negative");
      return BigInt(Math.ceil(ms));
    },
    defaultPricePerUnit: AI_PRICE,
    executor: "vad",
  }),
  llm: define({
    name: "llm",
    kind: "ai",
    summary: "Complete a prompt with a language model",
    // go-livepeer's LLMRequest; the runner needs messages, the edge prices max_tokens alone.
    params: z.looseObject({
      messages: z
        .array(z.looseObject({ role: z.string().min(1), content: z.string() }))
        .min(1)
        .optional(),
      max_tokens: z.coerce.number().int().min(1).max(32_768).default(256),
      temperature: z.coerce.number().min(0).max(2).optional(),
      top_p: z.coerce.number().min(0).max(1).optional(),
      top_k: z.coerce.number().int().min(-1).optional(),
      stream: flag.optional(),
    }),
    units: (m) => uint(m.params.max_tokens, "max_tokens"),
    defaultPricePerUnit: AI_PRICE,
    executor: "llm",
  }),
  "text-to-speech": define({
    name: "text-to-speech",
    kind: "ai",
    summary: "Speak a text",
    // go-livepeer's TextToSpeechParams; `description` steers Parler-TTS voices only.
    params: z.looseObject({ text: z.string().min(1).max(10_000), description: z.string().optional() }),
    units: (m) => 1000n * uint(m.params.text.length, "characters"),
    defaultPricePerUnit: AI_PRICE,
    executor: "vits",
  }),
} as const satisfies Record<string, PipelineSpec>;

export type PipelineName = keyof typeof PIPELINES;
export const PIPELINE_NAMES = Object.keys(PIPELINES) as PipelineName[];

/** The registry entry of a name, or undefined for a name it does not hold. */
export function pipelineSpec(name: string): PipelineSpec | undefined {
  return Object.hasOwn(PIPELINES, name) ? PIPELINES[name as PipelineName] : undefined;
}

/** The AI pipelines (served under POST /v1/ai/{name}). */
export const AI_PIPELINE_NAMES = PIPELINE_NAMES.filter((n) => PIPELINES[n].kind === "ai");

/** The pipelines this project's node-runner can serve, with the executor serving each. */
export const SERVED_PIPELINES = PIPELINE_NAMES.filter((n) => PIPELINES[n].executor !== undefined);
