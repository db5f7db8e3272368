import { readFile } from "node:fs/promises";
import sharp, { type Metadata } from "sharp";
import { invalidMedia } from "../ffmpeg/errors.ts";
import { DEFAULT_RUNNER_LIMITS, type RunnerLimits } from "../limits.ts";
import { checkImageHeader, checkImageSize } from "./image-header.ts";
import type { RgbImage } from "./png.ts";

/**
 * Decodes an image with sharp (libvips: PNG, JPEG, WebP, GIF, TIFF, AVIF) to 8-bit RGB, turned
 * upright by its EXIF orientation and with transparency laid on white (text stays readable). The
 * declared size is checked against the limits before any pixel is decoded (MEDIA_TOO_LARGE);
 * unreadable input → INVALID_MEDIA.
 */
export async function loadImageSharp(
  path: string,
  limits: RunnerLimits = DEFAULT_RUNNER_LIMITS,
): Promise<RgbImage> {
  const bytes = await readFile(path);
  checkImageHeader(bytes, limits);
  const input = sharp(bytes, { limitInputPixels: limits.maxImagePixels, autoOrient: true });
  let meta: Metadata;
  try {
    meta = await input.metadata();
  } catch (err) {
    throw invalidMedia("input is not a readable image", { reason: String(err) });
  }
  checkImageSize(meta.width ?? 0, meta.height ?? 0, limits);
  try {
    const { data, info } = await input
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (err) {
    throw invalidMedia("input is not a readable image", { reason: String(err) });
  }
}
