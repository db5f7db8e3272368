/**
 * Inference through the runner's executor (decode PNG, build the tensor, run, tensor → pixels,
 * encode PNG) vs a bare `session.run` on a ready tensor, for onnxruntime-node and onnxruntime-web;
 * and Silero VAD on 4 s of audio. The goal (issue 14) is executor ≤ 1.10 × (bare run + the image
 * library's own codec cost), so the reference request is timed as one: sharp decoding the input
 * PNG, the bare run, sharp encoding the 2× output. The executor, the bare run and the reference
 * take turns round by round, on the same input, after the same warm-ups, so a shared machine slows
 * them alike; figures are medians over the rounds, wall time and this process's CPU time (all
 * threads: sharp's and ONNX Runtime's pools count), and the ratio is the median of the per-round
 * ratios.
 *   npx bun run bench/ai/inference.bench.ts
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { fromNchw, resizeBilinear, toNchw } from "../../src/node-runner/ai/image.ts";
import { imageCodec } from "../../src/node-runner/ai/image-codec.ts";
import { loadManifest } from "../../src/node-runner/ai/manifest.ts";
import { encodePng } from "../../src/node-runner/ai/png.ts";
import { Runtimes } from "../../src/node-runner/ai/runtimes.ts";
import type { JobSpec } from "../../src/node-runner/executor.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { DEFAULT_RUNNER_LIMITS } from "../../src/node-runner/limits.ts";
import { writeDefaultModels } from "../../src/node-runner/models/build.ts";
import { synthVowels, tempDir, wavBytes } from "../../test/helpers/media.ts";
import { BENCH_ENV } from "../env.ts";

const SIDE = 256;
const { BENCH_ITER: ITER } = readEnv(BENCH_ENV, process.env);

interface Cost {
  wall: number;
  cpu: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Each function once per round, in an order that rotates, for `rounds` rounds after 3 warm-up
 * rounds: every function's calls per round (wall and CPU, ms).
 */
async function rounds(n: number, fns: (() => Promise<unknown>)[]): Promise<Cost[][]> {
  const out: Cost[][] = fns.map(() => []);
  for (let r = -3; r < n; r++) {
    for (let k = 0; k < fns.length; k++) {
      const i = (r + 3 + k) % fns.length;
      const [w0, c0] = [performance.now(), cpuNow()];
      await fns[i]!();
      if (r >= 0) out[i]!.push({ wall: performance.now() - w0, cpu: cpuNow() - c0 });
    }
  }
  return out;
}

const med = (cs: Cost[]): Cost => ({
  wall: median(cs.map((c) => c.wall)),
  cpu: median(cs.map((c) => c.cpu)),
});
/** The median of the per-round ratios a/b. */
const ratio = (a: Cost[], b: Cost[], k: keyof Cost) => median(a.map((c, i) => c[k] / b[i]![k]));
const fmt = (c: Cost) => `${c.wall.toFixed(2).padStart(6)} (cpu ${c.cpu.toFixed(2).padStart(6)})`;
/** The executor's own split, median per part over the rounds. */
const splitOf = (all: Record<string, number>[]) =>
  Object.keys(all[0] ?? {})
    .map((k) => `${k.replace(/Ms$/, "")} ${median(all.map((t) => t[k] ?? 0)).toFixed(2)}`)
    .join(", ");

