import { readFile } from "node:fs/promises";
import { invalidMedia } from "../ffmpeg/errors.ts";
import type { NativeFfmpeg } from "../ffmpeg/locate.ts";
import { runProcess } from "../ffmpeg/process.ts";
import { DEFAULT_RUNNER_LIMITS, type RunnerLimits } from "../limits.ts";
import { CorruptImageError, type ImageCodec, imageCodec } from "./image-codec.ts";
import { checkImageHeader, checkImageSize } from "./image-header.ts";
import type { RgbImage } from "./png.ts";

export type { RgbImage } from "./png.ts";

/** The demuxers FFmpeg may pick for an image input (by extension: image2; by content: the pipes). */
const IMAGE_DEMUXERS = "image2,png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,gif,tiff_pipe";

/**
 * Decodes an image file to RGB. The header's declared size is checked against the limits first
 * (MEDIA_TOO_LARGE), so a decompression bomb is never inflated. The codec (sharp, else the portable
 * PNG coder) decodes in-process (no child process per request); what it cannot read — BMP, or
 * anything but 8-bit PNG on the portable path — is converted to an 8-bit RGB PNG by FFmpeg first,
 * under the job's time and memory caps. Unreadable input → INVALID_MEDIA.
 */
export async function loadImage(
  path: string,
  ffmpeg: NativeFfmpeg | null,
  limits: RunnerLimits = DEFAULT_RUNNER_LIMITS,
  codec?: ImageCodec,
): Promise<RgbImage> {
  const bytes = new Uint8Array(await readFile(path));
  checkImageHeader(bytes, limits);
  const images = codec ?? (await imageCodec());
  let img = await decodeOrRefuse(images, bytes, limits);
  if (!img) {
    if (!ffmpeg) throw invalidMedia("this image format needs FFmpeg, which this runner lacks");
    const r = await runProcess(
      ffmpeg.ffmpegPath,
      [
        "-hide_banner",
        "-loglevel",
        "error",
        // Image demuxers only: some builds otherwise read a text file as ANSI art (tty) and accept it.
        "-format_whitelist",
        IMAGE_DEMUXERS,
        "-i",
        path,
        "-frames:v",
        "1",
        "-pix_fmt",
        "rgb24",
        "-c:v",
        "png",
        "-f",
        "image2pipe",
        "-",
      ],
      { collectStdout: true, timeoutMs: limits.jobTimeoutMs, memoryBytes: limits.jobMemoryBytes },
    );
    if (r.exitCode !== 0 || r.stdout.length === 0) {
      throw invalidMedia("input is not a readable image", { stderrTail: r.stderrTail.trim() });
    }
    const png = new Uint8Array(r.stdout);
    checkImageHeader(png, limits);
    img = await decodeOrRefuse(images, png, limits);
    if (!img) throw invalidMedia("FFmpeg did not produce a readable PNG");
  }
  checkImageSize(img.width, img.height, limits);
  return img;
}

async function decodeOrRefuse(codec: ImageCodec, bytes: Uint8Array, limits: RunnerLimits) {
  try {
    return await codec.decode(bytes, limits);
  } catch (err) {
    if (err instanceof CorruptImageError) throw invalidMedia(err.message);
    throw err;
  }
}

/** An 8-bit RGB PNG of the pixels, through the codec (sharp where it loads). */
export async function encodeImagePng(img: RgbImage, codec?: ImageCodec): Promise<Uint8Array> {
  return (codec ?? (await imageCodec())).encodePng(img);
}

/** Bilinear resize (pixel centres aligned), for models with a fixed input size. */
export function resizeBilinear(img: RgbImage, width: number, height: number): RgbImage {
  if (img.width === width && img.height === height) return img;
  const out = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      // The four neighbours' offsets, then the same arithmetic per channel (no closure per value).
      const a = (y0 * img.width + x0) * 3;
      const b = (y0 * img.width + x1) * 3;
      const d = (y1 * img.width + x0) * 3;
      const e = (y1 * img.width + x1) * 3;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = img.data[a + c]! * (1 - wx) + img.data[b + c]! * wx;
        const bottom = img.data[d + c]! * (1 - wx) + img.data[e + c]! * wx;
        out[o + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, data: out };
}

export interface Normalize {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** Interleaved RGB bytes → planar NCHW float32 in 0..1, then (x − mean) / std per channel. */
export function toNchw(img: RgbImage, normalize?: Normalize): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(plane * 3);
  const src = img.data;
  // A byte maps to one value per channel: 3 × 256 table entries instead of a division per pixel
  // (the same float32 values as computing each).
  const table = new Float32Array(768);
  for (let c = 0; c < 3; c++) {
    const mean = normalize?.mean[c] ?? 0;
    const std = normalize?.std[c] ?? 1;
    for (let b = 0; b < 256; b++) table[c * 256 + b] = (b / 255 - mean) / std;
  }
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    out[i] = table[src[j]!]!;
    out[plane + i] = table[256 + src[j + 1]!]!;
    out[2 * plane + i] = table[512 + src[j + 2]!]!;
  }
  return out;
}

/** Planar NCHW float32 in 0..1 → interleaved RGB bytes, clamped and rounded. */
export function fromNchw(data: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  const r = data.subarray(0, plane);
  const g = data.subarray(plane, 2 * plane);
  const b = data.subarray(2 * plane, 3 * plane);
  // One pass over the three planes, rounding by truncating v·255 + 0.5 (the same bytes as
  // Math.round on this range, at half the time: the call was most of the loop's cost). NaN is
  // stored as 0.
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    const vr = r[i]!;
    const vg = g[i]!;
    const vb = b[i]!;
    out[j] = vr <= 0 ? 0 : vr >= 1 ? 255 : (vr * 255 + 0.5) | 0;
    out[j + 1] = vg <= 0 ? 0 : vg >= 1 ? 255 : (vg * 255 + 0.5) | 0;
    out[j + 2] = vb <= 0 ? 0 : vb >= 1 ? 255 : (vb * 255 + 0.5) | 0;
  }
  return { width, height, data: out };
}
