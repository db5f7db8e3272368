/**
 * The real vision models through the runner's executor vs the bare model call on the same input:
 * IS-Net (background removal, served as segment-anything-2) on onnxruntime-node, and ESRGAN slim ×2
 * and ×4 on TF.js wasm. The conversions around the bare call are timed alone in this same run —
 * PNG decode, resize + tensor build, mask/cut-out post-processing and PNG encode for IS-Net; NHWC
 * tensor build + readback and PNG encode for ESRGAN — so the ratio shows what the executor adds
 * beyond them. Figures: best of BENCH_RUNS samples after one warm-up, ms wall (and process CPU).
 *   npx bun run bench/ai/vision.bench.ts
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { predictRegion } from "../../src/node-runner/ai/esrgan-tiles.ts";
import { imageCodec } from "../../src/node-runner/ai/image-codec.ts";
import { parseManifest } from "../../src/node-runner/ai/manifest.ts";
import {
  isnetInput,
  lowResLogits,
  probabilitiesToMask,
} from "../../src/node-runner/ai/pipelines/background-removal.ts";
import { encodeRasterPng, rasterOf, resizeRaster, withAlpha } from "../../src/node-runner/ai/raster.ts";
import { loadTfModel, startTf } from "../../src/node-runner/ai/tfjs.ts";
import type { JobSpec } from "../../src/node-runner/executor.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { DEFAULT_RUNNER_LIMITS } from "../../src/node-runner/limits.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { esrganEntry, esrganSlim, isnetEntry, isnetOnnx, manifestOf } from "../../test/helpers/npm-models.ts";
import { BENCH_ENV } from "../env.ts";

const { BENCH_RUNS: RUNS } = readEnv(BENCH_ENV, process.env);

interface Cost {
  wall: number;
  cpu: number;
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** ms per call: the best of `runs` calls after one warm-up. */
async function best(runs: number, fn: () => Promise<unknown>): Promise<Cost> {
  await fn();
  const out: Cost = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let k = 0; k < runs; k++) {
    const [w0, c0] = [performance.now(), cpuNow()];
    await fn();
    out.wall = Math.min(out.wall, performance.now() - w0);
    out.cpu = Math.min(out.cpu, cpuNow() - c0);
  }
  return out;
}
const add = (...cs: Cost[]): Cost => cs.reduce((a, b) => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu }));
const fmt = (c: Cost) => `${c.wall.toFixed(1).padStart(8)} ms (cpu ${c.cpu.toFixed(1).padStart(8)})`;
const line = (label: string, c: Cost) => console.log(`  ${label.padEnd(34)} ${fmt(c)}`);
const ratios = (ex: Cost, bare: Cost, ref: Cost) =>
  console.log(
    `  ratio executor/bare ${(ex.wall / bare.wall).toFixed(2)}x   executor/(bare + conversions) ${(ex.wall / ref.wall).toFixed(2)}x (cpu ${(ex.cpu / ref.cpu).toFixed(2)}x)`,
  );

