import type { InferenceSession, Tensor } from "onnxruntime-common";
import { LivepeerError } from "../../../wire/errors.ts";
import type { RgbImage } from "../png.ts";
import { rasterOf, resizeRaster } from "../raster.ts";
import { cropToTensor, quadAspect, readingQuad } from "./crop.ts";
import { ctcGreedy } from "./ctc.ts";
import { DB_DEFAULTS, type DbOptions, dbBoxes } from "./db-postprocess.ts";
import type { Quad } from "./geometry.ts";

/** A loaded model and the Tensor class of the runtime that loaded it (feeds must be its own). */
export interface OcrModel {
  session: InferenceSession;
  Tensor: typeof Tensor;
}

/** The three PP-OCR models, loaded; `cls` (the 0°/180° classifier) is optional. */
export interface OcrSessions {
  det: OcrModel;
  rec: OcrModel;
  cls?: OcrModel | undefined;
}

export interface OcrOptions extends DbOptions {
  /** The detector's input is scaled so that its longer side is at most this (then to ×32). */
  limitSideLen: number;
  /** Recognised lines below this score are dropped. */
  dropScore: number;
  /** Above this classifier score a crop is read upside down. */
  clsThreshold: number;
}

export const OCR_DEFAULTS: OcrOptions = {
  ...DB_DEFAULTS,
  limitSideLen: 960,
  dropScore: 0.5,
  clsThreshold: 0.9,
};

export interface OcrRegion {
  text: string;
  /** Mean character probability from the recogniser. */
  score: number;
  /** Mean text probability from the detector. */
  boxScore: number;
  /** Corners in input pixels: top-left, top-right, bottom-right, bottom-left. */
  box: Quad;
  /** Whether the classifier turned the crop half a turn before reading it. */
  rotated: boolean;
}

export interface OcrResult {
  /** Lines top to bottom; boxes on one line joined by a space. */
  text: string;
  regions: OcrRegion[];
  timings: {
    detPreprocessMs: number;
    detInferenceMs: number;
    detPostprocessMs: number;
    clsMs: number;
    recMs: number;
  };
}

/** The recogniser's fixed input height and the classifier's input size (PP-OCR v2–v4). */
const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 320;
const REC_MAX_WIDTH = 4800;
const CLS_HEIGHT = 48;
const CLS_WIDTH = 192;

/** ImageNet mean and std, in the BGR order PaddleOCR's detector was trained on. */
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;

/**
 * The detector's input: the image scaled so that its longer side is at most `limit`, then padded
 * (edge pixels repeated) to multiples of 32, which the network's strides need. Padding rather than
 * stretching keeps the text's aspect, which the recogniser's crops depend on.
 */
export function detInputSize(
  width: number,
  height: number,
  limit: number,
): { width: number; height: number; padWidth: number; padHeight: number } {
  const ratio = Math.max(width, height) > limit ? limit / Math.max(width, height) : 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  const up32 = (v: number) => Math.max(32, Math.ceil(v / 32) * 32);
  return { width: w, height: h, padWidth: up32(w), padHeight: up32(h) };
}

/**
 * Scales with sharp (libvips, bilinear), pads by repeating the last row and column, and lays the
 * pixels out as normalised BGR NCHW.
 */
export async function detTensorData(
  img: RgbImage,
  size: ReturnType<typeof detInputSize>,
): Promise<Float32Array> {
  const scaled = await resizeRaster(rasterOf(img), size.width, size.height);
  const { padWidth, padHeight } = size;
  const plane = padWidth * padHeight;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const k = 2 - c;
    const mean = DET_MEAN[k]!;
    const std = DET_STD[k]!;
    for (let y = 0; y < padHeight; y++) {
      const row = Math.min(y, size.height - 1) * size.width;
      for (let x = 0; x < padWidth; x++) {
        const v = scaled.data[(row + Math.min(x, size.width - 1)) * 3 + c]!;
        out[k * plane + y * padWidth + x] = (v / 255 - mean) / std;
      }
    }
  }
  return out;
}

