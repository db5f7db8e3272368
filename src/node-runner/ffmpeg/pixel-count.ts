import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LivepeerError } from "../../wire/errors.ts";
import { locateFfmpeg } from "./locate.ts";
import { runProcess } from "./process.ts";

/** Counts the pixels of a video as a decoder sees them: Σ width × height over every decoded frame. */
export type PixelCounter = (bytes: Uint8Array) => Promise<bigint>;

/**
 * The ffprobe-backed pixel counter: decodes every frame of the first video stream. go-livepeer
 * gateways compare these counts with their own decode, so they must be exact, never estimated.
 */
export function ffprobePixelCounter(): PixelCounter {
  let tool: Promise<string | null> | undefined;
  const locate = () => {
    tool ??= locateFfmpeg({ sources: ["system", "ffmpeg-installer"] }).then((ff) =>
      ff?.kind === "native" ? ff.ffprobePath : null,
    );
    return tool;
  };
  return async (bytes) => {
    const ffprobe = await locate();
    if (!ffprobe) throw new LivepeerError("INTERNAL", "cannot count pixels: no ffprobe on this host");
    const dir = await mkdtemp(join(tmpdir(), "lp-pixels-"));
    try {
      const file = join(dir, "rendition");
      await writeFile(file, bytes);
      const r = await runProcess(
        ffprobe,
        [
          "-v",
          "error",
          "-select_streams",
          "v:0",
          "-show_entries",
          "frame=width,height",
          "-of",
          "csv=p=0",
          file,
        ],
        { collectStdout: true, timeoutMs: 60_000 },
      );
      if (r.exitCode !== 0) throw new LivepeerError("INTERNAL", `ffprobe failed: ${r.stderrTail.trim()}`);
      return sumFramePixels(r.stdout.toString("utf8"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

/** Σ w × h over ffprobe's `width,height` lines (one per decoded frame). */
export function sumFramePixels(csv: string): bigint {
  let total = 0n;
  for (const line of csv.split("\n")) {
    const m = /^(\d+),(\d+)/.exec(line.trim());
    if (m) total += BigInt(m[1]!) * BigInt(m[2]!);
  }
  return total;
}
