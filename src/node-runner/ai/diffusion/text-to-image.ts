import type { Tensor } from "onnxruntime-common";
import { LivepeerError } from "../../../wire/errors.ts";
import type { RgbImage } from "../png.ts";
import type { OnnxModel } from "../store.ts";
import type { DiffusersConfig } from "./folder.ts";
import { aborted, floats, guide, input, metaOf, numbers, outputName } from "./graph-io.ts";
import { asFloat32 } from "./half.ts";
import { GaussianNoise, vaeOutputToRgb } from "./latents.ts";
import { makeScheduler, type SchedulerName } from "./scheduler.ts";
import type { PromptTokenizer } from "./tokenizer.ts";

// Stable Diffusion's text-to-image loop over a diffusers ONNX folder: the CLIP text encoder embeds
// the prompt (and the negative prompt), the UNet predicts the noise at each scheduler timestep with
// classifier-free guidance, the scheduler steps the latents, the VAE decoder turns them into pixels.
// Tensor names and element types are read from each graph, as exports differ (int32 or int64 ids, a
// float or integer timestep).

/** The parts of a loaded folder; each ONNX part runs through the model store. */
export interface DiffusionParts {
  tokenizer: PromptTokenizer;
  config: DiffusersConfig;
  run<T>(part: "text-encoder" | "unet" | "vae-decoder", fn: (m: OnnxModel) => Promise<T>): Promise<T>;
}

export interface TextToImageRequest {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  /** Classifier-free guidance; at most 1 runs the conditional branch only (as diffusers). */
  guidanceScale: number;
  seed: number;
  /** A scheduler other than the config's (same betas and spacing). */
  scheduler?: SchedulerName | undefined;
  signal?: AbortSignal | undefined;
  onStep?(done: number, total: number): void;
}

export interface GeneratedImage {
  image: RgbImage;
  /** The final latents [C, H/8, W/8], before the VAE scale. */
  latents: Float32Array;
  seed: number;
  scheduler: SchedulerName;
  timings: { encodeMs: number; denoiseMs: number; decodeMs: number };
}

/** The CLIP text encoder's last hidden state for one prompt: [1, tokens, dim]. */
async function embed(parts: DiffusionParts, ids: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  return parts.run("text-encoder", async (m) => {
    const meta = input(m.session, "input_ids", 0);
    const out = await m.session.run({ [meta.name]: numbers(m, meta.type, ids, [1, ids.length]) });
    const hidden = out[outputName(m.session, "last_hidden_state")]!;
    return { data: asFloat32(hidden.data), dims: [...hidden.dims] };
  });
}

/** Diffusers' guidance-scale embedding (LCM-distilled UNets take w = guidance − 1 as `timestep_cond`). */
export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  const step = Math.log(10000) / (half - 1);
  for (let k = 0; k < half; k++) {
    const a = w * 1000 * Math.exp(-k * step);
    out[k] = Math.sin(a);
    out[half + k] = Math.cos(a);
  }
  return out;
}

