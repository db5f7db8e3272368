import type { Tensor } from "onnxruntime-common";
import { LivepeerError } from "../../../wire/errors.ts";
import { resizeBilinear, toNchw } from "../image.ts";
import type { RgbImage } from "../png.ts";
import type { OnnxModel } from "../store.ts";
import type { DiffusersConfig } from "./folder.ts";
import { aborted, floats, guide, input, type Meta, metaOf, numbers, outputName } from "./graph-io.ts";
import { asFloat32 } from "./half.ts";
import { GaussianNoise, vaeOutputToRgb } from "./latents.ts";
import { makeScheduler } from "./scheduler.ts";

// Stable Video Diffusion's image-to-video loop (diffusers' StableVideoDiffusionPipeline) over an ONNX
// folder: the CLIP vision encoder embeds the image, the VAE encoder gives the conditioning latents of
// the noise-augmented image, the UNet denoises every frame at once from [frame latents ‖ conditioning
// latents] with per-frame classifier-free guidance (zero embeddings and latents as the unconditional
// branch), the VAE decoder turns each frame's latents into pixels.

/** The parts of a loaded folder; each ONNX part runs through the model store. */
export interface VideoParts {
  config: DiffusersConfig;
  /** Channels of a frame's latents (the UNet's out_channels; its in_channels are twice that). */
  latentChannels: number;
  run<T>(
    part: "image-encoder" | "vae-encoder" | "unet" | "vae-decoder",
    fn: (m: OnnxModel) => Promise<T>,
  ): Promise<T>;
}

export interface ImageToVideoRequest {
  image: RgbImage;
  width: number;
  height: number;
  frames: number;
  /** The video's frame rate; the UNet is conditioned on fps − 1, as diffusers does. */
  fps: number;
  motionBucketId: number;
  noiseAugStrength: number;
  steps: number;
  /** Guidance rises linearly from the first frame's to the last's; at most 1 everywhere: no CFG. */
  minGuidanceScale: number;
  maxGuidanceScale: number;
  seed: number;
  signal?: AbortSignal | undefined;
  onStep?(done: number, total: number): void;
}

export interface GeneratedVideo {
  frames: RgbImage[];
  /** The final latents [frames, C, H/8, W/8], before the VAE scale. */
  latents: Float32Array;
  timings: { encodeMs: number; denoiseMs: number; decodeMs: number };
}

/** CLIP's pixel normalisation (the feature extractor of SVD's image encoder). */
const CLIP_NORMALIZE = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
} as const;
const CLIP_SIZE = 224;

/** A scalar input as the graph declares it: rank 0, or [1]. */
const scalarDims = (meta: Meta) => (meta.shape?.length === 0 ? [] : [1]);

/** The CLIP image embedding of the image resized to 224² (bilinear; diffusers antialiases). */
async function embedImage(parts: VideoParts, image: RgbImage): Promise<Float32Array> {
  const pixels = toNchw(resizeBilinear(image, CLIP_SIZE, CLIP_SIZE), CLIP_NORMALIZE);
  return parts.run("image-encoder", async (m) => {
    const meta = input(m.session, "pixel_values", 0);
    const out = await m.session.run({ [meta.name]: floats(m, meta, pixels, [1, 3, CLIP_SIZE, CLIP_SIZE]) });
    return asFloat32(out[outputName(m.session, "image_embeds")]!.data);
  });
}

/** The latent mean of the noise-augmented conditioning image: [C, H/8, W/8], unscaled (as diffusers). */
async function encodeCondition(
  parts: VideoParts,
  req: ImageToVideoRequest,
  noise: GaussianNoise,
): Promise<Float32Array> {
  const pixels = toNchw(resizeBilinear(req.image, req.width, req.height), {
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
  });
  const aug = noise.fill(pixels.length, req.noiseAugStrength);
  for (let i = 0; i < pixels.length; i++) pixels[i]! += aug[i]!;
  const c = parts.latentChannels;
  const plane = (req.width / 8) * (req.height / 8);
  return parts.run("vae-encoder", async (m) => {
    const meta = input(m.session, "sample", 0);
    const out = (
      await m.session.run({ [meta.name]: floats(m, meta, pixels, [1, 3, req.height, req.width]) })
    )[outputName(m.session, "latent_sample")]!;
    const data = asFloat32(out.data);
    // Exports give the mean alone, or the mean and log-variance stacked on channels.
    if (data.length !== c * plane && data.length !== 2 * c * plane) {
      throw new LivepeerError("INFERENCE_FAILED", `the VAE encoder returned shape [${out.dims.join(",")}]`, {
        details: { expected: [1, c, req.height / 8, req.width / 8] },
      });
    }
    return data.slice(0, c * plane);
  });
}

