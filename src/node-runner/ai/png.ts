import { deflateSync, inflateSync } from "node:zlib";
import { LivepeerError } from "../../wire/errors.ts";

/** 8-bit RGB pixels, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Thrown for PNGs this small decoder does not handle (16-bit, interlaced); callers fall back to FFmpeg. */
export class UnsupportedPngError extends LivepeerError<"UNSUPPORTED_IMAGE"> {
  constructor(message: string) {
    super("UNSUPPORTED_IMAGE", message);
    this.name = "UnsupportedPngError";
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes an 8-bit, non-interlaced PNG (grey, RGB, palette, grey+alpha, RGBA) to RGB; alpha is
 * dropped. Anything else raises UnsupportedPngError.
 */
export function decodePng(bytes: Uint8Array): RgbImage {
  if (!isPng(bytes)) throw new UnsupportedPngError("not a PNG");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colorType = -1;
  let palette: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  for (let off = 8; off + 8 <= bytes.length; ) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    const body = bytes.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      const depth = body[8];
      colorType = body[9]!;
      if (depth !== 8 || body[12] !== 0 || CHANNELS[colorType] === undefined) {
        throw new UnsupportedPngError(`PNG depth ${depth}, colour type ${colorType}, interlace ${body[12]}`);
      }
    } else if (type === "PLTE") palette = body;
    else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  if (!width || !height) throw new UnsupportedPngError("PNG without IHDR");
  const ch = CHANNELS[colorType]!;
  const stride = width * ch;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < (stride + 1) * height) throw new UnsupportedPngError("truncated PNG data");
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? px[row + x - ch]! : 0;
      const b = y > 0 ? px[row - stride + x]! : 0;
      const c = x >= ch && y > 0 ? px[row - stride + x - ch]! : 0;
      const v = raw[src + x]!;
      const pred =
        filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : 0;
      px[row + x] = (v + pred) & 0xff;
    }
  }
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const s = i * ch;
    if (colorType === 2 || colorType === 6) {
      out[i * 3] = px[s]!;
      out[i * 3 + 1] = px[s + 1]!;
      out[i * 3 + 2] = px[s + 2]!;
    } else if (colorType === 3) {
      const p = (px[s]! * 3) | 0;
      out[i * 3] = palette?.[p] ?? 0;
      out[i * 3 + 1] = palette?.[p + 1] ?? 0;
      out[i * 3 + 2] = palette?.[p + 2] ?? 0;
    } else {
      out.fill(px[s]!, i * 3, i * 3 + 3);
    }
  }
  return { width, height, data: out };
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Encodes RGB pixels as an 8-bit RGB PNG (filter "Sub" on every row, zlib deflate). */
export function encodePng(img: RgbImage): Uint8Array {
  const stride = img.width * 3;
  const raw = new Uint8Array((stride + 1) * img.height);
  for (let y = 0; y < img.height; y++) {
    const dst = y * (stride + 1);
    raw[dst] = 1;
    for (let x = 0; x < stride; x++) {
      const v = img.data[y * stride + x]!;
      const left = x >= 3 ? img.data[y * stride + x - 3]! : 0;
      raw[dst + 1 + x] = (v - left) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, img.width);
  v.setUint32(4, img.height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
