import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { schedulerConfigSchema } from "../../../src/node-runner/ai/diffusion/folder.ts";
import { GaussianNoise } from "../../../src/node-runner/ai/diffusion/latents.ts";
import { alphasCumprod, makeScheduler } from "../../../src/node-runner/ai/diffusion/scheduler.ts";
import { clipTokenizerJson, loadClipTokenizer } from "../../../src/node-runner/ai/diffusion/tokenizer.ts";
import { tempDir } from "../../helpers/media.ts";
import { TINY_SD_MAX_TOKENS, TINY_SD_VOCAB, tinySdIds, writeTinySd } from "../../helpers/tiny-diffusion.ts";

// The diffusion core's pieces against published facts: Stable Diffusion 1.5's schedule (its
// scheduler_config.json values) gives diffusers' well-known timesteps and σ_max; the LCM and
// "trailing" (SD-Turbo) timesteps; the seeded noise's determinism and moments; the CLIP tokenizer
// built from vocab.json + merges.txt.

const SD15 = schedulerConfigSchema.parse({
  _class_name: "PNDMScheduler",
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: "scaled_linear",
  num_train_timesteps: 1000,
  steps_offset: 1,
  set_alpha_to_one: false,
  skip_prk_steps: true,
});

describe("schedulers", () => {
  test("SD 1.5's schedule: ᾱ₉₉₉ ≈ 0.00466, σ_max ≈ 14.6146 (Euler's init sigma on linspace spacing)", () => {
    const a = alphasCumprod(SD15);
    expect(a[999]!).toBeCloseTo(0.00466, 5);
    expect(a[0]!).toBeCloseTo(1 - 0.00085, 9);
    const euler = makeScheduler({ ...SD15, timestep_spacing: "linspace" }, 50, "euler");
    expect(euler.initNoiseSigma).toBeCloseTo(14.6146, 4);
    expect(euler.timesteps[0]).toBe(999);
    expect(euler.timesteps[1]!).toBeCloseTo(978.6122, 4);
  });

  test("leading spacing with steps_offset 1: 981, 961, …, 1 for 50 steps (DDIM and Euler)", () => {
    const want = Array.from({ length: 50 }, (_, i) => 981 - 20 * i);
    expect(makeScheduler(SD15, 50, "ddim").timesteps).toEqual(want);
    const euler = makeScheduler(SD15, 50, "euler");
    expect(euler.timesteps).toEqual(want);
    // "leading": the initial noise is scaled by √(σ_max² + 1).
    const s = Math.sqrt((1 - alphasCumprod(SD15)[981]!) / alphasCumprod(SD15)[981]!);
    expect(euler.initNoiseSigma).toBeCloseTo(Math.sqrt(s * s + 1), 9);
  });

  test("trailing spacing (SD-Turbo): 999 for one step; 999, 749, 499, 249 for four", () => {
    const turbo = { ...SD15, timestep_spacing: "trailing" as const };
    expect(makeScheduler(turbo, 1, "euler").timesteps).toEqual([999]);
    expect(makeScheduler(turbo, 4, "euler").timesteps).toEqual([999, 749, 499, 249]);
  });

  test("LCM: 999, 759, 499, 259 for four steps of 50 original ones", () => {
    expect(makeScheduler(SD15, 4, "lcm").timesteps).toEqual([999, 759, 499, 259]);
    expect(() => makeScheduler(SD15, 51, "lcm")).toThrow(/at most 50/);
  });

  test("Karras sigmas run from σ_max to σ_min", () => {
    const k = makeScheduler({ ...SD15, timestep_spacing: "linspace", use_karras_sigmas: true }, 5, "euler");
    expect(k.timesteps[0]!).toBeCloseTo(999, 6);
    expect(k.timesteps.at(-1)!).toBeCloseTo(0, 6);
    expect(k.initNoiseSigma).toBeCloseTo(14.6146, 4);
  });

  test("PNDM (SD 1.5's own config): PLMS timesteps 981, 961, 961, 941, …, 1 (the first step taken twice)", () => {
    const pndm = makeScheduler(SD15, 50);
    expect(pndm.name).toBe("pndm");
    expect(pndm.timesteps).toEqual([981, 961, ...Array.from({ length: 49 }, (_, i) => 961 - 20 * i)]);
    expect(pndm.initNoiseSigma).toBe(1);
    // Without skip_prk_steps, diffusers runs Runge–Kutta steps first: refused, not approximated.
    expect(() => makeScheduler({ ...SD15, skip_prk_steps: false }, 10)).toThrow(/Runge–Kutta/);
  });

  test("a scheduler this runner lacks is refused by name, with the override to use", () => {
    expect(() => makeScheduler({ ...SD15, _class_name: "EulerAncestralDiscreteScheduler" }, 10)).toThrow(
      /EulerAncestralDiscreteScheduler is not implemented/,
    );
  });
});

