/**
 * Inference through the runner's executor (decode PNG, pre-process, run, post-process, encode) vs a
 * bare `session.run` on a ready tensor, for onnxruntime-node and onnxruntime-web; and Silero VAD on
 * 4 s of audio. Ratios against baselines measured in this same run.
 *   npx bun run bench/ai/inference.bench.ts
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { encodePng } from "../../src/node-runner/ai/png.ts";
import { Runtimes } from "../../src/node-runner/ai/runtimes.ts";
import type { JobSpec } from "../../src/node-runner/executor.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { writeDefaultModels } from "../../src/node-runner/models/build.ts";
import { synthVowels, tempDir, wavBytes } from "../../test/helpers/media.ts";
import { BENCH_ENV } from "../env.ts";

const SIDE = 256;
const { BENCH_ITER: ITER } = readEnv(BENCH_ENV, process.env);

/** The executor's own split of its last request (pre-process, inference, post-process). */
let lastTimings: Record<string, number> = {};

async function perOp(iter: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iter; i++) await fn();
  return (performance.now() - t0) / iter;
}

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
  console.log(`image: ${SIDE}x${SIDE} PNG; ${ITER} iterations after 3 warm-ups; ms per request\n`);
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
    const rows: [string, number, number, string][] = [];
    const split = () =>
      Object.entries(lastTimings)
        .map(([k, v]) => `${k.replace(/Ms$/, "")} ${v.toFixed(2)}`)
        .join(", ");
    rows.push([
      "upscale 2x",
      await perOp(ITER, () => run(job("upscale", { image }))),
      await perOp(ITER, () => upscale.run({ image: new Tensor("float32", input, [1, 3, SIDE, SIDE]) })),
      split(),
    ]);
    rows.push([
      "image-to-text",
      await perOp(ITER, () => run(job("image-to-text", { image }))),
      await perOp(ITER, () => classifier.run({ image: new Tensor("float32", small, [1, 3, 32, 32]) })),
      split(),
    ]);
    const vadMs = await perOp(3, () => run(job("audio-to-text", { audio })));
    const vadSplit = split();
    console.log(`onnxruntime-${backend} (${eps.join(", ")})`);
    for (const [name, viaEx, bare, parts] of rows) {
      const cols = `executor ${viaEx.toFixed(2).padStart(7)}   bare session.run ${bare.toFixed(2).padStart(6)}`;
      console.log(`  ${name.padEnd(14)} ${cols}   ratio ${(viaEx / bare).toFixed(1)}x   [${parts}]`);
    }
    console.log(
      `  ${"VAD, 4 s".padEnd(14)} executor ${vadMs.toFixed(2).padStart(7)}   (125 frames) [${vadSplit}]\n`,
    );
    await Promise.all([upscale.release(), classifier.release(), ex.close()]);
  }
} finally {
  rmSync(tmp.dir, { recursive: true, force: true });
}
