import { randomInt } from "node:crypto";
import { z } from "zod";
import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { checkDiffusersRoles, type DiffusersConfig, parseDiffusersConfig } from "../diffusion/folder.ts";
import { generateImages } from "../diffusion/text-to-image.ts";
import { loadClipTokenizer, type PromptTokenizer } from "../diffusion/tokenizer.ts";
import type { ModelEntry } from "../manifest.ts";
import type { Loader } from "../store.ts";
import { invalidInput, numberParam, type Pipeline, writePngOutput } from "./types.ts";

/** A diffusion model's settings (manifest `options`): its defaults and a scheduler override. */
const optionsSchema = z.object({
  scheduler: z.enum(["euler", "ddim", "pndm", "lcm"]).optional(),
  /** Steps when the request names none (SD 1.5: 50 with its default 7.5 guidance; SD-Turbo: 1 and 0). */
  numInferenceSteps: z.number().int().min(1).max(150).default(50),
  guidanceScale: z.number().min(0).max(50).default(7.5),
  /** The most steps a request may ask for (the registry allows 150). */
  maxInferenceSteps: z.number().int().min(1).max(150).default(150),
});

function optionsOf(entry: ModelEntry) {
  const r = optionsSchema.safeParse(entry.options ?? {});
  if (!r.success) {
    throw new LivepeerError("INVALID_MANIFEST", `model ${entry.modelId}: invalid options`, {
      details: { issues: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  return r.data;
}

interface DiffusersFolder {
  tokenizer: PromptTokenizer;
  config: DiffusersConfig;
}

/** The folder's configs and tokenizer (hash-checked reads); the ONNX parts load on their own. */
export const diffusersLoader: Loader<DiffusersFolder> = async (entry, ctx) => {
  const roles = entry.files.map((f) => f.role);
  checkDiffusersRoles(entry.modelId, roles);
  const has = (r: string) => roles.includes(r);
  const config = parseDiffusersConfig(entry.modelId, {
    modelIndex: await ctx.read("model-index"),
    scheduler: await ctx.read("scheduler"),
    vaeConfig: has("vae-decoder-config") ? await ctx.read("vae-decoder-config") : undefined,
  });
  const tokenizer = await loadClipTokenizer({
    json: has("tokenizer") ? await ctx.read("tokenizer") : undefined,
    vocab: has("tokenizer") ? undefined : await ctx.read("tokenizer-vocab"),
    merges: has("tokenizer") ? undefined : await ctx.read("tokenizer-merges"),
    config: await ctx.read("tokenizer-config"),
  });
  // Nothing runs in this part: it reports no engine.
  return { model: { tokenizer, config }, engine: "", exclusive: false, release: async () => {} };
};

function textParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidInput(`${name} must be a string`, { [name]: v });
  return v;
}

/**
 * text-to-image with an operator's Stable Diffusion folder (format "diffusers", kind
 * "stable-diffusion"): go-livepeer's TextToImageParams in (prompt, negative_prompt, width, height,
 * num_images_per_prompt, num_inference_steps, guidance_scale, seed), one PNG per image out with the
 * seed it was made from (image i: seed + i; a random seed when none is given). LoRAs and the safety
 * checker are refused, not ignored: this runner has neither. Units: width × height × images.
 */
export const textToImage: Pipeline = async (run) => {
  const o = optionsOf(run.entry);
  const prompt = textParam(run.params, "prompt");
  if (!prompt) throw invalidInput("prompt is required");
  const negativePrompt = textParam(run.params, "negative_prompt") ?? "";
  const loras = run.params.loras;
  if (
    loras !== undefined &&
    loras !== "" &&
    !(typeof loras === "object" && Object.keys(loras ?? {}).length === 0)
  ) {
    throw invalidInput("loras are not supported by this runner", { loras });
  }
  if (run.params.safety_check === true || run.params.safety_check === "true") {
    throw invalidInput("safety_check is not supported: this runner has no safety checker");
  }
  const width = numberParam(run.params, "width", 512, 64, 4096);
  const height = numberParam(run.params, "height", 512, 64, 4096);
  if (width % 8 !== 0 || height % 8 !== 0) {
    throw invalidInput("width and height must be multiples of 8", { width, height });
  }
  const count = numberParam(run.params, "num_images_per_prompt", 1, 1, 16);
  const steps = numberParam(run.params, "num_inference_steps", o.numInferenceSteps, 1, o.maxInferenceSteps);
  const guidanceScale = numberParam(run.params, "guidance_scale", o.guidanceScale, 0, 50);
  const seed =
    run.params.seed === undefined || run.params.seed === null
      ? randomInt(0, 2 ** 32)
      : numberParam(run.params, "seed", 0, 0, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(count) || !Number.isInteger(steps) || !Number.isInteger(seed)) {
    throw invalidInput("num_images_per_prompt, num_inference_steps and seed must be integers");
  }
  const folder = await run.models.use("diffusers", diffusersLoader, async (f) => f);
  const images = await generateImages(
    {
      tokenizer: folder.tokenizer,
      config: folder.config,
      run: (part, fn) => run.models.onnx(fn, part),
    },
    {
      prompt,
      negativePrompt,
      width,
      height,
      steps,
      guidanceScale,
      seed,
      scheduler: o.scheduler,
      signal: run.signal,
      onStep: (done, total) => run.onProgress(done / total, "denoise"),
    },
    count,
  );
  const outputs = [];
  for (const [i, g] of images.entries())
    outputs.push(await writePngOutput(run.images, run.workDir, `image-${i}`, g.image));
  run.onProgress(1);
  const sum = (k: "encodeMs" | "denoiseMs" | "decodeMs") => images.reduce((a, g) => a + g.timings[k], 0);
  return {
    outputs,
    data: {
      images: images.map((g) => ({ seed: g.seed, nsfw: false })),
      width,
      height,
      num_inference_steps: steps,
      guidance_scale: guidanceScale,
      scheduler: images[0]!.scheduler,
    },
    units: PIPELINES["text-to-image"].units({ params: { width, height, num_images_per_prompt: count } }),
    timings: { encodeMs: sum("encodeMs"), denoiseMs: sum("denoiseMs"), decodeMs: sum("decodeMs") },
  };
};