describe("seeded noise", () => {
  test("a seed gives the same samples; another seed (also past 2³²) other samples", () => {
    const a = new GaussianNoise(42).fill(64);
    expect(new GaussianNoise(42).fill(64)).toEqual(a);
    expect(new GaussianNoise(43).fill(64)).not.toEqual(a);
    expect(new GaussianNoise(42 + 2 ** 32).fill(64)).not.toEqual(a);
  });

  test("standard normal: mean ≈ 0, variance ≈ 1, 4.6% beyond ±2σ (200 000 samples)", () => {
    const x = new GaussianNoise(7).fill(200_000);
    let sum = 0;
    let sq = 0;
    let tails = 0;
    for (const v of x) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) > 2) tails++;
    }
    expect(Math.abs(sum / x.length)).toBeLessThan(0.01);
    expect(Math.abs(sq / x.length - 1)).toBeLessThan(0.02);
    expect(Math.abs(tails / x.length - 0.0455)).toBeLessThan(0.003);
  });
});

describe("CLIP tokenizer from vocab.json + merges.txt", () => {
  const tmp = tempDir("clip-tok-");
  afterAll(() => tmp.cleanup());
  const f = writeTinySd(join(tmp.dir, "sd"));
  const files = {
    vocab: readFileSync(f.files["tokenizer-vocab"]!),
    merges: readFileSync(f.files["tokenizer-merges"]!),
    config: readFileSync(f.files["tokenizer-config"]!),
  };

  test("lower-cased, whitespace folded, BPE-merged, wrapped in start/end, padded with the end token to 77", async () => {
    const tok = await loadClipTokenizer(files);
    expect(tok.length).toBe(TINY_SD_MAX_TOKENS);
    expect(tok.encode("a cat")).toEqual(tinySdIds(["a</w>", "cat</w>"]));
    expect(tok.encode("  A \n CAT ")).toEqual(tinySdIds(["a</w>", "cat</w>"]));
    // Punctuation is its own word; unmerged letters stay single characters.
    expect(tok.encode("dog! ct")).toEqual(tinySdIds(["dog</w>", "!</w>", "c", "t</w>"]));
  });

  test("a prompt over 77 tokens is cut to 76 and ends with the end token", async () => {
    const tok = await loadClipTokenizer(files);
    const ids = tok.encode(Array.from({ length: 100 }, () => "cat").join(" "));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(TINY_SD_VOCAB.get("<|startoftext|>")!);
    expect(ids[75]).toBe(TINY_SD_VOCAB.get("cat</w>")!);
    expect(ids[76]).toBe(TINY_SD_VOCAB.get("<|endoftext|>")!);
  });

  test("a folder's tokenizer.json gives the same ids as its slow files", async () => {
    const vocab = JSON.parse(files.vocab.toString()) as Record<string, number>;
    const merges = files.merges.toString().split("\n").slice(1).filter(Boolean);
    const json = new TextEncoder().encode(JSON.stringify(clipTokenizerJson(vocab, merges)));
    const fast = await loadClipTokenizer({ json, config: files.config });
    expect(fast.encode("a dog!")).toEqual(tinySdIds(["a</w>", "dog</w>", "!</w>"]));
  });
});
