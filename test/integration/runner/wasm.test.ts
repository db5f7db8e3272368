import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createExecutors } from "../../../src/node-runner/executors.ts";
import { locateFfmpeg } from "../../../src/node-runner/ffmpeg/locate.ts";
import { runLadderWasm } from "../../../src/node-runner/ffmpeg/wasm.ts";
import { runnerLimits } from "../../../src/node-runner/limits.ts";
import { ffprobe, makeClip, tempDir } from "../../helpers/media.ts";

let tmp: ReturnType<typeof tempDir>;
let clip: string;

beforeAll(async () => {
  tmp = tempDir("runner-wasm-");
  clip = await makeClip(tmp.dir, { seconds: 1, width: 160, height: 120, fps: 15 });
});
afterAll(() => tmp.cleanup());

describe("ffmpeg.wasm fallback", () => {
  // Forced to wasm, as on a host with no native FFmpeg. No models are needed for video.
  const ex = () =>
    createExecutors({ ffmpegSources: ["wasm"], modelsManifest: { models: [] }, workDir: tmp.dir });

  test("probe reports the wasm engine", async () => {
    const e = ex();
    const caps = await e.probe();
    expect(caps.ffmpeg?.source).toBe("wasm");
    expect(caps.ffmpeg?.version).toContain("ffmpeg.wasm");
    expect(caps.capabilities).toEqual(["transcode"]);
    await e.close();
  });

  test("runs the same ladder: a valid rendition, and the result says ffmpeg-wasm", async () => {
    const e = ex();
    const out = join(tmp.dir, "out");
    mkdirSync(out);
    const progress: number[] = [];
    const r = await e.execute(
      {
        kind: "transcode",
        input: clip,
        format: "mpegts",
        profiles: [{ name: "tiny", width: 128, height: 72, bitrate: 100_000, fps: 15, codec: "h264" }],
      },
      { workDir: out, signal: new AbortController().signal, onProgress: (f) => progress.push(f) },
    );
    expect(r.engine).toBe("ffmpeg-wasm");
    expect((r.data as { source: string }).source).toBe("wasm");
    const p = await ffprobe(r.outputs[0]!.path);
    expect([p.width, p.height, p.codec]).toEqual([128, 72, "h264"]);
    expect(Math.abs(p.durationSec - 1)).toBeLessThan(0.2);
    expect(p.hasAudio).toBe(true);
    expect(progress.at(-1)).toBe(1);
    await e.close();
  });

  test("non-video input → INVALID_MEDIA, nothing written", async () => {
    const e = ex();
    const junk = join(tmp.dir, "junk.ts");
    writeFileSync(junk, "not a segment");
    const out = join(tmp.dir, "out-bad");
    mkdirSync(out);
    const err = await e
      .execute(
        {
          kind: "transcode",
          input: junk,
          format: "mp4",
          profiles: [{ name: "x", width: 64, height: 64, bitrate: 1e5, fps: 10, codec: "h264" }],
        },
        { workDir: out, signal: new AbortController().signal, onProgress() {} },
      )
      .catch((x) => x);
    expect(err.code).toBe("INVALID_MEDIA");
    expect(readdirSync(out)).toEqual([]);
    await e.close();
  });

  test("abort terminates the wasm worker: JOB_ABORTED, no output", async () => {
    const e = ex();
    await e.probe();
    const out = join(tmp.dir, "out-abort");
    mkdirSync(out);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await e
      .execute(
        {
          kind: "transcode",
          input: clip,
          format: "mpegts",
          profiles: [{ name: "a", width: 128, height: 72, bitrate: 1e5, fps: 15, codec: "h264" }],
        },
        { workDir: out, signal: ac.signal, onProgress() {} },
      )
      .catch((x) => x);
    expect(err.code).toBe("JOB_ABORTED");
    expect(readdirSync(out)).toEqual([]);
    await e.close();
  });

  test("the runner's limits hold for wasm too: the segment is probed first, and the job has a wall-clock limit", async () => {
    const wasm = await locateFfmpeg({ sources: ["wasm"] });
    if (wasm?.kind !== "wasm") throw new Error("the @ffmpeg/core build is a dependency and must be found");
    const profiles = [{ name: "a", width: 128, height: 72, bitrate: 1e5, fps: 15, codec: "h264" as const }];
    const short = join(tmp.dir, "out-short");
    mkdirSync(short);
    const tooLong = runLadderWasm(wasm, {
      input: clip,
      profiles,
      format: "mpegts",
      outDir: short,
      limits: runnerLimits({ maxSegmentSec: 0.5 }),
    });
    expect(await tooLong.catch((x) => x.code)).toBe("MEDIA_TOO_LARGE");
    expect(readdirSync(short)).toEqual([]);
    const slow = join(tmp.dir, "out-slow");
    mkdirSync(slow);
    // Loading the core alone takes far longer than 1 ms: the worker is terminated at the limit.
    const timedOut = runLadderWasm(wasm, {
      input: clip,
      profiles,
      format: "mpegts",
      outDir: slow,
      limits: runnerLimits({ jobTimeoutMs: 1 }),
    });
    expect(await timedOut.catch((x) => x.code)).toBe("JOB_LIMIT_EXCEEDED");
    expect(readdirSync(slow)).toEqual([]);
  });

  test("the job's memory cap holds for wasm too: the core's memory may not grow past RUNNER_JOB_MEMORY_BYTES", async () => {
    const wasm = await locateFfmpeg({ sources: ["wasm"] });
    if (wasm?.kind !== "wasm") throw new Error("the @ffmpeg/core build is a dependency and must be found");
    // A 720p ladder grows the core from its initial 32 MiB to 115 MiB (measured); 48 MiB is refused
    // when the core asks for more, and the worker is terminated.
    const hd = await makeClip(tmp.dir, { seconds: 1, width: 1280, height: 720, fps: 15, name: "hd.ts" });
    const out = join(tmp.dir, "out-mem");
    mkdirSync(out);
    const cap = 48 * 1024 ** 2;
    const err = await runLadderWasm(wasm, {
      input: hd,
      profiles: [{ name: "hd", width: 1280, height: 720, bitrate: 1e6, fps: 15, codec: "h264" }],
      format: "mpegts",
      outDir: out,
      limits: runnerLimits({ jobMemoryBytes: cap }),
    }).catch((x) => x);
    expect(err.code).toBe("JOB_LIMIT_EXCEEDED");
    expect(err.details.memoryBytes).toBe(cap);
    expect(err.details.requestedBytes).toBeGreaterThan(cap);
    expect(readdirSync(out)).toEqual([]);
    // Below the build's initial memory, the core is refused before any command runs.
    const tiny = await runLadderWasm(wasm, {
      input: clip,
      profiles: [{ name: "a", width: 128, height: 72, bitrate: 1e5, fps: 15, codec: "h264" }],
      format: "mpegts",
      outDir: out,
      limits: runnerLimits({ jobMemoryBytes: 16 * 1024 ** 2 }),
    }).catch((x) => x);
    expect([tiny.code, tiny.details.memoryBytes]).toEqual(["JOB_LIMIT_EXCEEDED", 16 * 1024 ** 2]);
  });
});
