import type * as Tf from "@tensorflow/tfjs";
import { LivepeerError } from "../../wire/errors.ts";
import type { Raster } from "./raster.ts";
import type { TfModel, TfModule } from "./tfjs.ts";

// Tiled super-resolution on a TF.js model. Runs inside the TF.js worker (tfjs-worker.ts), never on
// the runner's main thread: each tile is seconds of synchronous wasm work.

/** Core side of a tile: larger images are upscaled tile by tile, bounding the model's memory. */
export const TILE = 192;
/** Context read around each tile and cut from its output, so tile seams match the whole image. */
export const TILE_PAD = 16;

export interface Tile {
  /** The core region this tile contributes, in input pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The padded region fed to the model. */
  px: number;
  py: number;
  pw: number;
  ph: number;
}

/** Splits width×height into tiles of at most `tile` (plus `pad` context each side, clamped to the image). */
export function planTiles(width: number, height: number, tile = TILE, pad = TILE_PAD): Tile[] {
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += tile) {
    for (let x = 0; x < width; x += tile) {
      const w = Math.min(tile, width - x);
      const h = Math.min(tile, height - y);
      const px = Math.max(0, x - pad);
      const py = Math.max(0, y - pad);
      tiles.push({
        x,
        y,
        w,
        h,
        px,
        py,
        pw: Math.min(width, x + w + pad) - px,
        ph: Math.min(height, y + h + pad) - py,
      });
    }
  }
  return tiles;
}

/** Cuts a region of an RGB raster as float NHWC in 0..255 (ESRGAN's input range). */
function regionNhwc(img: Raster, x: number, y: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h * 3);
  for (let r = 0; r < h; r++) {
    const src = ((y + r) * img.width + x) * 3;
    for (let i = 0; i < w * 3; i++) out[r * w * 3 + i] = img.data[src + i]!;
  }
  return out;
}

/** The model's output for one region: [1, h·s, w·s, 3] floats in 0..255. */
export async function predictRegion(
  tf: TfModule,
  model: TfModel,
  pixels: Float32Array,
  w: number,
  h: number,
): Promise<{ data: Float32Array; shape: number[] }> {
  const out = tf.tidy(() => model.predict(tf.tensor4d(pixels, [1, h, w, 3])) as Tf.Tensor);
  try {
    return { data: (await out.data()) as Float32Array, shape: out.shape };
  } finally {
    out.dispose();
  }
}

/**
 * Runs a super-resolution model over an RGB image, tile by tile when it is larger than one tile,
 * and assembles the upscaled RGB: each output value clipped to 0..255 and rounded (as UpscalerJS
 * does for models whose output range is 0..255).
 */
export async function upscaleRgb(
  tf: TfModule,
  model: TfModel,
  img: Raster,
  opts: {
    tile?: number | undefined;
    pad?: number | undefined;
    /** Checked between tiles (an AbortSignal, or the worker's view of the job's abort flag). */
    signal?: { readonly aborted: boolean };
    onTile?: (done: number, total: number) => void;
  } = {},
): Promise<{ image: Raster; scale: number }> {
  const tiles = planTiles(img.width, img.height, opts.tile, opts.pad);
  let scale = 0;
  let out: Uint8Array | null = null;
  let outW = 0;
  for (const [i, t] of tiles.entries()) {
    if (opts.signal?.aborted) throw new LivepeerError("JOB_ABORTED", "job aborted");
    const r = await predictRegion(tf, model, regionNhwc(img, t.px, t.py, t.pw, t.ph), t.pw, t.ph);
    const [, oh, ow, oc] = r.shape;
    if (!scale) {
      scale = (ow ?? 0) / t.pw;
      if (!Number.isInteger(scale) || scale < 1 || oc !== 3 || oh !== t.ph * scale) {
        throw new LivepeerError("INFERENCE_FAILED", `upscale model returned shape [${r.shape.join(",")}]`);
      }
      outW = img.width * scale;
      out = new Uint8Array(outW * img.height * scale * 3);
    }
    if (oh !== t.ph * scale || ow !== t.pw * scale) {
      throw new LivepeerError("INFERENCE_FAILED", `upscale model returned shape [${r.shape.join(",")}]`);
    }
    // Copy the tile's core (its padding cut away) into place.
    const ox = (t.x - t.px) * scale;
    const oy = (t.y - t.py) * scale;
    for (let row = 0; row < t.h * scale; row++) {
      const src = ((oy + row) * ow + ox) * 3;
      const dst = ((t.y * scale + row) * outW + t.x * scale) * 3;
      // Clip to 0..255 and round half up, without Math calls per value (NaN is stored as 0).
      for (let k = 0, n = t.w * scale * 3; k < n; k++) {
        const v = r.data[src + k]!;
        out![dst + k] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
      }
    }
    opts.onTile?.(i + 1, tiles.length);
  }
  return { image: { width: outW, height: img.height * scale, channels: 3, data: out! }, scale };
}
