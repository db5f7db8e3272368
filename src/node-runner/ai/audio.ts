import { invalidMedia } from "../ffmpeg/errors.ts";
import type { NativeFfmpeg } from "../ffmpeg/locate.ts";
import { runProcess } from "../ffmpeg/process.ts";

/** Longest audio accepted, in seconds (decoded to float in memory). */
export const MAX_AUDIO_SEC = 600;

/** Decodes any audio FFmpeg reads to mono float32 PCM at `sampleRate` (16 kHz for VAD). */
export async function decodeAudio(
  path: string,
  ffmpeg: NativeFfmpeg | null,
  sampleRate = 16000,
  signal?: AbortSignal,
): Promise<Float32Array> {
  if (!ffmpeg) throw invalidMedia("audio decoding needs a native FFmpeg");
  const r = await runProcess(
    ffmpeg.ffmpegPath,
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-i",
      path,
      "-map",
      "0:a:0",
      "-t",
      `${MAX_AUDIO_SEC}`,
      "-ac",
      "1",
      "-ar",
      `${sampleRate}`,
      "-f",
      "f32le",
      "-",
    ],
    { collectStdout: true, signal },
  );
  if (r.exitCode !== 0)
    throw invalidMedia("input has no readable audio", { stderrTail: r.stderrTail.trim() });
  const buf = r.stdout;
  // Copy into an aligned buffer: a Node Buffer may sit at an odd offset in its pool.
  const aligned = new Uint8Array(buf.length - (buf.length % 4));
  aligned.set(buf.subarray(0, aligned.length));
  return new Float32Array(aligned.buffer);
}
