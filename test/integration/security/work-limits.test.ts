// Issue 9, breaks 5 and 6: work is bounded before it starts, and every FFmpeg process has a
// wall-clock timeout and a memory cap.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadImage } from "../../../src/node-runner/ai/image.ts";
import { imageHeaderSize } from "../../../src/node-runner/ai/image-header.ts";
import { runLadder } from "../../../src/node-runner/ffmpeg/ladder.ts";
import { locateFfmpeg, type NativeFfmpeg } from "../../../src/node-runner/ffmpeg/locate.ts";
import { runProcess } from "../../../src/node-runner/ffmpeg/process.ts";
import { runnerLimits } from "../../../src/node-runner/limits.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";
import { runTool } from "../../helpers/ffmpeg-tools.ts";
import { tempDir } from "../../helpers/media.ts";

let tmp: ReturnType<typeof tempDir>;
let ff: NativeFfmpeg;
let gapClip: string;

/** A PNG signature and an IHDR chunk declaring width × height, then a tiny IDAT and IEND. */
function pngHeader(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(8 + 25 + 12 + 12);
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 2, 0, 0, 0], 24);
  b.writeUInt32BE(0, 33);
  b.write("IDAT", 37, "latin1");
  b.writeUInt32BE(0, 45);
  b.write("IEND", 49, "latin1");
  return new Uint8Array(b);
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (err) {
    return err instanceof LivepeerError ? err.code : String(err);
  }
}

beforeAll(async () => {
  tmp = tempDir("work-limits-");
  const found = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
  if (found?.kind !== "native") throw new Error("no native FFmpeg (system or @ffmpeg-installer)");
  ff = found;
  // Two frames ten hours apart: the fps filter would fill the gap with ~1M frames.
  gapClip = join(tmp.dir, "gap.mp4");
  const made = await runTool("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    "color=c=blue:s=64x64:r=1",
    "-frames:v",
    "2",
    "-vf",
    "setpts=N*36000/TB",
    "-vsync",
    "0",
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    gapClip,
  ]);
  if (made.exitCode !== 0) throw new Error(`could not make the gap clip: ${made.stderr}`);
});
afterAll(() => tmp.cleanup());

describe("images are checked by their header before any decode", () => {
  test("a PNG declaring 20000×20000 is refused with MEDIA_TOO_LARGE, without inflating it", async () => {
    const path = join(tmp.dir, "bomb.png");
    writeFileSync(path, pngHeader(20000, 20000));
    expect(imageHeaderSize(pngHeader(20000, 20000))).toEqual({ width: 20000, height: 20000 });
    expect(await code(loadImage(path, ff))).toBe("MEDIA_TOO_LARGE");
  });

  test("a JPEG whose SOF declares 30000×100 is refused by the dimension limit", async () => {
    // SOI, then SOF0: length 11, precision 8, height 100, width 30000, 1 component.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 100, 0x75, 0x30, 1, 1, 0x11, 0]);
    expect(imageHeaderSize(jpeg)).toEqual({ width: 30000, height: 100 });
    const path = join(tmp.dir, "wide.jpg");
    writeFileSync(path, jpeg);
    expect(await code(loadImage(path, ff))).toBe("MEDIA_TOO_LARGE");
  });

  test("the limits are configurable: a small image passes the header check under the defaults only", async () => {
    const path = join(tmp.dir, "small.png");
    writeFileSync(path, pngHeader(64, 64));
    expect(await code(loadImage(path, ff, runnerLimits({ maxImageDim: 32 })))).toBe("MEDIA_TOO_LARGE");
    // Under the defaults it gets past the header to the decoder, which finds no pixel data.
    expect(await code(loadImage(path, ff))).not.toBe("MEDIA_TOO_LARGE");
  });
});

describe("segments are probed before FFmpeg runs", () => {
  test("a 2-frame MP4 with frames ten hours apart is refused with MEDIA_TOO_LARGE", async () => {
    const outDir = join(tmp.dir, "out-probe");
    mkdirSync(outDir);
    const r = runLadder(ff, {
      input: gapClip,
      profiles: [PRESETS.P144p30fps16x9!],
      format: "mpegts",
      outDir,
    });
    expect(await code(r)).toBe("MEDIA_TOO_LARGE");
  });

  test("past the probe, the same clip is stopped by the job's caps (JOB_LIMIT_EXCEEDED)", async () => {
    const outDir = join(tmp.dir, "out-capped");
    mkdirSync(outDir);
    const limits = runnerLimits({ maxSegmentSec: 1e9, jobTimeoutMs: 3000, jobMemoryBytes: 1024 ** 3 });
    const r = runLadder(ff, {
      input: gapClip,
      profiles: [PRESETS.P720p30fps16x9!],
      format: "mpegts",
      outDir,
      limits,
    });
    expect(await code(r)).toBe("JOB_LIMIT_EXCEEDED");
  });
});

describe("every FFmpeg process is capped", () => {
  test("a process that never ends is killed at its wall-clock limit", async () => {
    const args = ["-hide_banner", "-f", "lavfi", "-i", "nullsrc=s=16x16", "-f", "null", "-"];
    expect(await code(runProcess(ff.ffmpegPath, args, { timeoutMs: 300 }))).toBe("JOB_LIMIT_EXCEEDED");
  });

  test("a process that needs more memory than its cap fails with JOB_LIMIT_EXCEEDED", async () => {
    const args = [
      "-hide_banner",
      "-f",
      "lavfi",
      "-i",
      "nullsrc=s=16x16",
      "-frames:v",
      "1",
      "-f",
      "null",
      "-",
    ];
    const capped = runProcess(ff.ffmpegPath, args, { memoryBytes: 8 * 1024 ** 2, timeoutMs: 20_000 });
    expect(await code(capped)).toBe("JOB_LIMIT_EXCEEDED");
    // The same command runs to completion under the default cap.
    const r = await runProcess(ff.ffmpegPath, args, { memoryBytes: runnerLimits().jobMemoryBytes });
    expect(r.exitCode).toBe(0);
  });
});
