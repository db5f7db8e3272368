import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LivepeerError } from "../../wire/errors.ts";
import type { NativeFfmpeg } from "../ffmpeg/locate.ts";
import { runProcess } from "../ffmpeg/process.ts";
import type { RunnerLimits } from "../limits.ts";
import type { RgbImage } from "./png.ts";

/**
 * RGB frames → an H.264 MP4 (yuv420p, faststart) at `fps`, through the runner's native FFmpeg: the
 * frames are written raw (rgb24) to the job's folder and read back by FFmpeg's rawvideo demuxer.
 */
export async function encodeMp4(
  frames: readonly RgbImage[],
  fps: number,
  ffmpeg: NativeFfmpeg | null,
  workDir: string,
  name: string,
  limits: RunnerLimits,
  signal?: AbortSignal,
): Promise<string> {
  if (!ffmpeg) throw new LivepeerError("FFMPEG_NOT_FOUND", "encoding a video needs a native FFmpeg");
  const { width, height } = frames[0]!;
  const raw = new Uint8Array(frames.length * width * height * 3);
  for (const [i, f] of frames.entries()) raw.set(f.data, i * width * height * 3);
  const rawPath = join(workDir, `${name}.rgb`);
  const out = join(workDir, `${name}.mp4`);
  await writeFile(rawPath, raw);
  const r = await runProcess(
    ffmpeg.ffmpegPath,
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "-s",
      `${width}x${height}`,
      "-r",
      `${fps}`,
      "-i",
      rawPath,
      "-c:v",
      "libx264",
      "-pix_fmt",
      "yuv420p",
      "-movflags",
      "+faststart",
      out,
    ],
    { signal, timeoutMs: limits.jobTimeoutMs, memoryBytes: limits.jobMemoryBytes },
  );
  if (r.exitCode !== 0) {
    throw new LivepeerError("TRANSCODE_FAILED", "FFmpeg could not encode the frames", {
      details: { stderrTail: r.stderrTail.trim() },
    });
  }
  return out;
}
