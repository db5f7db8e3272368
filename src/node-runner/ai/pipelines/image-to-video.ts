import { randomInt } from "node:crypto";
import { z } from "zod";
import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { type DiffusersConfig, parseDiffusersConfig } from "../diffusion/folder.ts";
import { generateVideo } from "../diffusion/image-to-video.ts";
import { checkSvdRoles } from "../diffusion/video-folder.ts";
import { loadImage } from "../image.ts";
import type { ModelEntry } from "../manifest.ts";
import type { Loader } from "../store.ts";
import { encodeMp4 } from "../video-encode.ts";
import { inputFile, invalidInput, numberParam, type Pipeline } from "./types.ts";

/** A video model's settings (manifest `options`): diffusers' StableVideoDiffusionPipeline defaults. */
const optionsSchema = z.object({
  numInferenceSteps: z.number().int().min(1).max(150).default(25),
  maxInferenceSteps: z.number().int().min(1).max(150).default(150),
  minGuidanceScale: z.number().min(0).max(50).default(1),
  maxGuidanceScale: z.number().min(0).max(50).default(3),
  /** Frames per video; absent: the UNet config's num_frames (SVD: 14, SVD-XT: 25). */
  numFrames: z.number().int().min(1).max(128).optional(),
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

/** unet/config.json: latent channels (in = 2 × out: frame latents ‖ conditioning) and frames. */
const unetConfigSchema = z.looseObject({
  out_channels: z.number().int().min(1).default(4),
  num_frames: z.number().int().min(1).default(25),
});

interface VideoFolder {
  config: DiffusersConfig;
  latentChannels: number;
  numFrames: number;
}

/** The folder's configs (hash-checked reads); the ONNX parts load on their own. */
export const svdLoader: Loader<VideoFolder> = async (entry, ctx) => {
  const roles = entry.files.map((f) => f.role);
  checkSvdRoles(entry.modelId, roles);
  const config = parseDiffusersConfig(entry.modelId, {
    modelIndex: await ctx.read("model-index"),
    scheduler: await ctx.read("scheduler"),
    vaeConfig: roles.includes("vae-decoder-config") ? await ctx.read("vae-decoder-config") : undefined,
  });
  let unet = unetConfigSchema.parse({});
  if (roles.includes("unet-config")) {
    const r = unetConfigSchema.safeParse(
      JSON.parse(new TextDecoder().decode(await ctx.read("unet-config"))) as unknown,
    );
    if (!r.success) {
      throw new LivepeerError(
        "MODEL_LOAD_FAILED",
        `model ${entry.modelId}: unet/config.json is not readable`,
        {
          details: { issues: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
        },
      );
    }
    unet = r.data;
  }
  return {
    model: { config, latentChannels: unet.out_channels, numFrames: unet.num_frames },
    engine: "",
    exclusive: false,
    release: async () => {},
  };
};

const int = (v: number, name: string) => {
  if (!Number.isInteger(v)) throw invalidInput(`${name} must be an integer`, { [name]: v });
  return v;
};

/**
 * image-to-video with an operator's Stable Video Diffusion folder (format "diffusers", kind
 * "stable-video-diffusion"): go-livepeer's ImageToVideoParams in (image, width, height, fps,
 * motion_bucket_id, noise_aug_strength, num_inference_steps, seed), one H.264 MP4 out at the
 * requested fps with the seed it was made from. The safety checker is refused, not ignored.
 * Units: width × height × 25 (what go-livepeer bills, whatever the frame count).
 */
export const imageToVideo: Pipeline = async (run) => {
  const o = optionsOf(run.entry);
  if (run.params.safety_check === true || run.params.safety_check === "true") {
    throw invalidInput("safety_check is not supported: this runner has no safety checker");
  }
  const width = numberParam(run.params, "width", 1024, 64, 4096);
  const height = numberParam(run.params, "height", 576, 64, 4096);
  if (width % 8 !== 0 || height % 8 !== 0) {
    throw invalidInput("width and height must be multiples of 8", { width, height });
  }
  const fps = int(numberParam(run.params, "fps", 6, 1, 60), "fps");
  const motionBucketId = int(numberParam(run.params, "motion_bucket_id", 127, 0, 1023), "motion_bucket_id");
  const noiseAugStrength = numberParam(run.params, "noise_aug_strength", 0.02, 0, 10);
  const steps = int(
    numberParam(run.params, "num_inference_steps", o.numInferenceSteps, 1, o.maxInferenceSteps),
    "num_inference_steps",
  );
  const seed =
    run.params.seed === undefined || run.params.seed === null || run.params.seed === ""
      ? randomInt(0, 2 ** 32)
      : int(numberParam(run.params, "seed", 0, 0, Number.MAX_SAFE_INTEGER), "seed");
  const image = await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images);
  const folder = await run.models.use("diffusers", svdLoader, async (f) => f);
  const frames = o.numFrames ?? folder.numFrames;
  const video = await generateVideo(
    {
      config: folder.config,
      latentChannels: folder.latentChannels,
      run: (part, fn) => run.models.onnx(fn, part),
    },
    {
      image,
      width,
      height,
      frames,
      fps,
      motionBucketId,
      noiseAugStrength,
      steps,
      minGuidanceScale: o.minGuidanceScale,
      maxGuidanceScale: o.maxGuidanceScale,
      seed,
      signal: run.signal,
      onStep: (done, total) => run.onProgress((0.95 * done) / total, "denoise"),
    },
  );
  const t0 = performance.now();
  const path = await encodeMp4(video.frames, fps, run.ffmpeg, run.workDir, "video", run.limits, run.signal);
  run.onProgress(1);
  return {
    outputs: [{ name: "video", path, contentType: "video/mp4", width, height, durationSec: frames / fps }],
    data: { images: [{ seed, nsfw: false }], width, height, frames, fps, num_inference_steps: steps },
    units: PIPELINES["image-to-video"].units({ image, params: { width, height } }),
    timings: { ...video.timings, encodeVideoMs: performance.now() - t0 },
  };
};
