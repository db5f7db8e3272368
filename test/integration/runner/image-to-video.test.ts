import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InferenceSession } from "onnxruntime-common";
import { parseDiffusersConfig } from "../../../src/node-runner/ai/diffusion/folder.ts";
import { generateVideo } from "../../../src/node-runner/ai/diffusion/image-to-video.ts";
import { encodePng, type RgbImage } from "../../../src/node-runner/ai/png.ts";
import type { OnnxModel } from "../../../src/node-runner/ai/store.ts";
import type { ExecContext, ExecResult } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { runTool } from "../../helpers/ffmpeg-tools.ts";
import { tempDir } from "../../helpers/media.ts";
import { TINY_SVD_SCALE, writeTinySvd } from "../../helpers/tiny-svd.ts";

// What this proves: the runner's image-to-video path — an SVD-shaped ONNX folder loaded from disk
// (configs, CLIP vision encoder, VAE encoder, UNet on [frame latents ‖ conditioning latents], a
// temporal VAE decoder, each file hash-checked), SVD's Euler schedule (Karras σ from 700 to 0.002,
// timestep 0.25·ln σ, v-prediction), per-frame guidance from 1 to 3 with zero image embeddings and
// latents as the unconditional branch, the VAE scale, seeded noise augmentation, H.264 MP4 out — on
// tiny graphs whose frames are computed here in closed form (test/helpers/tiny-svd.ts): frame f lands
// on g_f·T, T the conditioning image's 8 × 8 block means. What it cannot prove: a real model's video.

const W = 64;
const H = 64;
const FRAMES = 3;
/** One colour per 8 × 8 block, kept within 51..204 so g·T / scale stays inside −1..1. */
const BLOCKS: [number, number, number][] = Array.from({ length: (W / 8) * (H / 8) }, (_, j) => [
  51 + ((j * 37) % 154),
  51 + ((j * 71 + 40) % 154),
  51 + ((j * 113 + 90) % 154),
]);
/** H.264 at its default quality (CRF 23, yuv420p) on uniform 8 × 8 blocks, read at block centres. */
const CODEC_TOLERANCE = 12;

let tmp: ReturnType<typeof tempDir>;
let ex: RunnerExecutors;
let imagePath: string;
let image: RgbImage;
let folder: Record<string, string>;
let jobs = 0;

function ctx(): ExecContext {
  const workDir = join(tmp.dir, `job-${jobs++}`);
  mkdirSync(workDir);
  return { workDir, signal: new AbortController().signal, onProgress() {} };
}

const animate = (params: Record<string, unknown>) =>
  ex.execute(
    {
      kind: "ai",
      pipeline: "image-to-video",
      modelId: "test/svd",
      files: { image: imagePath },
      params: { width: W, height: H, num_inference_steps: 3, ...params },
    },
    ctx(),
  );

/** The MP4's frames as rgb24, with ffprobe's frame count and size. */
async function framesOf(
  r: ExecResult,
): Promise<{ count: number; width: number; height: number; rgb: Buffer }> {
  const path = r.outputs[0]!.path;
  const probe = await runTool("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=codec_name,width,height,nb_read_frames,r_frame_rate",
    "-of",
    "json",
    path,
  ]);
  const s = (JSON.parse(probe.stdout) as { streams: Record<string, string | number>[] }).streams[0]!;
  expect(s.codec_name).toBe("h264");
  expect(s.r_frame_rate).toBe("6/1");
  const dir = join(tmp.dir, `decoded-${jobs++}.rgb`);
  const dec = await runTool("ffmpeg", [
    "-v",
    "error",
    "-i",
    path,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "-y",
    dir,
  ]);
  expect(dec.exitCode).toBe(0);
  return {
    count: Number(s.nb_read_frames),
    width: Number(s.width),
    height: Number(s.height),
    rgb: readFileSync(dir),
  };
}

/** Every block centre's largest channel difference from the closed form, over all frames. */
function worstDiff(frameAt: (f: number, x: number, y: number, c: number) => number): number {
  let worst = 0;
  for (let f = 0; f < FRAMES; f++) {
    const g = 1 + (2 * f) / (FRAMES - 1);
    for (const [j, block] of BLOCKS.entries()) {
      const x = (j % (W / 8)) * 8 + 4;
      const y = Math.floor(j / (W / 8)) * 8 + 4;
      for (let c = 0; c < 3; c++)
        worst = Math.max(worst, Math.abs(frameAt(f, x, y, c) - expected(block[c]!, g)));
    }
  }
  return worst;
}

/** The pixel diffusers' post-processing makes of latent value g·T (T = p/127.5 − 1). */
function expected(p: number, g: number): number {
  const u = (g * (p / 127.5 - 1)) / TINY_SVD_SCALE / 2 + 0.5;
  return u <= 0 ? 0 : u >= 1 ? 255 : Math.round(u * 255);
}

