import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { fromNchw, loadImage, toNchw } from "../image.ts";
import {
  inputFile,
  ms,
  numberParam,
  outputName,
  type Pipeline,
  throwIfAborted,
  writePngOutput,
} from "./types.ts";

/**
 * image → image through a style/colour model. `strength` (0..1, default 1) is fed to the model when
 * it declares a "strength" input (blend inside the graph), otherwise blended here:
 * out = in + strength·(model(in) − in). Units: h·w of the input.
 */
export const imageToImage: Pipeline = async (run) => {
  const t0 = performance.now();
  const strength = numberParam(run.params, "strength", 1, 0, 1);
  const img = await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images);
  const pixels = toNchw(img, run.entry.normalize);
  const strengthInput = run.entry.inputs.find((i) => i.name === "strength");
  const t1 = performance.now();
  throwIfAborted(run.signal);
  const out = await run.models.onnx(async ({ session, ort: { Tensor } }) => {
    const feeds: Record<string, InstanceType<typeof Tensor>> = {
      [run.entry.inputs[0]!.name]: new Tensor("float32", pixels, [1, 3, img.height, img.width]),
    };
    if (strengthInput) feeds.strength = new Tensor("float32", Float32Array.of(strength), [1]);
    return (await session.run(feeds))[outputName(run.entry)]!;
  });
  const t2 = performance.now();
  const [, c, h, w] = out.dims as number[];
  if (c !== 3 || h !== img.height || w !== img.width) {
    throw new LivepeerError(
      "INFERENCE_FAILED",
      `image-to-image model returned shape [${out.dims.join(",")}]`,
    );
  }
  let data = out.data as Float32Array;
  if (!strengthInput && strength !== 1) {
    // A plain loop: a typed array's map calls a closure per value.
    const blended = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) blended[i] = pixels[i]! + strength * (data[i]! - pixels[i]!);
    data = blended;
  }
  const file = await writePngOutput(run.images, run.workDir, "image", fromNchw(data, w, h));
  run.onProgress(1);
  return {
    outputs: [file],
    data: { width: w, height: h, strength },
    // One image per job: the model writes one output whatever num_images_per_prompt asked for.
    units: PIPELINES["image-to-image"].units({ image: img, params: { num_images_per_prompt: 1 } }),
    timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: ms(t2) },
  };
};