/** Runs a one-input, one-output model on float32 data of the given shape. */
async function run1(m: OcrModel, data: Float32Array, dims: number[]): Promise<Tensor> {
  const { session } = m;
  const out = await session.run({ [session.inputNames[0]!]: new m.Tensor("float32", data, dims) });
  return out[session.outputNames[0]!]!;
}

function joinLines(regions: readonly OcrRegion[]): string {
  const lines: string[][] = [];
  let lastTop = Number.NaN;
  for (const r of regions) {
    const top = r.box[0][1];
    if (lines.length && Math.abs(top - lastTop) < 10) lines.at(-1)!.push(r.text);
    else lines.push([r.text]);
    lastTop = top;
  }
  return lines.map((l) => l.join(" ")).join("\n");
}

/**
 * PP-OCR on one image: DB text detection (resize to ×32, normalise, probability map, boxes), the
 * optional 0°/180° classifier on each crop, then CRNN recognition (height 48, −1..1) with greedy CTC
 * decoding over `alphabet`. `signal` is checked between model calls.
 */
export async function runOcr(
  img: RgbImage,
  sessions: OcrSessions,
  alphabet: readonly string[],
  options: Partial<OcrOptions> = {},
  signal?: AbortSignal,
): Promise<OcrResult> {
  const o = { ...OCR_DEFAULTS, ...options };
  const check = () => {
    if (signal?.aborted) throw new LivepeerError("JOB_ABORTED", "job aborted");
  };
  const t0 = performance.now();
  const size = detInputSize(img.width, img.height, o.limitSideLen);
  const detIn = await detTensorData(img, size);
  const t1 = performance.now();
  check();
  const map = await run1(sessions.det, detIn, [1, 3, size.padHeight, size.padWidth]);
  const t2 = performance.now();
  const [, , mh, mw] = map.dims as number[];
  if (!mh || !mw)
    throw new LivepeerError("INFERENCE_FAILED", `text detector returned [${map.dims.join(",")}]`);
  const scale = { x: img.width / size.width, y: img.height / size.height };
  const boxes = dbBoxes(map.data as Float32Array, mw, mh, scale, img, o);
  const t3 = performance.now();
  let clsMs = 0;
  let recMs = 0;
  const regions: OcrRegion[] = [];
  for (const b of boxes) {
    check();
    const c0 = performance.now();
    let quad = readingQuad(b.box);
    let rotated = false;
    if (sessions.cls) {
      const w = Math.min(CLS_WIDTH, Math.ceil(CLS_HEIGHT * quadAspect(quad)));
      const data = cropToTensor(img, quad, CLS_HEIGHT, w, CLS_WIDTH);
      const p = (await run1(sessions.cls, data, [1, 3, CLS_HEIGHT, CLS_WIDTH])).data as Float32Array;
      // Classes: 0°, 180°.
      if ((p[1] ?? 0) > (p[0] ?? 0) && (p[1] ?? 0) > o.clsThreshold) {
        quad = readingQuad(b.box, true);
        rotated = true;
      }
    }
    const c1 = performance.now();
    const w = Math.min(REC_MAX_WIDTH, Math.ceil(REC_HEIGHT * quadAspect(quad)));
    const padW = Math.max(REC_MIN_WIDTH, w);
    const data = cropToTensor(img, quad, REC_HEIGHT, w, padW);
    const out = await run1(sessions.rec, data, [1, 3, REC_HEIGHT, padW]);
    const [, steps, classes] = out.dims as number[];
    if (!steps || !classes || classes !== alphabet.length) {
      throw new LivepeerError(
        "INFERENCE_FAILED",
        `recogniser returned [${out.dims.join(",")}] for an alphabet of ${alphabet.length}`,
      );
    }
    const decoded = ctcGreedy(out.data as Float32Array, steps, classes, alphabet);
    const text = decoded.text.trim();
    const score = decoded.score;
    clsMs += c1 - c0;
    recMs += performance.now() - c1;
    if (score < o.dropScore || text === "") continue;
    regions.push({ text, score, boxScore: b.score, box: b.box, rotated });
  }
  return {
    text: joinLines(regions),
    regions,
    timings: { detPreprocessMs: t1 - t0, detInferenceMs: t2 - t1, detPostprocessMs: t3 - t2, clsMs, recMs },
  };
}