const isnet = isnetOnnx("small");
const x2 = esrganSlim(2);
if (!isnet || !x2) {
  console.log("skipped: @imgly/background-removal-data or @upscalerjs/esrgan-slim is not installed");
  process.exit(0);
}
const tmp = tempDir("bench-vision-");
try {
  const codec = await imageCodec();
  const limits = DEFAULT_RUNNER_LIMITS;
  let n = 0;
  const ctx = () => {
    const workDir = join(tmp.dir, `j${n++}`);
    mkdirSync(workDir);
    return { workDir, signal: new AbortController().signal, onProgress() {} };
  };
  const job = (pipeline: string, modelId: string, image: string, params = {}): JobSpec => ({
    kind: "ai",
    pipeline,
    modelId,
    files: { image },
    params,
  });
  const manifest = manifestOf(isnetEntry(isnet, true), esrganEntry(2, true), esrganEntry(4, true));
  const ex = createExecutors({ modelsManifest: parseManifest(manifest, tmp.dir) });
  const { providers } = await ex.state();
  const eps = providers.filter((p) => p.available && p.runtime === "onnxruntime-node").map((p) => p.provider);
  const onnx = { ort: await import("onnxruntime-node"), executionProviders: eps };
  console.log(`best of ${RUNS} after one warm-up; codec ${codec.name}; onnxruntime-node ${eps.join(",")}\n`);

  // IS-Net on the ESRGAN package's reference photo scaled to 512×512.
  {
    const src = join(tmp.dir, "photo.png");
    const photo = await codec.decode(new Uint8Array(readFileSync(x2.fixture)), limits);
    writeFileSync(src, await encodeRasterPng(await resizeRaster(rasterOf(photo!), 512, 512)));
    const bytes = new Uint8Array(readFileSync(src));
    const img = rasterOf((await codec.decode(bytes, limits))!);
    const ort = onnx.ort;
    const session = await ort.InferenceSession.create(isnet, { executionProviders: onnx.executionProviders });
    const tensor = new ort.Tensor(
      "float32",
      isnetInput(await resizeRaster(img, 1024, 1024)),
      [1, 3, 1024, 1024],
    );
    let prob: Float32Array = new Float32Array(0);
    const bare = await best(RUNS, async () => {
      prob = (await session.run({ input: tensor }, ["output"])).output!.data as Float32Array;
    });
    const decode = await best(RUNS, () => codec.decode(bytes, limits));
    const pre = await best(RUNS, async () => isnetInput(await resizeRaster(img, 1024, 1024)));
    const post = await best(RUNS, async () => {
      const mask = await resizeRaster(probabilitiesToMask(prob, 1024, 1024), img.width, img.height);
      await Promise.all([encodeRasterPng(mask), encodeRasterPng(withAlpha(img, mask))]);
    });
    const text = await best(RUNS, async () => lowResLogits(prob, 1024, 256));
    let split = {};
    const viaEx = await best(RUNS, async () => {
      split = (await ex.execute(job("segment-anything-2", "", src), ctx())).timings;
    });
    console.log("IS-Net small (quint8), 512×512 photo → mask + cut-out, onnxruntime-node");
    line("executor (segment-anything-2)", viaEx);
    line("bare session.run (1024² tensor)", bare);
    line("  PNG decode", decode);
    line("  resize to 1024² + tensor", pre);
    line("  mask resize + cut-out + 2 PNGs", post);
    line("  MasksResponse text (logits 256²)", text);
    ratios(viaEx, bare, add(bare, decode, pre, post, text));
    console.log(
      `  executor split: ${JSON.stringify(split, (_, v) => (typeof v === "number" ? Math.round(v) : v))}\n`,
    );
    await session.release();
  }

  // ESRGAN slim on the package's own 128×128 reference photo.
  const tf = await startTf();
  for (const scale of [2, 4] as const) {
    const files = esrganSlim(scale)!;
    const bytes = new Uint8Array(readFileSync(files.fixture));
    const img = rasterOf((await codec.decode(bytes, limits))!);
    const model = await loadTfModel(tf, files.modelJson);
    const pixels = Float32Array.from(img.data);
    const ready = tf.tensor4d(pixels, [1, img.height, img.width, 3]);
    // The wasm backend computes as ops are called: predict returns a finished tensor.
    const bare = await best(RUNS, async () => {
      tf.tidy(() => model.predict(ready) as ReturnType<typeof tf.tensor4d>).dispose();
    });
    const tensorIo = await best(RUNS, async () => {
      const t = tf.tensor4d(Float32Array.from(img.data), [1, img.height, img.width, 3]);
      t.dispose();
    });
    const withReadback = await best(RUNS, () => predictRegion(tf, model, pixels, img.width, img.height));
    const side = img.width * scale;
    const encode = await best(RUNS, () =>
      encodeRasterPng({
        width: side,
        height: side,
        channels: 3,
        data: new Uint8Array(side * side * 3).fill(90),
      }),
    );
    const decode = await best(RUNS, () => codec.decode(bytes, limits));
    let split = {};
    const viaEx = await best(RUNS, async () => {
      split = (await ex.execute(job("upscale", `upscalerjs/esrgan-slim-x${scale}`, files.fixture), ctx()))
        .timings;
    });
    console.log(`ESRGAN slim ×${scale}, 128×128 → ${side}×${side}, TF.js wasm`);
    line("executor (upscale)", viaEx);
    line("bare model.predict (no readback)", bare);
    line("  predict + tensor build + readback", withReadback);
    line("  tensor build alone", tensorIo);
    line("  PNG decode", decode);
    line(`  PNG encode ${side}²`, encode);
    ratios(viaEx, withReadback, add(withReadback, decode, encode));
    console.log(
      `  executor split: ${JSON.stringify(split, (_, v) => (typeof v === "number" ? Math.round(v) : v))}\n`,
    );
    ready.dispose();
    model.dispose();
  }
  await ex.close();
} finally {
  rmSync(tmp.dir, { recursive: true, force: true });
}
