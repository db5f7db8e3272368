import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FSWatcher, mkdirSync, readdirSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { probeVideo } from "../../../src/node-runner/ffmpeg/ffprobe.ts";
import { runLadder, transcodeRenditionsSeparately } from "../../../src/node-runner/ffmpeg/ladder.ts";
import { locateFfmpeg, type NativeFfmpeg } from "../../../src/node-runner/ffmpeg/locate.ts";
import { probeFfmpeg } from "../../../src/node-runner/ffmpeg/probe.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";
import type { VideoProfile } from "../../../src/wire/jobs.ts";
import { alive, ffprobe, makeAudio, makeClip, tempDir } from "../../helpers/media.ts";

const LADDER: VideoProfile[] = [PRESETS.P144p30fps16x9!, PRESETS.P240p30fps16x9!, PRESETS.P360p30fps16x9!];

let tmp: ReturnType<typeof tempDir>;
let ff: NativeFfmpeg;
let encoders: Set<string>;
let clip: string;
let n = 0;
const outDir = () => {
  const d = join(tmp.dir, `out-${n++}`);
  mkdirSync(d);
  return d;
};

beforeAll(async () => {
  tmp = tempDir();
  // The FFmpeg the runner would pick: the system's, else the packaged static build.
  const found = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
  if (found?.kind !== "native") throw new Error("no native FFmpeg (system or @ffmpeg-installer)");
  ff = found;
  encoders = new Set((await probeFfmpeg(ff)).encoders);
  clip = await makeClip(tmp.dir, { seconds: 1, width: 320, height: 240 });
});
afterAll(() => tmp.cleanup());