beforeAll(async () => {
  tmp = tempDir("runner-i2v-");
  const img = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++)
      img.set(BLOCKS[Math.floor(y / 8) * (W / 8) + Math.floor(x / 8)]!, (y * W + x) * 3);
  }
  imagePath = join(tmp.dir, "input.png");
  image = { width: W, height: H, data: img };
  writeFileSync(imagePath, encodePng(image));
  const f = writeTinySvd(join(tmp.dir, "svd"), { frames: FRAMES });
  folder = f.files;
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const manifest = join(tmp.dir, "manifest.json");
  writeFileSync(
    manifest,
    JSON.stringify({
      version: 2,
      models: [
        {
          pipeline: "image-to-video",
          modelId: "test/svd",
          kind: "stable-video-diffusion",
          format: "diffusers",
          files: Object.entries(f.files).map(([role, path]) => ({ role, path, sha256: sha(path) })),
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ],
    }),
  );
  ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
});
afterAll(async () => {
  await ex?.close();
  tmp?.cleanup();
});

test("image-to-video is advertised once a video diffusion folder is configured", async () => {
  const caps = await ex.probe();
  expect(caps.capabilities).toContain("image-to-video");
});

describe("frames in closed form", () => {
  test("frame f is the VAE's image of g_f·T, g rising 1 → 2 → 3; an H.264 MP4 at the requested fps", async () => {
    const r = await animate({ fps: 6, noise_aug_strength: 0, seed: 7 });
    expect(r.outputs[0]!.contentType).toBe("video/mp4");
    expect(r.data).toMatchObject({ images: [{ seed: 7, nsfw: false }], frames: FRAMES, fps: 6 });
    // go-livepeer bills width × height × 25 frames.
    expect(r.units).toBe(BigInt(W * H * 25));
    const v = await framesOf(r);
    expect(v).toMatchObject({ count: FRAMES, width: W, height: H });
    expect(v.rgb.length).toBe(FRAMES * W * H * 3);
    const worst = worstDiff((f, x, y, c) => v.rgb[((f * H + y) * W + x) * 3 + c]!);
    expect(worst).toBeLessThanOrEqual(CODEC_TOLERANCE);
  });

  test("before encoding, the frames are the closed form to the rounding (the loop on bare ONNX sessions)", async () => {
    const ort = await import("onnxruntime-node");
    const sessions = new Map<string, InferenceSession>();
    for (const part of ["image-encoder", "vae-encoder", "unet", "vae-decoder"]) {
      sessions.set(part, await ort.InferenceSession.create(folder[part]!));
    }
    const config = parseDiffusersConfig("test/svd", {
      modelIndex: readFileSync(folder["model-index"]!),
      scheduler: readFileSync(folder.scheduler!),
      vaeConfig: readFileSync(folder["vae-decoder-config"]!),
    });
    const video = await generateVideo(
      {
        config,
        latentChannels: 4,
        run: (part, fn) =>
          fn({ session: sessions.get(part)!, ort: ort as unknown as OnnxModel["ort"], provider: "cpu" }),
      },
      {
        image,
        width: W,
        height: H,
        frames: FRAMES,
        fps: 6,
        motionBucketId: 127,
        noiseAugStrength: 0,
        steps: 4,
        minGuidanceScale: 1,
        maxGuidanceScale: 3,
        seed: 11,
      },
    );
    expect(video.frames.length).toBe(FRAMES);
    expect(worstDiff((f, x, y, c) => video.frames[f]!.data[(y * W + x) * 3 + c]!)).toBeLessThanOrEqual(1);
    for (const s of sessions.values()) await s.release();
  });

  test("the seed draws the conditioning image's noise augmentation: same seed same video, another seed another", async () => {
    const a = await framesOf(await animate({ fps: 6, noise_aug_strength: 0.3, seed: 1 }));
    const b = await framesOf(await animate({ fps: 6, noise_aug_strength: 0.3, seed: 1 }));
    const c = await framesOf(await animate({ fps: 6, noise_aug_strength: 0.3, seed: 2 }));
    expect(b.rgb.equals(a.rgb)).toBe(true);
    let diff = 0;
    for (let i = 0; i < a.rgb.length; i++) diff = Math.max(diff, Math.abs(a.rgb[i]! - c.rgb[i]!));
    expect(diff).toBeGreaterThan(CODEC_TOLERANCE);
  });
});

describe("requests the runner refuses", () => {
  const refused = (params: Record<string, unknown>) => animate(params).catch((e) => e);

  test("a side not a multiple of 8, bad steps, fps or seed, the safety checker: INVALID_INPUT", async () => {
    for (const p of [
      { width: 30 },
      { num_inference_steps: 0 },
      { num_inference_steps: 2.5 },
      { fps: 0 },
      { seed: -1 },
      { motion_bucket_id: "many" },
      { safety_check: true },
    ]) {
      expect(await refused(p)).toMatchObject({ code: "INVALID_INPUT" });
    }
  });
});
