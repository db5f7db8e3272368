import type { Sharp, SharpOptions } from "sharp";
import { LivepeerError } from "../../wire/errors.ts";
import type { RunnerLimits } from "../limits.ts";
import { checkImageSize } from "./image-header.ts";
import { isPng, type RgbImage } from "./png.ts";
import { pngInWorker } from "./png-thread.ts";

/** The image formats decoded in-process (the ones FFmpeg's image demuxers also accept). */
export type ImageFormat = "png" | "jpeg" | "webp" | "gif" | "tiff";

/**
 * Image decoding and PNG encoding: sharp (libvips, prebuilt in its npm package) where the runtime
 * can load its native binding, else the small portable PNG coder (PNG only; other formats go
 * through FFmpeg).
 */
export interface ImageCodec {
  readonly name: "sharp" | "portable";
  /**
   * RGB pixels (alpha dropped), or null when this codec cannot read the format (the caller converts
   * with FFmpeg). Unreadable data of a known format → CorruptImageError.
   */
  decode(bytes: Uint8Array, limits: RunnerLimits): Promise<RgbImage | null>;
  /** An 8-bit RGB PNG of the pixels. */
  encodePng(img: RgbImage): Promise<Uint8Array>;
}

export class CorruptImageError extends Error {
  constructor(
    readonly format: ImageFormat,
    message: string,
  ) {
    super(message);
    this.name = "CorruptImageError";
  }
}

/** The format by its magic bytes, or null. */
export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  const at = (off: number, s: string) => [...s].every((c, i) => bytes[off + i] === c.charCodeAt(0));
  if (isPng(bytes)) return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (at(0, "RIFF") && at(8, "WEBP")) return "webp";
  if (at(0, "GIF8")) return "gif";
  if (at(0, "II*\0") || at(0, "MM\0*")) return "tiff";
  return null;
}

type SharpFn = (input: Uint8Array, options?: SharpOptions) => Sharp;

/** sharp's entry, or null where its native binding cannot load (the module loader caches either). */
export async function loadSharp(): Promise<SharpFn | null> {
  try {
    const sharp = (await import("sharp")).default;
    // libvips' operation cache only ever sees fresh buffers here: it would hold memory for nothing.
    sharp.cache(false);
    return sharp;
  } catch {
    return null;
  }
}

/** The small PNG coder, run in a worker thread per call (its inflate and loops are synchronous). */
export const PORTABLE_CODEC: ImageCodec = {
  name: "portable",
  async decode(bytes) {
    if (!isPng(bytes)) return null;
    const r = await pngInWorker({ op: "decode", bytes });
    if (r.ok) return "image" in r ? r.image : null;
    if (r.unsupported) return null;
    throw new CorruptImageError("png", "corrupt PNG");
  },
  async encodePng(img) {
    const r = await pngInWorker({ op: "encode", image: img });
    if (r.ok && "png" in r) return r.png;
    throw new LivepeerError("INTERNAL", `PNG encoding failed: ${r.ok ? "no output" : r.message}`);
  },
};

export function sharpCodec(sharp: SharpFn): ImageCodec {
  return {
    name: "sharp",
    async decode(bytes, limits) {
      const format = sniffImage(bytes);
      if (!format) return null;
      const opts: SharpOptions = { limitInputPixels: limits.maxImagePixels, pages: 1 };
      try {
        // PNG and JPEG headers were checked before; bound the others by their declared size too.
        if (format !== "png" && format !== "jpeg") {
          const meta = await sharp(bytes, { ...opts, limitInputPixels: false }).metadata();
          checkImageSize(meta.width ?? 0, meta.height ?? 0, limits);
        }
        const { data, info } = await sharp(bytes, opts)
          .removeAlpha()
          .toColourspace("srgb")
          .raw({ depth: "uchar" })
          .toBuffer({ resolveWithObject: true });
        if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
        return {
          width: info.width,
          height: info.height,
          data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        };
      } catch (err) {
        if (!(err instanceof Error) || err instanceof LivepeerError) throw err;
        throw new CorruptImageError(format, `unreadable ${format}: ${err.message}`);
      }
    },
    async encodePng(img) {
      const png = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
        .png()
        .toBuffer();
      return new Uint8Array(png.buffer, png.byteOffset, png.length);
    },
  };
}

/** sharp where it loads, else the portable coder; `portable` forces the latter. */
export async function imageCodec(portable = false): Promise<ImageCodec> {
  const sharp = portable ? null : await loadSharp();
  return sharp ? sharpCodec(sharp) : PORTABLE_CODEC;
}