describe("one-process ladder (native FFmpeg)", () => {
  test("a probe carried by the job is used instead of probing again (no ffprobe runs)", async () => {
    const probe = await probeVideo(clip, ff);
    // ffprobe is missing here: had the ladder probed, it would have failed (as the second run does).
    const noProbe: NativeFfmpeg = { ...ff, ffprobePath: join(tmp.dir, "no-ffprobe") };
    const r = await runLadder(noProbe, {
      input: clip,
      profiles: LADDER.slice(0, 1),
      format: "mpegts",
      outDir: outDir(),
      encoders,
      probe,
    });
    expect(r.input).toEqual(probe);
    expect(r.outputs).toHaveLength(1);
    expect((await ffprobe(r.outputs[0]!.path)).width).toBe(LADDER[0]!.width);
    await expect(
      runLadder(noProbe, {
        input: clip,
        profiles: LADDER.slice(0, 1),
        format: "mpegts",
        outDir: outDir(),
        encoders,
      }),
    ).rejects.toThrow();
  });

  test("3 renditions as MPEG-TS: ffprobe confirms size, duration and codec; progress reaches 1", async () => {
    const progress: number[] = [];
    const r = await runLadder(ff, {
      input: clip,
      profiles: LADDER,
      format: "mpegts",
      outDir: outDir(),
      encoders,
      verifyOutputs: true,
      onProgress: (f) => progress.push(f),
    });
    expect(r.engine).toBe("ffmpeg-native");
    expect(r.outputs.map((o) => o.name)).toEqual(LADDER.map((p) => p.name));
    for (const [i, o] of r.outputs.entries()) {
      const p = await ffprobe(o.path);
      expect(p.formatName).toBe("mpegts");
      expect(p.codec).toBe("h264");
      expect([p.width, p.height]).toEqual([LADDER[i]!.width, LADDER[i]!.height]);
      expect(Math.abs(p.durationSec - 1)).toBeLessThan(0.15);
      expect(p.hasAudio).toBe(true);
      expect(o.contentType).toBe("video/mp2t");
      expect([o.width, o.height]).toEqual([p.width, p.height]);
    }
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    // Σ w·h·fps over the renditions × the input's duration in whole ms (rounded up), rounded up.
    expect(Math.abs(r.input.durationSec - 1)).toBeLessThan(0.1);
    const perSecond = LADDER.reduce((a, p) => a + BigInt(p.width * p.height * p.fps), 0n);
    const expected = (perSecond * BigInt(Math.ceil(r.input.durationSec * 1000)) + 999n) / 1000n;
    expect(r.units).toBe(expected);
  });

  test("MP4 output when asked", async () => {
    const r = await runLadder(ff, {
      input: clip,
      profiles: LADDER.slice(0, 2),
      format: "mp4",
      outDir: outDir(),
      encoders,
    });
    for (const o of r.outputs) {
      const p = await ffprobe(o.path);
      expect(p.formatName).toContain("mp4");
      expect(o.path.endsWith(".mp4")).toBe(true);
      expect(o.contentType).toBe("video/mp4");
      expect([p.width, p.height]).toEqual([o.width!, o.height!]);
    }
  });

  test("custom profiles: h265 and vp9 (WebM), with their own fps", async () => {
    const profiles: VideoProfile[] = [
      { name: "hevc-200", width: 200, height: 150, bitrate: 300_000, fps: 15, codec: "h265" },
      { name: "vp9-160", width: 160, height: 120, bitrate: 200_000, fps: 10, codec: "vp9" },
    ];
    const r = await runLadder(ff, { input: clip, profiles, format: "mpegts", outDir: outDir(), encoders });
    const [hevc, vp9] = await Promise.all(r.outputs.map((o) => ffprobe(o.path)));
    expect(hevc!.codec).toBe("hevc");
    expect([hevc!.width, hevc!.height]).toEqual([200, 150]);
    expect(vp9!.codec).toBe("vp9");
    expect(vp9!.formatName).toContain("webm");
    expect(r.outputs[1]!.contentType).toBe("video/webm");
  });

  test("a segment that is not video → INVALID_MEDIA, no process output left behind", async () => {
    const wav = await makeAudio(tmp.dir, "tone.wav", "sine=frequency=300", 0.5);
    const junk = join(tmp.dir, "junk.ts");
    writeFileSync(junk, "this is not an MPEG-TS segment");
    for (const input of [wav, junk]) {
      const dir = outDir();
      const err = await runLadder(ff, { input, profiles: LADDER, format: "mpegts", outDir: dir }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(LivepeerError);
      expect(err.code).toBe("INVALID_MEDIA");
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  test("a failing encode → TRANSCODE_FAILED with the exit code and the stderr tail", async () => {
    const err = await runLadder(ff, {
      input: clip,
      profiles: LADDER,
      format: "mpegts",
      outDir: join(tmp.dir, "no", "such", "dir"),
      encoders,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(LivepeerError);
    expect(err.code).toBe("TRANSCODE_FAILED");
    expect(err.details.exitCode).not.toBe(0);
    expect(typeof err.details.exitCode).toBe("number");
    expect(err.details.stderrTail).toContain("No such file or directory");
  });

  test("abort kills the FFmpeg process and removes partial outputs", async () => {
    const long = await makeClip(tmp.dir, {
      name: "long.ts",
      seconds: 4,
      width: 640,
      height: 360,
      audio: false,
    });
    const ac = new AbortController();
    let pid = 0;
    let watcher: FSWatcher | undefined;
    const dir = outDir();
    const err = await runLadder(ff, {
      input: long,
      profiles: [PRESETS.P720p30fps16x9!, ...LADDER],
      format: "mpegts",
      outDir: dir,
      encoders,
      signal: ac.signal,
      // Aborted once FFmpeg has opened its outputs: mid-run, with partial files to remove.
      onSpawn: (p) => {
        pid = p;
        watcher = watch(dir, () => ac.abort());
      },
    })
      .catch((e) => e)
      .finally(() => watcher?.close());
    expect(err).toBeInstanceOf(LivepeerError);
    expect(err.code).toBe("JOB_ABORTED");
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("an encoder this FFmpeg lacks → UNSUPPORTED_CODEC before anything runs", async () => {
    const err = await runLadder(ff, {
      input: clip,
      profiles: LADDER,
      format: "mpegts",
      outDir: outDir(),
      encoders: new Set(["libvpx"]),
    }).catch((e) => e);
    expect(err.code).toBe("UNSUPPORTED_CODEC");
  });

  test("the per-rendition baseline writes the same renditions", async () => {
    const planned = await transcodeRenditionsSeparately(ff, {
      input: clip,
      profiles: LADDER,
      format: "mpegts",
      outDir: outDir(),
      encoders,
    });
    for (const o of planned) {
      const p = await ffprobe(o.path);
      expect([p.width, p.height]).toEqual([o.profile.width, o.profile.height]);
    }
  });
});

describe("the packaged static FFmpeg (@ffmpeg-installer + @ffprobe-installer)", () => {
  test("is found, runs the same ladder, and says which one ran", async () => {
    const inst = await locateFfmpeg({ sources: ["ffmpeg-installer"] });
    expect(inst?.kind).toBe("native");
    if (inst?.kind !== "native") return;
    expect(inst.source).toBe("ffmpeg-installer");
    expect(inst.ffprobePath).toContain("@ffprobe-installer");
    expect(inst.ffmpegPath).toContain("@ffmpeg-installer");
    const probe = await probeFfmpeg(inst);
    expect(probe.encoders).toContain("libx264");
    const r = await runLadder(inst, {
      input: clip,
      profiles: [PRESETS.P144p30fps16x9!],
      format: "mpegts",
      outDir: outDir(),
      encoders: new Set(probe.encoders),
    });
    const p = await ffprobe(r.outputs[0]!.path);
    expect([p.width, p.height]).toEqual([256, 144]);
  });
});
