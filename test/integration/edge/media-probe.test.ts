import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { containerMediaProbe } from "../../../src/edge/media/container-probe.ts";
import { aiRequestUnits, probeSegment } from "../../../src/edge/services/consumer/inputs.ts";
import { ffprobeMediaProbe } from "../../../src/node-runner/ffmpeg/media-probe.ts";
import { DEFAULT_MEDIA_LIMITS } from "../../../src/wire/media.ts";
import { pipelineSpec } from "../../../src/wire/pipelines.ts";
import { pngHeaderBytes } from "../../helpers/jobs.ts";
import { makeAudio, makeClip } from "../../helpers/media.ts";

// The spawn-free probe (Workers) against ffprobe on the same real files, made by real FFmpeg.

let dir: string;
const files: Record<string, Uint8Array> = {};

async function keep(path: string): Promise<void> {
  files[basename(path)] = new Uint8Array(readFileSync(path));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lp-media-probe-"));
  for (const name of ["clip.ts", "clip.mp4"]) {
    await keep(await makeClip(dir, { name, width: 160, height: 90, seconds: 2 }));
  }
  await keep(await makeAudio(dir, "tone.wav", "sine=frequency=440:sample_rate=16000", 1.5));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("container-header media probe", () => {
  const header = containerMediaProbe();
  const ffprobe = ffprobeMediaProbe();

  for (const name of ["clip.ts", "clip.mp4"]) {
    test(`${name}: streams and duration agree with ffprobe`, async () => {
      const [h, f] = [await header.probe(files[name]!), await ffprobe.probe(files[name]!)];
      expect([h.hasVideo, h.hasAudio]).toEqual([true, true]);
      expect([f.hasVideo, f.hasAudio]).toEqual([true, true]);
      // Billing multiplies the duration: within a frame of what ffprobe reads.
      expect(Math.abs(h.durationSec - f.durationSec)).toBeLessThan(1 / 30 + 0.001);
      expect(h.durationSec).toBeGreaterThan(1.9);
    });
  }

  test("MPEG-TS: codec and frame rate from the PMT and PTS", async () => {
    const h = await header.probe(files["clip.ts"]!);
    expect([h.codec, Math.round(h.fps)]).toEqual(["h264", 30]);
  });

  test("MP4: the video track's size from tkhd", async () => {
    const h = await header.probe(files["clip.mp4"]!);
    expect([h.width, h.height]).toEqual([160, 90]);
  });

  test("WAV: audio duration from the fmt and data chunks", async () => {
    const [h, f] = [await header.probe(files["tone.wav"]!), await ffprobe.probe(files["tone.wav"]!)];
    expect([h.hasAudio, h.hasVideo, h.sampleRate]).toEqual([true, false, 16000]);
    expect(h.durationSec).toBeCloseTo(f.durationSec, 3);
  });

  test("MPEG-TS sync bytes with garbage inside are refused by both probes", async () => {
    const fake = new Uint8Array(188 * 20).fill(0xff);
    for (let i = 0; i < fake.length; i += 188) fake[i] = 0x47;
    for (const probe of [header, ffprobe]) {
      await expect(probeSegment(probe, fake, DEFAULT_MEDIA_LIMITS)).rejects.toMatchObject({
        code: "NOT_VIDEO",
      });
    }
  });

  test("a truncated MP4 and an unknown container are refused with a reason", async () => {
    await expect(header.probe(files["clip.mp4"]!.subarray(0, 40))).rejects.toThrow(/moov/);
    await expect(header.probe(new TextEncoder().encode("plain text, not media"))).rejects.toThrow(
      /MPEG-TS, MP4 and WAV/,
    );
  });

  test("probeSegment answers the same duration through either probe", async () => {
    const [h, f] = [
      await probeSegment(header, files["clip.ts"]!, DEFAULT_MEDIA_LIMITS),
      await probeSegment(ffprobe, files["clip.ts"]!, DEFAULT_MEDIA_LIMITS),
    ];
    expect(Math.abs(h.durationSec - f.durationSec)).toBeLessThan(1 / 30 + 0.001);
  });

  test("a segment longer than the limit, or above the pixel rate, is MEDIA_TOO_LARGE through either probe", async () => {
    const clip = files["clip.ts"]!;
    for (const probe of [header, ffprobe]) {
      const info = await probeSegment(probe, clip, DEFAULT_MEDIA_LIMITS);
      const shorter = { ...DEFAULT_MEDIA_LIMITS, maxSegmentSec: info.durationSec / 2 };
      await expect(probeSegment(probe, clip, shorter)).rejects.toMatchObject({ code: "MEDIA_TOO_LARGE" });
      const slower = { ...DEFAULT_MEDIA_LIMITS, maxPixelsPerSec: info.width * info.height * info.fps - 1 };
      await expect(probeSegment(probe, clip, slower)).rejects.toMatchObject({ code: "MEDIA_TOO_LARGE" });
    }
  });

  test("an image request is sized from the header and refused above the image limits", async () => {
    const upscale = pipelineSpec("upscale")!;
    const ok = await aiRequestUnits(header, upscale, pngHeaderBytes(64, 64), {}, DEFAULT_MEDIA_LIMITS);
    expect(ok.units).toBeGreaterThan(0n);
    for (const [w, h] of [
      [20_000, 1],
      [4097, 4097],
    ] as const) {
      await expect(
        aiRequestUnits(header, upscale, pngHeaderBytes(w, h), {}, DEFAULT_MEDIA_LIMITS),
      ).rejects.toMatchObject({ code: "MEDIA_TOO_LARGE" });
    }
  });
});
