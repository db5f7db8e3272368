import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GaussianNoise } from "../../../src/node-runner/ai/diffusion/latents.ts";
import { decodePng, type RgbImage } from "../../../src/node-runner/ai/png.ts";
import type { ExecContext, ExecResult } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { tempDir } from "../../helpers/media.ts";
import {
  type TinySdOptions,
  type TinySdWeights,
  tinySdIds,
  tinySdPixel,
  tinySdTarget,
  writeTinySd,
} from "../../helpers/tiny-diffusion.ts";

// What this proves: the runner's text-to-image path — a diffusers ONNX folder loaded from disk only
// (configs, CLIP tokenizer from vocab.json + merges.txt, text encoder, UNet with or without external
// data, VAE decoder, each file hash-checked), classifier-free guidance, the Euler, DDIM and LCM
// schedulers, seeded noise, the VAE scale, PNG out — on tiny graphs the test builds, whose images
// are computed here in closed form (test/helpers/tiny-diffusion.ts): a UNet that predicts the noise
// of a target latent exactly makes every scheduler land on the guided target whatever the noise; one
// that predicts half of it leaves the seed's noise times a factor the σ or ᾱ sequence gives. What it
// cannot prove: the quality of a real model's images (none ships on npm, nothing is downloaded).

const W = 64;
const H = 64;
const A_CAT = tinySdIds(["a</w>", "cat</w>"]);
const A_DOG = tinySdIds(["a</w>", "dog</w>"]);
const EMPTY = tinySdIds([]);

let tmp: ReturnType<typeof tempDir>;
let ex: RunnerExecutors;
const weights: Record<string, TinySdWeights> = {};
let jobs = 0;

const MODELS: Record<string, TinySdOptions> = {
  exact: {},
  // Half the noise predicted; weights in unet/model.onnx_data; a float timestep input.
  "euler-half": { lambda: 0.5, externalUnet: true, timestepType: "float32" },
  "ddim-half": { lambda: 0.5, scheduler: { _class_name: "DDIMScheduler" }, idsType: "int64" },
  "ddim-v": { prediction: "v", scheduler: { _class_name: "DDIMScheduler" } },
  "euler-v-trailing": { prediction: "v", scheduler: { timestep_spacing: "trailing" } },
  lcm: { scheduler: { _class_name: "LCMScheduler" }, vaeScalingFactor: 0.5 },
  pndm: { scheduler: { _class_name: "PNDMScheduler", skip_prk_steps: true } },
  "lcm-distilled": { scheduler: { _class_name: "LCMScheduler" }, timestepCond: 16 },
};

function ctx(): ExecContext {
  const workDir = join(tmp.dir, `job-${jobs++}`);
  mkdirSync(workDir);
  return { workDir, signal: new AbortController().signal, onProgress() {} };
}

const generate = (model: string, params: Record<string, unknown>) =>
  ex.execute(
    {
      kind: "ai",
      pipeline: "text-to-image",
      modelId: `test/${model}`,
      files: {},
      params: { width: W, height: H, ...params },
    },
    ctx(),
  );

const imageOf = (r: ExecResult, i = 0): RgbImage => decodePng(readFileSync(r.outputs[i]!.path));

/** The guided target latent: c_u + s (c_c − c_u), or c_c without guidance (s ≤ 1). */
function guided(w: TinySdWeights, cond: number[], uncond: number[], s: number): number[] {
  const c = tinySdTarget(w, cond);
  if (s <= 1) return c;
  const u = tinySdTarget(w, uncond);
  return c.map((v, k) => u[k]! + s * (v - u[k]!));
}

/** Every pixel's largest channel difference from the expected image of per-latent-pixel latents. */
function worstDiff(img: RgbImage, w: TinySdWeights, latentAt: (k: number, j: number) => number): number {
  let worst = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const j = Math.floor(y / 8) * (W / 8) + Math.floor(x / 8);
      const want = tinySdPixel(
        w,
        [0, 1, 2, 3].map((k) => latentAt(k, j)),
      );
      for (let ch = 0; ch < 3; ch++) {
        worst = Math.max(worst, Math.abs(img.data[(y * W + x) * 3 + ch]! - want[ch]!));
      }
    }
  }
  return worst;
}

const sigma = (w: TinySdWeights, t: number) => Math.sqrt((1 - w.alphasCumprod[t]!) / w.alphasCumprod[t]!);

beforeAll(() => {
  tmp = tempDir("runner-t2i-");
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const models = Object.entries(MODELS).map(([name, o]) => {
    const f = writeTinySd(join(tmp.dir, name), o);
    weights[name] = f.weights;
    return {
      pipeline: "text-to-image",
      modelId: `test/${name}`,
      kind: "stable-diffusion",
      format: "diffusers",
      files: Object.entries(f.files).map(([role, path]) => ({ role, path, sha256: sha(path) })),
      warm: name === "exact",
      price: { pricePerUnit: "3", pixelsPerUnit: "1" },
      options: name.startsWith("lcm") ? { numInferenceSteps: 4, guidanceScale: 1 } : { numInferenceSteps: 3 },
    };
  });
  const manifest = join(tmp.dir, "manifest.json");
  writeFileSync(manifest, JSON.stringify({ version: 2, models }));
  ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
});
afterAll(async () => {
  await ex?.close();
  tmp?.cleanup();
});

