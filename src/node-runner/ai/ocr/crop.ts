import type { RgbImage } from "../png.ts";
import { distance, type Quad } from "./geometry.ts";

/**
 * The quad re-ordered so that its text reads left to right from its first corner: a box much
 * taller than wide is turned a quarter (as PaddleOCR does), and `flip` turns it half a turn.
 */
export function readingQuad(q: Quad, flip = false): Quad {
  const w = Math.max(distance(q[0], q[1]), distance(q[2], q[3]));
  const h = Math.max(distance(q[0], q[3]), distance(q[1], q[2]));
  let shift = h / Math.max(w, 1) >= 1.5 ? 1 : 0;
  if (flip) shift += 2;
  return [0, 1, 2, 3].map((i) => q[(i + shift) % 4]!) as Quad;
}

/** Width over height of the text inside a (reading-ordered) quad. */
export function quadAspect(q: Quad): number {
  const w = Math.max(distance(q[0], q[1]), distance(q[2], q[3]));
  const h = Math.max(distance(q[0], q[3]), distance(q[1], q[2]));
  return w / Math.max(h, 1);
}

/**
 * Samples the quad (a rectangle, possibly rotated: it comes from a minimum-area rectangle) into a
 * `height × width` NCHW tensor, zero-padded on the right to `padWidth`, in BGR channel order
 * (PaddleOCR trains on OpenCV's BGR) scaled to −1..1. Bilinear, with edge pixels repeated, which
 * is one pass of OpenCV's warpPerspective + resize used by the reference pipeline; no image
 * library offers a rotated crop, so it is done here.
 */
export function cropToTensor(
  img: RgbImage,
  q: Quad,
  height: number,
  width: number,
  padWidth: number,
): Float32Array {
  const out = new Float32Array(3 * height * padWidth);
  const plane = height * padWidth;
  const [o, xEnd, , yEnd] = q;
  // Per target pixel, the step along the text's baseline and along its height.
  const exx = (xEnd[0] - o[0]) / width;
  const exy = (xEnd[1] - o[1]) / width;
  const eyx = (yEnd[0] - o[0]) / height;
  const eyy = (yEnd[1] - o[1]) / height;
  const maxX = img.width - 1;
  const maxY = img.height - 1;
  const d = img.data;
  for (let ty = 0; ty < height; ty++) {
    for (let tx = 0; tx < width; tx++) {
      const u = tx + 0.5;
      const v = ty + 0.5;
      const sx = Math.min(maxX, Math.max(0, o[0] + u * exx + v * eyx - 0.5));
      const sy = Math.min(maxY, Math.max(0, o[1] + u * exy + v * eyy - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(maxX, x0 + 1);
      const y1 = Math.min(maxY, y0 + 1);
      const wx = sx - x0;
      const wy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const p00 = d[(y0 * img.width + x0) * 3 + c]!;
        const p01 = d[(y0 * img.width + x1) * 3 + c]!;
        const p10 = d[(y1 * img.width + x0) * 3 + c]!;
        const p11 = d[(y1 * img.width + x1) * 3 + c]!;
        const val = (p00 * (1 - wx) + p01 * wx) * (1 - wy) + (p10 * (1 - wx) + p11 * wx) * wy;
        // RGB in, BGR out: channel c goes to plane 2 − c.
        out[(2 - c) * plane + ty * padWidth + tx] = val / 127.5 - 1;
      }
    }
  }
  return out;
}