const tmp = tempDir("bench-ai-");
try {
  const manifest = await writeDefaultModels(join(tmp.dir, "models"));
  const image = join(tmp.dir, "img.png");
  const pixels = Uint8Array.from({ length: SIDE * SIDE * 3 }, (_, i) => (i * 7) % 251);
  writeFileSync(image, encodePng({ width: SIDE, height: SIDE, data: pixels }));
  const audio = join(tmp.dir, "voiced.wav");
  writeFileSync(audio, wavBytes(synthVowels(4, 1, 3)));
  const workDir = join(tmp.dir, "job");
  mkdirSync(workDir);
  const ctx = { workDir, signal: new AbortController().signal, onProgress() {} };
  const codec = await imageCodec();
  const pngBytes = new Uint8Array(readFileSync(image));
  const limits = DEFAULT_RUNNER_LIMITS;
  // The bare runs get the tensors the executor builds from this image (the same input).
  const decoded = (await codec.decode(pngBytes, limits))!;
  const input = toNchw(decoded);
  const small = toNchw(resizeBilinear(decoded, 32, 32));
  // The image library's own cost: decode the input; encode the 2× output the model gives for it
  // (the same pixels the executor encodes: compression time depends on the content).
  const models = await loadManifest(manifest);
  const ortNode = await new Runtimes({ gpus: 0 }).ort("cpu");
  const upSession = await ortNode.InferenceSession.create(
    models.models.find((x) => x.pipeline === "upscale")!.files[0]!.path,
  );
  const upOut = Object.values(
    await upSession.run({ image: new ortNode.Tensor("float32", input, [1, 3, SIDE, SIDE]) }),
  )[0]!;
  const big = fromNchw(upOut.data as Float32Array, upOut.dims[3]!, upOut.dims[2]!);
  await upSession.release();
  const [decode, encode2x] = (
    await rounds(ITER, [() => codec.decode(pngBytes, limits), () => codec.encodePng(big)])
  ).map(med);
  console.log(
    `image: ${SIDE}x${SIDE} PNG; ${ITER} rounds after 3 warm-ups, medians; ms per request, wall (cpu)`,
  );
  console.log(
    `codec (${codec.name}): decode ${fmt(decode!)}   encode ${big.width}x${big.height} PNG ${fmt(encode2x!)}\n`,
  );
  for (const backend of ["node", "web"] as const) {
    const ex = createExecutors({ modelsManifest: manifest, onnxBackend: backend });
    const { manifest: m } = await ex.state();
    const eps = backend === "node" ? ["cpu" as const] : ["wasm" as const];
    const { InferenceSession, Tensor } = await new Runtimes({ gpus: 0 }).ort(eps[0]!);
    // The same session options as the runner's store, so only the work around the run differs.
    const session = (pipeline: string) =>
      InferenceSession.create(m.models.find((x) => x.pipeline === pipeline)!.files[0]!.path, {
        executionProviders: eps,
        graphOptimizationLevel: "all",
      });
    const [upscale, classifier] = await Promise.all([session("upscale"), session("image-to-text")]);
    const job = (pipeline: string, files: Record<string, string>): JobSpec => ({
      kind: "ai",
      pipeline,
      modelId: "",
      files,
      params: {},
    });
    /** The executor, keeping each call's own split. */
    const via = (spec: JobSpec, splits: Record<string, number>[]) => async () => {
      splits.push((await ex.execute(spec, ctx)).timings);
    };
    /** The reference request, step by step, keeping its own split like the executor's. */
    const reference =
      (steps: Record<string, () => Promise<unknown>>, splits: Record<string, number>[]) => async () => {
        const split: Record<string, number> = {};
        for (const [name, step] of Object.entries(steps)) {
          const t0 = performance.now();
          await step();
          split[name] = performance.now() - t0;
        }
        splits.push(split);
      };
    const rows: [string, Cost[], Cost[], Cost[], string, string][] = [];
    const upSplits: Record<string, number>[] = [];
    const upRefSplits: Record<string, number>[] = [];
    const upBare = () => upscale.run({ image: new Tensor("float32", input, [1, 3, SIDE, SIDE]) });
    const [upEx, upRun, upRef] = await rounds(ITER, [
      via(job("upscale", { image }), upSplits),
      upBare,
      reference(
        {
          decode: () => codec.decode(pngBytes, limits),
          inference: upBare,
          encode: () => codec.encodePng(big),
        },
        upRefSplits,
      ),
    ]);
    rows.push([
      "upscale 2x",
      upEx!,
      upRun!,
      upRef!,
      splitOf(upSplits.slice(3)),
      splitOf(upRefSplits.slice(3)),
    ]);
    const itSplits: Record<string, number>[] = [];
    const itRefSplits: Record<string, number>[] = [];
    const itBare = () => classifier.run({ image: new Tensor("float32", small, [1, 3, 32, 32]) });
    const [itEx, itRun, itRef] = await rounds(ITER, [
      via(job("image-to-text", { image }), itSplits),
      itBare,
      reference({ decode: () => codec.decode(pngBytes, limits), inference: itBare }, itRefSplits),
    ]);
    rows.push([
      "image-to-text",
      itEx!,
      itRun!,
      itRef!,
      splitOf(itSplits.slice(3)),
      splitOf(itRefSplits.slice(3)),
    ]);
    const vadSplits: Record<string, number>[] = [];
    const [vad] = await rounds(3, [via(job("audio-to-text", { audio }), vadSplits)]);
    console.log(`onnxruntime-${backend} (${eps.join(", ")})`);
    for (const [name, viaEx, bare, ref, parts, refParts] of rows) {
      console.log(
        `  ${name.padEnd(14)} executor ${fmt(med(viaEx))}   bare session.run ${fmt(med(bare))}   bare + codec ${fmt(med(ref))}`,
      );
      console.log(
        `  ${"".padEnd(14)} ratio to bare ${ratio(viaEx, bare, "wall").toFixed(2)}x   to bare + codec ${ratio(viaEx, ref, "wall").toFixed(2)}x (cpu ${ratio(viaEx, ref, "cpu").toFixed(2)}x, goal ≤ 1.10x)`,
      );
      console.log(`  ${"".padEnd(14)} executor [${parts}]`);
      console.log(`  ${"".padEnd(14)} reference [${refParts}]`);
    }
    console.log(
      `  ${"VAD, 4 s".padEnd(14)} executor ${fmt(med(vad!))}   (125 frames) [${splitOf(vadSplits.slice(3))}]\n`,
    );
    await Promise.all([upscale.release(), classifier.release(), ex.close()]);
  }
} finally {
  rmSync(tmp.dir, { recursive: true, force: true });
}
