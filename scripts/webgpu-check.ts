// Does WebGPU work here? Finds an adapter the way the runner does (bun-webgpu on Bun, navigator.gpu
// on Deno), runs Silero VAD v5 on onnxruntime-web's WebGPU build for a few fixed frames, and prints
// one JSON line: { ok, runtime, adapter, probabilities, state, sessionMs, firstRunMs, runMs } or
// { ok: false, reason }. Exit 0 either way; 1 only when a run fails after the adapter was found.
//   bun scripts/webgpu-check.ts [MODEL.onnx] [FRAMES]
//   deno run -A scripts/webgpu-check.ts [MODEL.onnx] [FRAMES]
import { readFile } from "node:fs/promises";
import { runSileroFrames } from "../src/node-runner/ai/silero-frames.ts";
import { probeWebGpu } from "../src/node-runner/ai/webgpu.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const model = args[0] ?? "node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx";
const frames = Number(args[1] ?? "3");

const found = await probeWebGpu();
if (!found.ok) {
  console.log(JSON.stringify({ ok: false, reason: found.reason }));
} else {
  try {
    const ort = await import("onnxruntime-web/all");
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = "error";
    ort.env.webgpu.adapter = found.adapter as never;
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(new Uint8Array(await readFile(model)), {
      executionProviders: ["webgpu"],
    });
    const t1 = performance.now();
    // The first frame compiles the shaders; the rest show the steady speed.
    const first = await runSileroFrames(ort as never, session as never, 1);
    const t2 = performance.now();
    const run = await runSileroFrames(ort as never, session as never, frames);
    const t3 = performance.now();
    console.log(
      JSON.stringify({
        ok: true,
        runtime: found.info.runtime,
        adapter: found.info,
        probabilities: run.probabilities,
        state: run.state,
        firstProbability: first.probabilities[0],
        sessionMs: t1 - t0,
        firstRunMs: t2 - t1,
        runMs: (t3 - t2) / frames,
      }),
    );
  } catch (err) {
    console.log(JSON.stringify({ ok: false, adapterFound: true, reason: String(err) }));
    (globalThis as { Deno?: { exit(c: number): void } }).Deno?.exit(1);
    process.exit(1);
  }
}
// bun-webgpu keeps the process alive with its device: leave explicitly.
(globalThis as { Deno?: { exit(c: number): void } }).Deno?.exit(0);
process.exit(0);
