import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runTool } from "./ffmpeg-tools.ts";

// Images of text drawn by FFmpeg's drawtext (FreeType) with a font installed on the machine, for
// the OCR tests. Nothing is downloaded: where there is no font or no drawtext, the tests say so.

const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
];

/** A sans-serif TrueType font on this machine, or null. */
export function findFont(): string | null {
  return FONT_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Why text images cannot be drawn here, or null when they can. */
export async function textImageUnavailable(): Promise<string | null> {
  if (!findFont()) return `no TrueType font at ${FONT_CANDIDATES[0]} or the other usual places`;
  const r = await runTool("ffmpeg", ["-hide_banner", "-filters"]);
  if (!/\bdrawtext\b/.test(r.stdout)) return "this FFmpeg has no drawtext filter (built without FreeType)";
  return null;
}

/**
 * Draws `lines` in black on white, one under the other, at `fontSize` px from (x, y); writes a
 * PNG. The text goes through a file so that no character needs filtergraph escaping.
 */
export async function drawTextImage(
  dir: string,
  name: string,
  lines: readonly string[],
  o: { width?: number; height?: number; fontSize?: number; x?: number; y?: number } = {},
): Promise<string> {
  // 24 px: both the distribution's FFmpeg and the static build in @ffmpeg-installer render glyphs
  // PP-OCRv4 reads exactly; at 30-40 px the static build's rendering reads "OCR" as "OcR".
  const { width = 640, height = 120, fontSize = 24, x = 20, y = 40 } = o;
  const font = findFont();
  if (!font) throw new Error("no font: check textImageUnavailable() first");
  const filters = lines.map((line, i) => {
    const file = join(dir, `${name}.line${i}.txt`);
    writeFileSync(file, line);
    return `drawtext=fontfile=${font}:textfile=${file}:fontsize=${fontSize}:fontcolor=black:x=${x}:y=${y + i * Math.round(fontSize * 2.2)}`;
  });
  const out = join(dir, name);
  const r = await runTool("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `color=c=white:s=${width}x${height}`,
    "-vf",
    filters.length ? filters.join(",") : "null",
    "-frames:v",
    "1",
    out,
  ]);
  if (r.exitCode !== 0) throw new Error(`ffmpeg drawtext failed: ${r.stderr}`);
  return out;
}
