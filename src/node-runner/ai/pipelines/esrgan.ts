import { PIPELINES } from "../../../wire/pipelines.ts";
import { planTiles } from "../esrgan-tiles.ts";
import { loadImage } from "../image.ts";
import { rasterOf, writeRasterPng } from "../raster.ts";
import { tfjsLoader } from "../tfjs-thread.ts";
import { inputFile, ms, type Pipeline, throwIfAborted } from "./types.ts";

/**
 * image → image through an ESRGAN (UpscalerJS) TF.js model: RGB in 0..255, NHWC, tiled above
 * TILE pixels with TILE_PAD of context, output clipped and rounded → PNG. Units: h·w of the input.
 * The model runs in its own worker thread, so the runner's heartbeats go on during inference.
 */
export const esrgan: Pipeline = async (run) => {
  const t0 = performance.now();
  const img = rasterOf(await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images));
  const t1 = performance.now();
  throwIfAborted(run.signal);
  const timing = { inferenceMs: 0 };
  const { image, scale } = await run.models.use("tfjs", tfjsLoader(), async (thread) => {
    const ti = performance.now();
    const r = await thread.upscale(img, {
      signal: run.signal,
      onTile: (done, total) => run.onProgress((0.9 * done) / total, "upscale"),
    });
    timing.inferenceMs = performance.now() - ti;
    return r;
  });
  const t2 = performance.now();
  const file = await writeRasterPng(run.workDir, "image", image);
  run.onProgress(1);
  return {
    outputs: [file],
    data: { width: image.width, height: image.height, scale, tiles: planTiles(img.width, img.height).length },
    units: PIPELINES.upscale.units({ image: img, params: {} }),
    timings: {
      decodeMs: t1 - t0,
      // Model load (cold) and queueing behind other TF.js jobs.
      loadMs: t2 - t1 - timing.inferenceMs,
      inferenceMs: timing.inferenceMs,
      encodeMs: ms(t2),
    },
  };
};
