import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { decodePng, encodePng } from "../../../src/node-runner/ai/png.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { parseEncoders, parseHwaccels } from "../../../src/node-runner/ffmpeg/probe.ts";
import { parseNvidiaSmi } from "../../../src/node-runner/gpu.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";
import { ffmpegTools } from "../../helpers/ffmpeg-tools.ts";
import { ffprobe, makeClip, tempDir } from "../../helpers/media.ts";

let tmp: ReturnType<typeof tempDir>;
let ex: RunnerExecutors;
let clip: string;

beforeAll(async () => {
  tmp = tempDir("runner-exec-");
  // No manifest: the executors write and serve the built-in tiny models under workDir.
  ex = createExecutors({ capacity: 3, workDir: tmp.dir });
  clip = await makeClip(tmp.dir, { seconds: 1, width: 320, height: 180 });
});
afterAll(async () => {
  await ex.close();
  tmp.cleanup();
});

describe("createExecutors", () => {
  test("probe: native FFmpeg with its encoders and hwaccels, ONNX providers, models, capacity", async () => {
    const caps = await ex.probe();
    // The executors pick the same FFmpeg as the tests' locator: the system's, else the packaged one.
    expect(caps.ffmpeg?.source).toBe((await ffmpegTools()).source);
    expect(caps.ffmpeg?.version).toMatch(/\d/);
    expect(caps.ffmpeg?.encoders).toContain("libx264");
    expect(Array.isArray(caps.ffmpeg?.hwaccels)).toBe(true);
    expect(caps.onnx[0]!.backend).toBe("onnxruntime-node");
    expect(caps.onnx[0]!.executionProviders.at(-1)).toBe("cpu");
    expect(caps.capabilities.slice(0, 4)).toEqual([
      "transcode",
      "upscale",
      "image-to-image",
      "image-to-text",
    ]);
    expect(caps.models.length).toBeGreaterThanOrEqual(3);
    expect(caps.capacity).toBe(3);
  });

  test("transcode through the contract: outputs ffprobe agrees with, engine, pixel units", async () => {
    const workDir = join(tmp.dir, "job-1");
    mkdirSync(workDir);
    const notes = new Set<string>();
    const profiles = [PRESETS.P144p30fps16x9!, PRESETS.P240p30fps16x9!];
    const r = await ex.execute(
      { kind: "transcode", input: clip, profiles, format: "mp4" },
      { workDir, signal: new AbortController().signal, onProgress: (_f, note) => notes.add(note ?? "") },
    );
    expect(r.engine).toBe("ffmpeg-native");
    expect(notes.has("transcode")).toBe(true);
    for (const o of r.outputs) {
      const p = await ffprobe(o.path);
      expect([p.width, p.height]).toEqual([o.width!, o.height!]);
      expect(o.path.startsWith(workDir)).toBe(true);
    }
    expect(r.units).toBeGreaterThan(0n);
    expect(r.timings.transcodeMs).toBeGreaterThan(0);
  });

  test("an already-aborted job never starts", async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await ex
      .execute(
        { kind: "transcode", input: clip, profiles: [PRESETS.P144p30fps16x9!], format: "mpegts" },
        { workDir: tmp.dir, signal: ac.signal, onProgress() {} },
      )
      .catch((e) => e);
    expect(err.code).toBe("JOB_ABORTED");
  });
});

describe("parsers", () => {
  test("ffmpeg -encoders / -hwaccels and nvidia-smi output", () => {
    const enc = [
      "Encoders:",
      " V..... = Video",
      " ------",
      " V....D libx264              libx264 H.264 / AVC (codec h264)",
      " V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)",
      " V....D mpeg4                MPEG-4 part 2",
      " A..... aac                  AAC (Advanced Audio Coding)",
    ].join("\n");
    expect(parseEncoders(enc)).toEqual(["libx264", "h264_nvenc", "aac"]);
    expect(parseHwaccels("Hardware acceleration methods:\nvdpau\ncuda\n\n")).toEqual(["vdpau", "cuda"]);
    expect(parseNvidiaSmi("NVIDIA H100 80GB HBM3, 81559, 550.54.15\n")).toEqual([
      { name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, driver: "550.54.15" },
    ]);
  });

  test("PNG encode/decode round trip", () => {
    const data = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const back = decodePng(encodePng({ width: 5, height: 4, data }));
    expect([back.width, back.height]).toEqual([5, 4]);
    expect([...back.data]).toEqual([...data]);
  });
});
