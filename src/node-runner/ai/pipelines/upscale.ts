import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { fromNchw, loadImage, toNchw } from "../image.ts";
import { inputFile, ms, outputName, type Pipeline, throwIfAborted, writePngOutput } from "./types.ts";

/**
 * image → image through a super-resolution model: RGB → NCHW float 0..1 → model → clamp and round
 * back to RGB → PNG. Units: h·w of the input (docs/protocol.md#pricing-and-work-units).
 */
export const upscale: Pipeline = async (run) => {
  const t0 = performance.now();
  const img = await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images);
  const t1 = performance.now();
  const pixels = toNchw(img, run.entry.normalize);
  const t2 = performance.now();
  throwIfAborted(run.signal);
  const out = await run.models.onnx(async ({ session, ort }) => {
    const input = new ort.Tensor("float32", pixels, [1, 3, img.height, img.width]);
    const r = await session.run({ [run.entry.inputs[0]!.name]: input });
    return r[outputName(run.entry)]!;
  });
  const t3 = performance.now();
  const [, c, h, w] = out.dims as number[];
  if (c !== 3 || !h || !w) {
    throw new LivepeerError("INFERENCE_FAILED", `upscale model returned shape [${out.dims.join(",")}]`);
  }
  const result = fromNchw(out.data as Float32Array, w, h);
  const t4 = performance.now();
  const file = await writePngOutput(run.images, run.workDir, "image", result);
  run.onProgress(1);
  return {
    outputs: [file],
    data: { width: w, height: h, scale: w / img.width },
    units: PIPELINES.upscale.units({ image: img, params: {} }),
    // Decode (file and codec), tensor build, model, tensor → pixels, PNG encode and write.
    timings: {
      decodeMs: t1 - t0,
      tensorMs: t2 - t1,
      inferenceMs: t3 - t2,
      postprocessMs: t4 - t3,
      encodeMs: ms(t4),
    },
  };
};
