import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { loadImage } from "../image.ts";
import { type Raster, rasterOf, resizeRaster, withAlpha, writeRasterPng } from "../raster.ts";
import { inputFile, invalidInput, ms, outputName, type Pipeline, throwIfAborted } from "./types.ts";

/** IS-Net's input side (its ONNX export takes a fixed 1×3×1024×1024). */
export const ISNET_SIZE = 1024;
/** Side of the low-resolution logits, as Livepeer's segment-anything-2 returns them (SAM's 256×256). */
export const LOW_RES = 256;
/** Largest image whose full-resolution mask is also written inline (as text) in the result data. */
export const INLINE_MASK_MAX_PIXELS = 512 * 512;
/** Livepeer's prompt fields: a prompt-free model cannot honour them, so it refuses them. */
const PROMPTS = ["point_coords", "point_labels", "box", "mask_input"] as const;

/**
 * RGB (already at the model's size) → planar NCHW float, normalised as @imgly/background-removal
 * does for IS-Net: (v − 128) / 256 per channel, i.e. v/255 centred with std 1.
 */
export function isnetInput(rgb: Raster): Float32Array {
  const plane = rgb.width * rgb.height;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    out[i] = (rgb.data[i * 3]! - 128) / 256;
    out[plane + i] = (rgb.data[i * 3 + 1]! - 128) / 256;
    out[2 * plane + i] = (rgb.data[i * 3 + 2]! - 128) / 256;
  }
  return out;
}

/** The model's probability map (0..1) → an 8-bit mask, truncated as imgly does (p·255). */
export function probabilitiesToMask(p: Float32Array, width: number, height: number): Raster {
  const data = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) data[i] = Math.trunc(Math.min(1, Math.max(0, p[i]!)) * 255);
  return { width, height, channels: 1, data };
}

/** The mean certainty of a probability map: mean |2p − 1| (1 = every pixel decided, 0 = all 0.5). */
export function maskCertainty(p: Float32Array): number {
  let sum = 0;
  for (const v of p) sum += Math.abs(2 * v - 1);
  return p.length ? sum / p.length : 0;
}

const EPS = 1e-4;
const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};

/** A number as Python's str() of a float list prints it (2 decimals; "1.0", not "1"). */
const pyFloat = (v: number) => {
  const r = Math.round(v * 100) / 100;
  return Number.isInteger(r) ? `${r}.0` : `${r}`;
};

/** Rows of values as the text of a nested Python list, like ai-runner's `str(array.tolist())`. */
export function pyList2d(width: number, height: number, value: (x: number, y: number) => string): string {
  const rows: string[] = [];
  for (let y = 0; y < height; y++) {
    const row: string[] = [];
    for (let x = 0; x < width; x++) row.push(value(x, y));
    rows.push(`[${row.join(", ")}]`);
  }
  return `[${rows.join(", ")}]`;
}

/** The square probability map averaged down to side×side (box filter), as logits. */
export function lowResLogits(p: Float32Array, size: number, side: number): string {
  const f = size / side;
  return pyList2d(side, side, (x, y) => {
    let s = 0;
    for (let dy = 0; dy < f; dy++) {
      for (let dx = 0; dx < f; dx++) s += p[(y * f + dy) * size + x * f + dx]!;
    }
    return pyFloat(logit(s / (f * f)));
  });
}

/**
 * Background removal with IS-Net (salient-object segmentation, as @imgly/background-removal runs
 * it): the image is resized (bilinear) to 1024×1024, normalised, segmented; the probability map
 * becomes an 8-bit mask resized back to the input's size, and the cut-out is the input's colours
 * with that mask as alpha. Outputs: `mask` (grey PNG) and `cutout` (RGBA PNG).
 *
 * Served under Livepeer's `segment-anything-2` with its response fields, for what they can mean
 * here: one mask (`multimask_output` cannot give three), `scores` is the mask's mean certainty
 * (IS-Net has no IoU head), `logits` are the 256×256 logits of the probability map, and `masks`
 * the full-size mask (logits, or True/False with `return_logits=false`) for images up to
 * INLINE_MASK_MAX_PIXELS. Prompts are refused: IS-Net takes none. Units: h·w of the input.
 */