/** One video from one image: frames as RGB, diffusers' defaults left to the caller. */
export async function generateVideo(parts: VideoParts, req: ImageToVideoRequest): Promise<GeneratedVideo> {
  const t0 = performance.now();
  const noise = new GaussianNoise(req.seed);
  const embeds = await embedImage(parts, req.image);
  aborted(req.signal);
  // diffusers draws the augmentation noise before the initial latents.
  const cond = await encodeCondition(parts, req, noise);
  const scheduler = makeScheduler(parts.config.scheduler, req.steps, "euler");
  const c = parts.latentChannels;
  const h = req.height / 8;
  const w = req.width / 8;
  const frame = c * h * w;
  const n = req.frames * frame;
  let x = noise.fill(n, scheduler.initNoiseSigma);
  const guidance = Array.from({ length: req.frames }, (_, f) =>
    req.frames === 1
      ? req.minGuidanceScale
      : req.minGuidanceScale + ((req.maxGuidanceScale - req.minGuidanceScale) * f) / (req.frames - 1),
  );
  const cfg = req.maxGuidanceScale > 1;
  const batch = cfg ? 2 : 1;
  // The unconditional branch first (zero embeddings and latents), as diffusers concatenates them.
  const hidden = new Float32Array(batch * embeds.length);
  hidden.set(embeds, (batch - 1) * embeds.length);
  const timeIds = Array.from({ length: batch }, () => [
    req.fps - 1,
    req.motionBucketId,
    req.noiseAugStrength,
  ]).flat();
  const t1 = performance.now();
  const total = scheduler.timesteps.length;
  for (let i = 0; i < total; i++) {
    aborted(req.signal);
    const scaled = scheduler.scaleInput(x, i);
    const sample = new Float32Array(batch * 2 * n);
    for (let b = 0; b < batch; b++) {
      for (let f = 0; f < req.frames; f++) {
        const at = (b * req.frames + f) * 2 * frame;
        sample.set(scaled.subarray(f * frame, (f + 1) * frame), at);
        if (b === batch - 1) sample.set(cond, at + frame);
      }
    }
    const predicted = await parts.run("unet", async (m) => {
      const s = input(m.session, "sample", 0);
      const t = input(m.session, "timestep", 1);
      const e = input(m.session, "encoder_hidden_states", 2);
      const a = input(m.session, "added_time_ids", 3);
      const feeds: Record<string, Tensor> = {
        [s.name]: floats(m, s, sample, [batch, req.frames, 2 * c, h, w]),
        [t.name]: numbers(m, t.type, [scheduler.timesteps[i]!], scalarDims(t)),
        [e.name]: floats(m, e, hidden, [batch, 1, embeds.length]),
        [a.name]: floats(m, a, Float32Array.from(timeIds), [batch, 3]),
      };
      const out = await m.session.run(feeds);
      return asFloat32(out[outputName(m.session, "out_sample")]!.data);
    });
    if (predicted.length !== batch * n) {
      throw new LivepeerError(
        "INFERENCE_FAILED",
        `the UNet returned ${predicted.length} values, not ${batch * n}`,
      );
    }
    const guided = cfg ? guide(predicted, n, (j) => guidance[Math.floor(j / frame)]!) : predicted;
    x = scheduler.step(guided, i, x, () => noise.fill(n));
    req.onStep?.(i + 1, total);
  }
  const t2 = performance.now();
  aborted(req.signal);
  const frames = await decodeFrames(parts, x, req);
  return {
    frames,
    latents: x,
    timings: { encodeMs: t1 - t0, denoiseMs: t2 - t1, decodeMs: performance.now() - t2 },
  };
}

/**
 * Latents → frames: divided by the VAE's scaling factor and decoded. A temporal decoder (an input
 * "num_frames") gets all frames at once; an image decoder gets one frame at a time.
 */
async function decodeFrames(
  parts: VideoParts,
  x: Float32Array,
  req: ImageToVideoRequest,
): Promise<RgbImage[]> {
  const c = parts.latentChannels;
  const h = req.height / 8;
  const w = req.width / 8;
  const scaled = new Float32Array(x.length);
  for (let j = 0; j < x.length; j++) scaled[j] = x[j]! / parts.config.vaeScalingFactor;
  return parts.run("vae-decoder", async (m) => {
    const meta = input(m.session, "latent_sample", 0);
    const temporal = metaOf(m.session, "inputMetadata").find((i) => i.name === "num_frames");
    const pixels = req.width * req.height * 3;
    const run = async (data: Float32Array, count: number) => {
      const feeds: Record<string, Tensor> = { [meta.name]: floats(m, meta, data, [count, c, h, w]) };
      if (temporal)
        feeds[temporal.name] = numbers(m, temporal.type ?? "int64", [count], scalarDims(temporal));
      const out = (await m.session.run(feeds))[outputName(m.session, "sample")]!;
      const [n, ch, oh, ow] = out.dims as number[];
      if (n !== count || ch !== 3 || oh !== req.height || ow !== req.width) {
        throw new LivepeerError(
          "INFERENCE_FAILED",
          `the VAE decoder returned shape [${out.dims.join(",")}]`,
          {
            details: { expected: [count, 3, req.height, req.width] },
          },
        );
      }
      const all = asFloat32(out.data);
      return Array.from({ length: count }, (_, f) =>
        vaeOutputToRgb(all.subarray(f * pixels, (f + 1) * pixels), req.width, req.height),
      );
    };
    if (temporal) return run(scaled, req.frames);
    const frames: RgbImage[] = [];
    for (let f = 0; f < req.frames; f++) {
      aborted(req.signal);
      frames.push(...(await run(scaled.slice(f * c * h * w, (f + 1) * c * h * w), 1)));
    }
    return frames;
  });
}
