/**
 * Inference through the runner's executor (decode PNG, pre-process, run, post-process, encode) vs a
 * bare `session.run` on a ready tensor, for onnxruntime-node and onnxruntime-web; and Silero VAD on
 * 4 s of audio. The goal (issue 14) is executor ≤ 1.10 × (bare run + the image library's own codec
 * cost), so the codec — sharp decoding the input PNG and encoding the output — is timed alone in
 * this same run too. Figures are the best of three samples, wall time and this process's CPU time
 * (all threads: sharp's and ONNX Runtime's pools count), so a shared machine reads comparably.
 *   npx bun run bench/ai/inference.bench.ts
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { imageCodec } from "../../src/node-runner/ai/image-codec.ts";
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

/** The executor's own split of its last request (pre-process, inference, post-process). */
let lastTimings: Record<string, number> = {};

interface Cost {
  wall: number;
  cpu: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** ms per call, wall and CPU: the best of three samples of iter/3 calls after 3 warm-ups. */
async function perOp(iter: number, fn: () => Promise<unknown>): Promise<Cost> {
  for (let i = 0; i < 3; i++) await fn();
  const n = Math.max(1, Math.round(iter / 3));
  const best: Cost = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let k = 0; k < 3; k++) {
    const [w0, c0] = [performance.now(), cpuNow()];
    for (let i = 0; i < n; i++) await fn();
    best.wall = Math.min(best.wall, (performance.now() - w0) / n);
    best.cpu = Math.min(best.cpu, (cpuNow() - c0) / n);
  }
  return best;
}

const add = (a: Cost, b: Cost): Cost => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu });
const fmt = (c: Cost) => `${c.wall.toFixed(2).padStart(6)} (cpu ${c.cpu.toFixed(2).padStart(6)})`;

const tmp = tempDir("bench-ai-");
try {
  const manifest = await writeDefaultModels(join(tmp.dir, "models"));
  const image = join(tmp.dir, "img.png");
  const pixels = Uint8Array.from({ length: SIDE * SIDE * 3 }, (_, i) => (i * 7) % 251);
  writeFileSync(image, encodePng({ width: SIDE, height: SIDE, data: pixels }));
  const audio = join(tmp.dir, "voiced.wav");
  writeFileSync(audio, wavBytes(synthVowels(4, 1, 3)));
  let n = 0;
  const ctx = () => {
    const workDir = join(tmp.dir, `j${n++}`);
    mkdirSync(workDir);
    return { workDir, signal: new AbortController().signal, onProgress() {} };
  };
  const input = new Float32Array(3 * SIDE * SIDE).map((_, i) => (i % 255) / 255);
  const small = new Float32Array(3 * 32 * 32).map((_, i) => (i % 255) / 255);
  // The image library's own cost on these images: decode the input, encode a 2× output.
  const codec = await imageCodec();
  const pngBytes = new Uint8Array(readFileSync(image));
  const limits = DEFAULT_RUNNER_LIMITS;
  // The output the executor encodes: the input upscaled 2× (nearest), so both sides encode the
  // same content (a flat image compresses far faster and would flatter the baseline).
  const big = { width: SIDE * 2, height: SIDE * 2, data: new Uint8Array(SIDE * SIDE * 12) };
  for (let y = 0; y < SIDE * 2; y++)
    for (let x = 0; x < SIDE * 2; x++)
      for (let c = 0; c < 3; c++)
        big.data[(y * SIDE * 2 + x) * 3 + c] = pixels[((y >> 1) * SIDE + (x >> 1)) * 3 + c]!;
  const decode = await perOp(ITER, () => codec.decode(pngBytes, limits));
  const encode2x = await perOp(ITER, () => codec.encodePng(big));
  console.log(`image: ${SIDE}x${SIDE} PNG; ${ITER} iterations after 3 warm-ups; ms per request, wall (cpu)`);
  console.log(`codec (${codec.name}): decode ${fmt(decode)}   encode ${SIDE * 2}² PNG ${fmt(encode2x)}\n`);
  for (const backend of ["node", "web"] as const) {
    const ex = createExecutors({ modelsManifest: manifest, onnxBackend: backend });
    const { manifest: m } = await ex.state();
    const eps = backend === "node" ? ["cpu" as const] : ["wasm" as const];
    const { InferenceSession, Tensor } = await new Runtimes({ gpus: 0 }).ort(eps[0]!);
    const upscale = await InferenceSession.create(
      m.models.find((x) => x.pipeline === "upscale")!.files[0]!.path,
      { executionProviders: eps },
    );
    const classifier = await InferenceSession.create(
      m.models.find((x) => x.pipeline === "image-to-text")!.files[0]!.path,
      { executionProviders: eps },
    );
    const job = (pipeline: string, files: Record<string, string>): JobSpec => ({
      kind: "ai",
      pipeline,
      modelId: "",
      files,
      params: {},
    });
    const run = async (spec: JobSpec) => {
      lastTimings = (await ex.execute(spec, ctx())).timings;
    };
    const rows: [string, Cost, Cost, Cost, string][] = [];
    const split = () =>
      Object.entries(lastTimings)
        .map(([k, v]) => `${k.replace(/Ms$/, "")} ${v.toFixed(2)}`)
        .join(", ");
    const upEx = await perOp(ITER, () => run(job("upscale", { image })));
    const upSplit = split();
    const upBare = await perOp(ITER, () =>
      upscale.run({ image: new Tensor("float32", input, [1, 3, SIDE, SIDE]) }),
    );
    rows.push(["upscale 2x", upEx, upBare, add(upBare, add(decode, encode2x)), upSplit]);
    const itEx = await perOp(ITER, () => run(job("image-to-text", { image })));
    const itSplit = split();
    const itBare = await perOp(ITER, () =>
      classifier.run({ image: new Tensor("float32", small, [1, 3, 32, 32]) }),
    );
    rows.push(["image-to-text", itEx, itBare, add(itBare, decode), itSplit]);
    const vadMs = await perOp(3, () => run(job("audio-to-text", { audio })));
    const vadSplit = split();
    console.log(`onnxruntime-${backend} (${eps.join(", ")})`);
    for (const [name, viaEx, bare, ref, parts] of rows) {
      console.log(
        `  ${name.padEnd(14)} executor ${fmt(viaEx)}   bare session.run ${fmt(bare)}   bare + codec ${fmt(ref)}`,
      );
      console.log(
        `  ${"".padEnd(14)} ratio to bare ${(viaEx.wall / bare.wall).toFixed(2)}x   to bare + codec ${(viaEx.wall / ref.wall).toFixed(2)}x (cpu ${(viaEx.cpu / ref.cpu).toFixed(2)}x, goal ≤ 1.10x)   [${parts}]`,
      );
    }
    console.log(`  ${"VAD, 4 s".padEnd(14)} executor ${fmt(vadMs)}   (125 frames) [${vadSplit}]\n`);
    await Promise.all([upscale.release(), classifier.release(), ex.close()]);
  }
} finally {
  rmSync(tmp.dir, { recursive: true, force: true });
}