export const backgroundRemoval: Pipeline = async (run) => {
  const t0 = performance.now();
  const given = PROMPTS.filter((k) => typeof run.params[k] === "string" && run.params[k] !== "");
  if (given.length > 0) {
    throw invalidInput(
      `model ${run.entry.modelId} segments the salient foreground without prompts; ${given.join(", ")} need a promptable model (SAM 2)`,
      { unsupported: given, modelId: run.entry.modelId },
    );
  }
  const returnLogits = run.params.return_logits !== false;
  const img = rasterOf(await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images));
  const t1 = performance.now();
  const [, , fh, fw] = run.entry.inputs[0]!.shape;
  const side = typeof fh === "number" && fh > 0 && fh === fw ? fh : ISNET_SIZE;
  const sized = await resizeRaster(img, side, side);
  const pixels = isnetInput(sized);
  const t2 = performance.now();
  throwIfAborted(run.signal);
  run.onProgress(0.1, "segment");
  const name = outputName(run.entry);
  const out = await run.models.onnx(async ({ session, ort }) => {
    const input = new ort.Tensor("float32", pixels, [1, 3, side, side]);
    return (await session.run({ [run.entry.inputs[0]!.name]: input }, [name]))[name]!;
  });
  const t3 = performance.now();
  const dims = out.dims as readonly number[];
  if (dims.length !== 4 || dims[1] !== 1 || dims[2] !== side || dims[3] !== side) {
    throw new LivepeerError("INFERENCE_FAILED", `segmentation model returned shape [${dims.join(",")}]`);
  }
  const prob = out.data as Float32Array;
  throwIfAborted(run.signal);
  run.onProgress(0.8, "mask");
  const mask = await resizeRaster(probabilitiesToMask(prob, side, side), img.width, img.height);
  const cutout = withAlpha(img, mask);
  const t4 = performance.now();
  const [maskFile, cutoutFile] = await Promise.all([
    writeRasterPng(run.workDir, "mask", mask),
    writeRasterPng(run.workDir, "cutout", cutout),
  ]);
  const t5 = performance.now();
  let fg = 0;
  for (const v of mask.data) if (v >= 128) fg++;
  const inline = img.width * img.height <= INLINE_MASK_MAX_PIXELS;
  const at = (x: number, y: number) => mask.data[y * img.width + x]!;
  const data = {
    ...(inline
      ? {
          masks: `[${pyList2d(img.width, img.height, (x, y) =>
            returnLogits ? pyFloat(logit(at(x, y) / 255)) : at(x, y) >= 128 ? "True" : "False",
          )}]`,
        }
      : {}),
    scores: `[${maskCertainty(prob).toFixed(4)}]`,
    logits: `[${lowResLogits(prob, side, LOW_RES)}]`,
    width: img.width,
    height: img.height,
    foregroundFraction: fg / (img.width * img.height),
    method: "salient-object segmentation (IS-Net), prompt-free: one mask, no IoU prediction",
    ...(inline
      ? {}
      : { masksOmitted: `image above ${INLINE_MASK_MAX_PIXELS} pixels: the mask output holds it` }),
  };
  run.onProgress(1);
  return {
    outputs: [maskFile, cutoutFile],
    data,
    units: PIPELINES["segment-anything-2"].units({ image: img, params: {} }),
    timings: {
      decodeMs: t1 - t0,
      preprocessMs: t2 - t1,
      inferenceMs: t3 - t2,
      postprocessMs: t4 - t3,
      encodeMs: t5 - t4,
      totalMs: ms(t0),
    },
  };
};
