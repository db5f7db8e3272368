import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTool } from "./ffmpeg-tools.ts";

// Test media generated with the FFmpeg the runner would find. Every clip is bounded with -t or -frames:v.

/** A fresh temp directory and a function that removes it. */
export function tempDir(prefix = "runner-test-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function ffmpeg(args: string[]): Promise<void> {
  const r = await runTool("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
  if (r.exitCode !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed (${r.exitCode}): ${r.stderr}`);
}

/** A testsrc clip (with a sine tone unless audio is false) as MPEG-TS or MP4. */
export async function makeClip(
  dir: string,
  o: { name?: string; width?: number; height?: number; fps?: number; seconds?: number; audio?: boolean } = {},
): Promise<string> {
  const { width = 320, height = 240, fps = 30, seconds = 1, audio = true } = o;
  const name = o.name ?? "clip.ts";
  const path = join(dir, name);
  const args = ["-f", "lavfi", "-i", `testsrc=size=${width}x${height}:rate=${fps}`];
  if (audio) args.push("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000");
  args.push("-t", `${seconds}`, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
  if (audio) args.push("-c:a", "aac", "-shortest");
  args.push(path);
  await ffmpeg(args);
  return path;
}

/** A solid-colour image (PNG by default; any extension FFmpeg can write). */
export async function makeSolidImage(
  dir: string,
  name: string,
  color: string,
  width = 16,
  height = 16,
): Promise<string> {
  const path = join(dir, name);
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `color=c=${color}:size=${width}x${height}`,
    "-frames:v",
    "1",
    "-pix_fmt",
    name.endsWith(".png") ? "rgb24" : "yuvj444p",
    path,
  ]);
  return path;
}

/** Audio from an FFmpeg lavfi expression, 16 kHz mono WAV. */
export async function makeAudio(dir: string, name: string, lavfi: string, seconds: number): Promise<string> {
  const path = join(dir, name);
  await ffmpeg(["-f", "lavfi", "-i", lavfi, "-t", `${seconds}`, "-ac", "1", "-ar", "16000", path]);
  return path;
}

export interface Probed {
  width: number;
  height: number;
  durationSec: number;
  codec: string;
  hasAudio: boolean;
  formatName: string;
}

/** ffprobe, independently of the runner's own probe code. */
export async function ffprobe(path: string): Promise<Probed> {
  const r = await runTool("ffprobe", [
    "-v",
    "error",
    "-print_format",
    "json",
    "-show_streams",
    "-show_format",
    path,
  ]);
  if (r.exitCode !== 0) throw new Error(`ffprobe ${path} failed (${r.exitCode}): ${r.stderr}`);
  const j = JSON.parse(r.stdout) as {
    streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
    format: { duration: string; format_name: string };
  };
  const v = j.streams.find((s) => s.codec_type === "video");
  return {
    width: v?.width ?? 0,
    height: v?.height ?? 0,
    durationSec: Number(j.format.duration),
    codec: v?.codec_name ?? "",
    hasAudio: j.streams.some((s) => s.codec_type === "audio"),
    formatName: j.format.format_name,
  };
}

/** Whether a process id is still alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** 16-bit PCM mono WAV bytes. */
export function wavBytes(samples: Float32Array, sampleRate = 16000): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(samples.length * 2, 40);
  samples.forEach((s, i) => {
    b.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32767), 44 + i * 2);
  });
  return b;
}

const VOWEL_FORMANTS = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
  [530, 1840, 2480],
  [570, 840, 2410],
] as const;

/**
 * Voice-like audio by a source-filter model: a harmonic "glottal" source whose pitch wanders around
 * 120 Hz, shaped by vowel formants that change every 250 ms (four syllables a second), with a
 * syllable envelope. Silent outside [from, to). Not speech, but the acoustic structure VAD keys on.
 */
export function synthVowels(seconds: number, from: number, to: number, sampleRate = 16000): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    if (t < from || t >= to) continue;
    const st = t - from;
    const formants = VOWEL_FORMANTS[Math.floor(st / 0.25) % VOWEL_FORMANTS.length]!;
    const f0 = 120 + 20 * Math.sin(2 * Math.PI * 0.7 * st) + 8 * Math.sin(2 * Math.PI * 5 * st);
    phase += f0 / sampleRate;
    const envelope = Math.sin(Math.PI * ((st % 0.25) / 0.25)) ** 0.6;
    let s = 0;
    for (let k = 1; k * f0 < 4000; k++) {
      let gain = 0;
      formants.forEach((F, j) => {
        gain += 1 / (j + 1) / (1 + ((k * f0 - F) / (80 + 40 * j)) ** 2);
      });
      s += (gain / Math.sqrt(k)) * Math.sin(2 * Math.PI * k * phase);
    }
    out[i] = 0.15 * envelope * s;
  }
  return out;
}