test("text-to-image is advertised with its models; the warm one is loaded at start", async () => {
  const caps = await ex.probe();
  expect(caps.capabilities).toContain("text-to-image");
  expect(caps.models).toContainEqual(
    expect.objectContaining({ pipeline: "text-to-image", modelId: "test/exact", warm: true, loaded: true }),
  );
});

describe("a perfect denoiser lands on the guided target, whatever the scheduler and the noise", () => {
  test("Euler, guidance 7.5: every pixel is the VAE's image of c_u + 7.5 (c_c − c_u)", async () => {
    const w = weights.exact!;
    const r = await generate("exact", { prompt: "a cat", guidance_scale: 7.5, seed: 1 });
    const want = guided(w, A_CAT, EMPTY, 7.5);
    expect(worstDiff(imageOf(r), w, (k) => want[k]!)).toBeLessThanOrEqual(1);
    expect(r.units).toBe(BigInt(W * H));
    expect(r.engine).toBe("onnxruntime-node/cpu");
    expect(r.data).toMatchObject({
      images: [{ seed: 1, nsfw: false }],
      num_inference_steps: 3,
      guidance_scale: 7.5,
      scheduler: "euler",
    });
  });

  test("the prompt's token ids reach the text encoder: another prompt, another image, as predicted", async () => {
    const w = weights.exact!;
    const cat = imageOf(await generate("exact", { prompt: "A   CAT", guidance_scale: 1, seed: 5 }));
    const dog = imageOf(await generate("exact", { prompt: "a dog", guidance_scale: 1, seed: 5 }));
    const wantCat = tinySdTarget(w, A_CAT);
    const wantDog = tinySdTarget(w, A_DOG);
    expect(worstDiff(cat, w, (k) => wantCat[k]!)).toBeLessThanOrEqual(1);
    expect(worstDiff(dog, w, (k) => wantDog[k]!)).toBeLessThanOrEqual(1);
    expect(Buffer.from(cat.data).equals(Buffer.from(dog.data))).toBe(false);
  });

  test("guidance and the negative prompt move the image as c_u + s (c_c − c_u) says", async () => {
    const w = weights.exact!;
    const dogIds = tinySdIds(["dog</w>"]);
    for (const s of [1, 2, 5]) {
      const img = imageOf(
        await generate("exact", { prompt: "a cat", negative_prompt: "dog", guidance_scale: s }),
      );
      const want = guided(w, A_CAT, dogIds, s);
      expect(worstDiff(img, w, (k) => want[k]!)).toBeLessThanOrEqual(1);
    }
  });

  test("v-prediction with DDIM, and with Euler on trailing timesteps", async () => {
    for (const model of ["ddim-v", "euler-v-trailing"]) {
      const w = weights[model]!;
      const r = await generate(model, {
        prompt: "a cat",
        guidance_scale: 4,
        num_inference_steps: 5,
        seed: 9,
      });
      const want = guided(w, A_CAT, EMPTY, 4);
      expect(worstDiff(imageOf(r), w, (k) => want[k]!)).toBeLessThanOrEqual(1);
    }
  });

  test("PNDM's PLMS steps (SD 1.5's scheduler), 6 steps, two images: each on the target", async () => {
    const w = weights.pndm!;
    const r = await generate("pndm", {
      prompt: "a cat",
      guidance_scale: 2,
      num_inference_steps: 6,
      num_images_per_prompt: 2,
    });
    const want = guided(w, A_CAT, EMPTY, 2);
    for (const i of [0, 1]) expect(worstDiff(imageOf(r, i), w, (k) => want[k]!)).toBeLessThanOrEqual(1);
    expect(r.data).toMatchObject({ scheduler: "pndm" });
  });

  test("LCM, 4 steps with fresh noise between them, ends on the target; the VAE scale (0.5) is the config's", async () => {
    const w = weights.lcm!;
    const r = await generate("lcm", { prompt: "a cat", seed: 3 });
    const want = tinySdTarget(w, A_CAT);
    expect(worstDiff(imageOf(r), w, (k) => want[k]!)).toBeLessThanOrEqual(1);
    expect(r.data).toMatchObject({ scheduler: "lcm", num_inference_steps: 4 });
  });

  test("an LCM-distilled UNet is told the guidance (timestep_cond = [sin, cos](1000 (s − 1) f_k)) and runs one branch", async () => {
    const w = weights["lcm-distilled"]!;
    for (const s of [1, 1.5, 8]) {
      // The embedding's first element: sin(1000 (s − 1) × exp(0)); the tiny UNet adds half of it to c.
      const shift = 0.5 * Math.sin(1000 * (s - 1));
      const c = tinySdTarget(w, A_CAT).map((v) => v + shift);
      const r = await generate("lcm-distilled", {
        prompt: "a cat",
        negative_prompt: "dog",
        guidance_scale: s,
      });
      expect(worstDiff(imageOf(r), w, (k) => c[k]!)).toBeLessThanOrEqual(1);
    }
  });
});