const concat = (a: Float32Array, b: Float32Array) => {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/**
 * `count` images of one prompt, image i from seed `seed + i` (as Livepeer's ai-runner numbers them):
 * the prompts are encoded once, then each image is denoised `steps` times and decoded.
 */
export async function generateImages(
  parts: DiffusionParts,
  req: TextToImageRequest,
  count: number,
): Promise<GeneratedImage[]> {
  const t0 = performance.now();
  const first = makeScheduler(parts.config.scheduler, req.steps, req.scheduler);
  const unet = await parts.run("unet", async (m) => ({
    sample: input(m.session, "sample", 0),
    timestep: input(m.session, "timestep", 1),
    hidden: input(m.session, "encoder_hidden_states", 2),
    cond: metaOf(m.session, "inputMetadata").find((i) => i.name === "timestep_cond"),
  }));
  const channelsDim = unet.sample.shape?.[1];
  const channels = typeof channelsDim === "number" && channelsDim > 0 ? channelsDim : 4;
  // An LCM-distilled UNet is told the guidance instead of running the unconditional branch.
  const embedded = unet.cond !== undefined;
  const cfg = !embedded && req.guidanceScale > 1;
  const cond = await embed(parts, parts.tokenizer.encode(req.prompt));
  const hidden = cfg
    ? concat((await embed(parts, parts.tokenizer.encode(req.negativePrompt))).data, cond.data)
    : cond.data;
  const batch = cfg ? 2 : 1;
  const hiddenDims = [batch, ...cond.dims.slice(1)];
  const timestepDim = unet.timestep.shape?.[0];
  const timesteps = typeof timestepDim === "number" && timestepDim > 0 ? timestepDim : batch;
  const condDim = unet.cond?.shape?.[1];
  const condEmbedding = embedded
    ? guidanceEmbedding(req.guidanceScale - 1, typeof condDim === "number" && condDim > 0 ? condDim : 256)
    : null;
  const encodeMs = performance.now() - t0;

  const h = req.height / 8;
  const w = req.width / 8;
  const n = channels * h * w;
  const total = first.timesteps.length;
  const images: GeneratedImage[] = [];
  for (let k = 0; k < count; k++) {
    const t1 = performance.now();
    const noise = new GaussianNoise(req.seed + k);
    // A fresh scheduler per image: PNDM keeps its past outputs.
    const scheduler = k === 0 ? first : makeScheduler(parts.config.scheduler, req.steps, req.scheduler);
    let x = noise.fill(n, scheduler.initNoiseSigma);
    for (let i = 0; i < total; i++) {
      aborted(req.signal);
      const t = scheduler.timesteps[i]!;
      const xin = scheduler.scaleInput(x, i);
      const predicted = await parts.run("unet", async (m) => {
        const feeds: Record<string, Tensor> = {
          [unet.sample.name]: floats(m, unet.sample, cfg ? concat(xin, xin) : xin, [batch, channels, h, w]),
          [unet.timestep.name]: numbers(m, unet.timestep.type, new Array(timesteps).fill(t), [timesteps]),
          [unet.hidden.name]: floats(m, unet.hidden, hidden, hiddenDims),
        };
        if (unet.cond && condEmbedding) {
          feeds[unet.cond.name] = floats(m, unet.cond, condEmbedding, [1, condEmbedding.length]);
        }
        const out = await m.session.run(feeds);
        return asFloat32(out[outputName(m.session, "out_sample")]!.data);
      });
      if (predicted.length !== batch * n) {
        throw new LivepeerError(
          "INFERENCE_FAILED",
          `the UNet returned ${predicted.length} values, not ${batch * n}`,
        );
      }
      const guided = cfg ? guide(predicted, n, () => req.guidanceScale) : predicted;
      x = scheduler.step(guided, i, x, () => noise.fill(n));
      req.onStep?.(k * total + i + 1, count * total);
    }
    const t2 = performance.now();
    aborted(req.signal);
    const image = await decode(parts, x, channels, req);
    images.push({
      image,
      latents: x,
      seed: req.seed + k,
      scheduler: scheduler.name,
      timings: { encodeMs: k === 0 ? encodeMs : 0, denoiseMs: t2 - t1, decodeMs: performance.now() - t2 },
    });
  }
  return images;
}

/** Latents → pixels: divided by the VAE's scaling factor, decoded, mapped to 0..255. */
async function decode(
  parts: DiffusionParts,
  x: Float32Array,
  channels: number,
  req: TextToImageRequest,
): Promise<RgbImage> {
  const scaled = new Float32Array(x.length);
  for (let j = 0; j < x.length; j++) scaled[j] = x[j]! / parts.config.vaeScalingFactor;
  return parts.run("vae-decoder", async (m) => {
    const meta = input(m.session, "latent_sample", 0);
    const dims = [1, channels, req.height / 8, req.width / 8];
    const out = (await m.session.run({ [meta.name]: floats(m, meta, scaled, dims) }))[
      outputName(m.session, "sample")
    ]!;
    const [, c, oh, ow] = out.dims as number[];
    if (c !== 3 || oh !== req.height || ow !== req.width) {
      throw new LivepeerError("INFERENCE_FAILED", `the VAE decoder returned shape [${out.dims.join(",")}]`, {
        details: { expected: [1, 3, req.height, req.width] },
      });
    }
    return vaeOutputToRgb(asFloat32(out.data), req.width, req.height);
  });
}
