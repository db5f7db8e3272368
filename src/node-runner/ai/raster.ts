import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LivepeerError } from "../../wire/errors.ts";
import type { OutputFile } from "../executor.ts";
import { loadSharp } from "./image-codec.ts";
import type { RgbImage } from "./png.ts";

/** 8-bit pixels, row-major, interleaved; `channels` is 1 (grey), 3 (RGB) or 4 (RGBA). */
export interface Raster {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** A decoded input image as a raster (RGB). */
export function rasterOf(img: RgbImage): Raster {
  return { width: img.width, height: img.height, channels: 3, data: img.data };
}

/** sharp, which these rasters need (resizing and PNG of one, three or four bands). */
async function needSharp(): Promise<NonNullable<Awaited<ReturnType<typeof loadSharp>>>> {
  const sharp = await loadSharp();
  if (!sharp) {
    throw new LivepeerError("ENGINE_UNAVAILABLE", "sharp (libvips) does not load on this runtime", {
      details: { needs: "sharp" },
    });
  }
  return sharp;
}

const rawInput = (r: Raster) => ({
  raw: { width: r.width, height: r.height, channels: r.channels },
});

/** Bilinear resize to exactly width×height (aspect not kept), same channel count out. */
export async function resizeRaster(r: Raster, width: number, height: number): Promise<Raster> {
  if (r.width === width && r.height === height) return r;
  const sharp = await needSharp();
  let pipe = sharp(r.data, rawInput(r)).resize(width, height, { fit: "fill", kernel: "linear" });
  // libvips turns a one-band raw image into sRGB on the way out; keep it one band.
  if (r.channels === 1) pipe = pipe.extractChannel(0);
  const { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
  return { width, height, channels: info.channels as Raster["channels"], data: new Uint8Array(data) };
}

/** PNG bytes of a raster (grey, RGB or RGBA, 8-bit). */
export async function encodeRasterPng(r: Raster): Promise<Uint8Array> {
  const sharp = await needSharp();
  let pipe = sharp(r.data, rawInput(r));
  if (r.channels === 1) pipe = pipe.toColourspace("b-w");
  return new Uint8Array(await pipe.png({ compressionLevel: 6 }).toBuffer());
}

/** Writes a raster as `<name>.png` into the job's work directory. */
export async function writeRasterPng(workDir: string, name: string, r: Raster): Promise<OutputFile> {
  const path = join(workDir, `${name}.png`);
  await writeFile(path, await encodeRasterPng(r));
  return { name, path, contentType: "image/png", width: r.width, height: r.height };
}

/** RGB plus a one-band alpha → RGBA (the cut-out: the colours kept, the mask as opacity). */
export function withAlpha(rgb: Raster, alpha: Raster): Raster {
  if (
    rgb.channels !== 3 ||
    alpha.channels !== 1 ||
    rgb.width !== alpha.width ||
    rgb.height !== alpha.height
  ) {
    throw new RangeError("withAlpha needs RGB and a one-band mask of the same size");
  }
  const n = rgb.width * rgb.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = rgb.data[i * 3]!;
    out[i * 4 + 1] = rgb.data[i * 3 + 1]!;
    out[i * 4 + 2] = rgb.data[i * 3 + 2]!;
    out[i * 4 + 3] = alpha.data[i]!;
  }
  return { width: rgb.width, height: rgb.height, channels: 4, data: out };
}