describe("half a denoiser keeps the seed's noise, scaled as the scheduler's formulas say", () => {
  const n = 4 * (W / 8) * (H / 8);
  // SD's "leading" spacing with steps_offset 1, 3 steps of 1000: 667, 334, 1.
  const timesteps = [667, 334, 1];

  test("Euler: x = c + Π (1 + λ (σ' − σ) / σ) (√(σ₀² + 1) z − c), z from the seed", async () => {
    const w = weights["euler-half"]!;
    const sigmas = [...timesteps.map((t) => sigma(w, t)), 0];
    let factor = 1;
    for (let i = 0; i < timesteps.length; i++)
      factor *= 1 + (w.lambda * (sigmas[i + 1]! - sigmas[i]!)) / sigmas[i]!;
    const init = Math.sqrt(sigmas[0]! ** 2 + 1);
    const c = guided(w, A_CAT, EMPTY, 2);
    const expectFor = (seed: number) => {
      const z = new GaussianNoise(seed).fill(n);
      return (k: number, j: number) => c[k]! + factor * (init * z[k * 64 + j]! - c[k]!);
    };
    const r = await generate("euler-half", {
      prompt: "a cat",
      guidance_scale: 2,
      seed: 42,
      num_images_per_prompt: 2,
    });
    expect(r.outputs).toHaveLength(2);
    expect(r.units).toBe(BigInt(W * H * 2));
    expect(r.data).toMatchObject({ images: [{ seed: 42 }, { seed: 43 }] });
    expect(worstDiff(imageOf(r, 0), w, expectFor(42))).toBeLessThanOrEqual(1);
    expect(worstDiff(imageOf(r, 1), w, expectFor(43))).toBeLessThanOrEqual(1);
    // The noise shows: the two seeds' images differ, and neither is the flat target.
    expect(Buffer.from(imageOf(r, 0).data).equals(Buffer.from(imageOf(r, 1).data))).toBe(false);
    expect(worstDiff(imageOf(r, 0), w, (k) => c[k]!)).toBeGreaterThan(1);
  });

  test("the same seed gives the same PNG", async () => {
    const a = await generate("euler-half", { prompt: "a cat", seed: 7 });
    const b = await generate("euler-half", { prompt: "a cat", seed: 7 });
    expect(readFileSync(a.outputs[0]!.path).equals(readFileSync(b.outputs[0]!.path))).toBe(true);
  });

  test("DDIM (η 0): x = c + Π_t m_t (z − √ᾱ₆₆₇ c), m_t = (1 − λ)√(ᾱ'/ᾱ) + λ√((1 − ᾱ')/(1 − ᾱ))", async () => {
    const w = weights["ddim-half"]!;
    const a = (t: number) => (t >= 0 ? w.alphasCumprod[t]! : 1);
    let factor = 1;
    for (const t of timesteps) {
      const ap = a(t - 333);
      const at = a(t);
      factor *= (1 - w.lambda) * Math.sqrt(ap / at) + w.lambda * Math.sqrt((1 - ap) / (1 - at));
    }
    const c = guided(w, A_CAT, EMPTY, 3);
    const z = new GaussianNoise(11).fill(n);
    const r = await generate("ddim-half", { prompt: "a cat", guidance_scale: 3, seed: 11 });
    const at0 = Math.sqrt(a(667));
    expect(
      worstDiff(imageOf(r), w, (k, j) => c[k]! + factor * (z[k * 64 + j]! - at0 * c[k]!)),
    ).toBeLessThanOrEqual(1);
    expect(r.data).toMatchObject({ scheduler: "ddim" });
  });
});

describe("requests the runner refuses", () => {
  const refused = (params: Record<string, unknown>) => generate("exact", params).catch((e) => e);

  test("no prompt, a side not a multiple of 8, too many steps: INVALID_INPUT", async () => {
    expect(await refused({})).toMatchObject({ code: "INVALID_INPUT" });
    expect(await refused({ prompt: "a cat", width: 100 })).toMatchObject({ code: "INVALID_INPUT" });
    expect(await refused({ prompt: "a cat", num_inference_steps: 151 })).toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await refused({ prompt: "a cat", num_inference_steps: 2.5 })).toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  test("LoRAs and the safety checker are refused, not silently skipped", async () => {
    expect(await refused({ prompt: "a cat", loras: '{"x": 1}' })).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("loras"),
    });
    expect(await refused({ prompt: "a cat", safety_check: true })).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("safety"),
    });
  });

  test("an aborted job stops", async () => {
    const abort = new AbortController();
    abort.abort();
    const workDir = join(tmp.dir, "aborted");
    mkdirSync(workDir);
    await expect(
      ex.execute(
        {
          kind: "ai",
          pipeline: "text-to-image",
          modelId: "test/exact",
          files: {},
          params: { prompt: "a cat", width: W, height: H },
        },
        { workDir, signal: abort.signal, onProgress() {} },
      ),
    ).rejects.toMatchObject({ code: "JOB_ABORTED" });
  });
});
