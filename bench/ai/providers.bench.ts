/**
 * One model (Silero VAD v5, 32 frames with state carried) on each execution provider the host has:
 * onnxruntime-node CPU, onnxruntime-web wasm, onnxruntime-web WebGPU (bun-webgpu; Mesa's
 * software GPU without a real one). Cold start (session create + first run, which compiles
 * WebGPU's shaders) against warm runs; ratios against CPU measured in this same run. Node has no
 * WebGPU: that row says why. The last row is WebGPU under Deno (navigator.gpu: wgpu on Mesa's
 * llvmpipe over GLES without a GPU), through the runner's own model store in a Deno child process.
 *   npx bun run bench/ai/providers.bench.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Runtimes } from "../../src/node-runner/ai/runtimes.ts";
import { runSileroFrames } from "../../src/node-runner/ai/silero-frames.ts";
import { findSileroVad } from "../../src/node-runner/models/build.ts";
import { denoMissing, runDenoSilero } from "../../test/helpers/deno.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { writeSileroWebGpuManifest } from "../../test/helpers/silero-webgpu.ts";

const FRAMES = 32;
const WARM_RUNS = 3;
const model = findSileroVad();
if (!model) {
  console.log("skipped: @ricky0123/vad-web is not installed");
} else {
  const bytes = new Uint8Array(readFileSync(model));
  const runtimes = new Runtimes({ gpus: 0 });
  const rows: { provider: string; coldMs: number; warmMs: number }[] = [];
  console.log(`Silero VAD v5, ${FRAMES} frames a run; warm = best of ${WARM_RUNS}\n`);
  for (const provider of ["cpu", "wasm", "webgpu"] as const) {
    const probe = await runtimes.probe(provider);
    if (!probe.ok) {
      console.log(`  ${provider.padEnd(11)} unavailable: ${probe.reason}`);
      continue;
    }
    const ort = await runtimes.ort(provider);
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider] });
    await runSileroFrames(ort, session as never, FRAMES);
    const coldMs = performance.now() - t0;
    let warmMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < WARM_RUNS; i++) {
      const t = performance.now();
      await runSileroFrames(ort, session as never, FRAMES);
      warmMs = Math.min(warmMs, performance.now() - t);
    }
    await session.release();
    rows.push({ provider: provider === "webgpu" ? "bun webgpu" : provider, coldMs, warmMs });
  }
  const deno = await denoWebGpu(model);
  if (typeof deno === "string") console.log(`  ${"deno webgpu".padEnd(11)} unavailable: ${deno}`);
  else rows.push(deno);
  const cpu = rows.find((r) => r.provider === "cpu");
  for (const r of rows) {
    const vsCpu = cpu ? `  ${(r.warmMs / cpu.warmMs).toFixed(1)}× CPU warm` : "";
    console.log(
      `  ${r.provider.padEnd(11)} cold ${r.coldMs.toFixed(0).padStart(7)} ms   warm ${r.warmMs.toFixed(1).padStart(8)} ms   cold/warm ${(r.coldMs / r.warmMs).toFixed(1)}×${vsCpu}`,
    );
  }
}
/** WebGPU under Deno: cold = the store's load + first run, warm = best of the next runs; or why not. */
async function denoWebGpu(
  model: string,
): Promise<{ provider: string; coldMs: number; warmMs: number } | string> {
  const missing = denoMissing();
  if (missing) return missing;
  const tmp = tempDir("bench-deno-webgpu-");
  try {
    const manifest = writeSileroWebGpuManifest(join(tmp.dir, "manifest.json"), model);
    const run = await runDenoSilero([manifest, String(FRAMES), String(1 + WARM_RUNS)]);
    if (!run.report) return `the Deno script failed (exit ${run.code}): ${run.output.slice(-500)}`;
    if (!run.report.ok) return run.report.reason;
    const [coldMs, ...warm] = run.report.runMs;
    return { provider: "deno webgpu", coldMs: coldMs!, warmMs: Math.min(...warm) };
  } finally {
    tmp.cleanup();
  }
}

// bun-webgpu's device keeps the process alive.
process.exit(0);
