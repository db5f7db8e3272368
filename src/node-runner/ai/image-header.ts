import { LivepeerError } from "../../wire/errors.ts";
import type { RunnerLimits } from "../limits.ts";

/**
 * Width and height declared in an image's header, read without decoding: PNG IHDR, or the first
 * JPEG SOFn marker. Null for other formats (FFmpeg's own probe bounds those).
 */
export function imageHeaderSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const png = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length >= 24 && png.every((b, i) => bytes[i] === b)) {
    // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4).
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = view.getUint16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision(1) height(2) width(2).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: view.getUint16(i + 7), height: view.getUint16(i + 5) };
      }
      i += 2 + len;
    }
  }
  return null;
}

/** Refuses an image whose header declares more than the limits allow (MEDIA_TOO_LARGE). */
export function checkImageHeader(bytes: Uint8Array, limits: RunnerLimits): void {
  const size = imageHeaderSize(bytes);
  if (size) checkImageSize(size.width, size.height, limits);
}

export function checkImageSize(width: number, height: number, limits: RunnerLimits): void {
  if (width > limits.maxImageDim || height > limits.maxImageDim || width * height > limits.maxImagePixels) {
    throw new LivepeerError("MEDIA_TOO_LARGE", `image too large: ${width}x${height}`, {
      details: { width, height, maxImageDim: limits.maxImageDim, maxImagePixels: limits.maxImagePixels },
    });
  }
}
