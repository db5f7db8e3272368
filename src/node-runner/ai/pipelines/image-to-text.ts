import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { loadImage, resizeBilinear, toNchw } from "../image.ts";
import { inputFile, ms, numberParam, outputName, type Pipeline, throwIfAborted } from "./types.ts";

/** Softmax, unless the values already form a distribution (the model ends in Softmax). */
export function toProbabilities(values: ArrayLike<number>): number[] {
  const xs = Array.from(values);
  const sum = xs.reduce((a, b) => a + b, 0);
  if (xs.every((x) => x >= 0 && x <= 1) && Math.abs(sum - 1) < 1e-3) return xs;
  const max = Math.max(...xs);
  const exps = xs.map((x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/**
 * Image classification: the image is resized (bilinear) to the model's fixed input size, scaled to
 * 0..1 and normalised, classified, and the scores turned into probabilities; the top_k labels
 * (default 5) come back with their scores, and `text` is the best label. Units: h·w of the input.
 */
export const imageToText: Pipeline = async (run) => {
  const t0 = performance.now();
  const labels = run.entry.labels ?? [];
  const topK = Math.floor(numberParam(run.params, "top_k", 5, 1, 1000));
  const img = await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images);
  const [, , fh, fw] = run.entry.inputs[0]!.shape;
  const sized =
    typeof fh === "number" && typeof fw === "number" && fh > 0 && fw > 0 ? resizeBilinear(img, fw, fh) : img;
  const pixels = toNchw(sized, run.entry.normalize);
  const t1 = performance.now();
  throwIfAborted(run.signal);
  const out = await run.models.onnx(async ({ session, ort }) => {
    const input = new ort.Tensor("float32", pixels, [1, 3, sized.height, sized.width]);
    return (await session.run({ [run.entry.inputs[0]!.name]: input }))[outputName(run.entry)]!;
  });
  const t2 = performance.now();
  const probs = toProbabilities(out.data as Float32Array);
  if (labels.length > 0 && labels.length !== probs.length) {
    throw new LivepeerError(
      "INFERENCE_FAILED",
      `model gave ${probs.length} scores for ${labels.length} labels`,
    );
  }
  const ranked = probs
    .map((score, i) => ({ label: labels[i] ?? `class_${i}`, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, topK);
  run.onProgress(1);
  return {
    outputs: [],
    data: { text: ranked[0]?.label ?? "", labels: ranked },
    units: PIPELINES["image-to-text"].units({ image: img, params: {} }),
    timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: ms(t2) },
  };
};
