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
  const p = Bun.spawn([t[tool], ...args], { env: t.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { exitCode, stdout, stderr };
}
