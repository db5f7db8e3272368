import { spawn } from "node:child_process";
import { locateFfmpeg, type NativeFfmpeg } from "../../src/node-runner/ffmpeg/locate.ts";
import { childEnv } from "../../src/node-runner/ffmpeg/process.ts";

/** The native FFmpeg and ffprobe the tests use to make and check media. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  source: NativeFfmpeg["source"];
  /** The environment to run them in (childEnv: the packaged builds need GCONV_PATH set). */
  env: Record<string, string | undefined>;
}

/**
 * Finds FFmpeg and ffprobe exactly as the runner does: the system's first, then the static builds
 * shipped in @ffmpeg-installer / @ffprobe-installer. The answer is the same for the whole run, so
 * it is located once.
 */
export function ffmpegTools(): Promise<FfmpegTools> {
  located ??= locate();
  return located;
}

let located: Promise<FfmpegTools> | undefined;

async function locate(): Promise<FfmpegTools> {
  const found = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
  if (found?.kind !== "native") throw new Error("no native FFmpeg: neither on PATH nor @ffmpeg-installer");
  if (!found.ffprobePath)
    throw new Error(`no ffprobe beside ${found.ffmpegPath}, on PATH, or in @ffprobe-installer`);
  return {
    ffmpeg: found.ffmpegPath,
    ffprobe: found.ffprobePath,
    source: found.source,
    env: { ...childEnv(found.ffmpegPath), ...childEnv(found.ffprobePath) },
  };
}

/** Runs the located ffmpeg or ffprobe to completion; stdout and stderr come back whole. */
export async function runTool(
  tool: "ffmpeg" | "ffprobe",
  args: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const t = await ffmpegTools();
  // node:child_process, so the benches that make clips with it also run under Node.
  const p = spawn(t[tool], args, { env: t.env, stdio: ["ignore", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  p.stdout.on("data", (c: Buffer) => out.push(c));
  p.stderr.on("data", (c: Buffer) => err.push(c));
  const exitCode = await new Promise<number>((resolve, reject) => {
    p.once("error", reject);
    p.once("close", (code) => resolve(code ?? -1));
  });
  return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
