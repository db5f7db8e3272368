// Run by Deno, not Bun (spawned by test/integration/runner/deno-webgpu.test.ts and the providers
// bench): the runner's own executors and model store, with Silero VAD on onnxruntime-web's WebGPU
// provider through Deno's navigator.gpu (wgpu). Prints one JSON line (DenoSileroReport).
//   deno run -A test/helpers/deno-silero-webgpu.ts MANIFEST FRAMES RUNS [WAV WORKDIR]
// MANIFEST names Silero VAD (first model) with providers ["webgpu"]. With WAV, an audio-to-text job
// runs first, as the runner would run it. Then FRAMES frames run RUNS times, state carried.
import process from "node:process";
import { runSileroFrames, type SileroRun } from "../../src/node-runner/ai/silero-frames.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";

export type DenoSileroReport =
  | { ok: false; reason: string }
  | {
      ok: true;
      /** The webgpu provider as the runner reports it (runtime and adapter). */
      provider: { available: boolean; note?: string | undefined };
      /** The job's engine and result, when a WAV was given. */
      job?: { engine: string; data: unknown; ms: number };
      /** The provider the store loaded the model on. */
      loadedOn: string;
      frames: SileroRun;
      /** Wall time of each run of FRAMES frames (the first includes loading when no job ran). */
      runMs: number[];
    };

const [manifest, framesArg, runsArg, wav, workDir] = process.argv.slice(2);
const say = (r: DenoSileroReport) => console.log(JSON.stringify(r));

if (!manifest || !framesArg || !runsArg) {
  console.error("usage: deno run -A test/helpers/deno-silero-webgpu.ts MANIFEST FRAMES RUNS [WAV WORKDIR]");
  process.exit(2);
}
const ex = createExecutors({ modelsManifest: manifest, modelIdleMs: 3_600_000 });
const webgpu = (await ex.state()).providers.find((p) => p.provider === "webgpu");
if (!webgpu?.available) {
  say({ ok: false, reason: webgpu?.note ?? "webgpu was not probed (the manifest does not ask for it)" });
} else {
  let job: { engine: string; data: unknown; ms: number } | undefined;
  if (wav && workDir) {
    const t = performance.now();
    const r = await ex.execute(
      { kind: "ai", pipeline: "audio-to-text", modelId: "silero/vad-v5", files: { audio: wav }, params: {} },
      { workDir, signal: new AbortController().signal, onProgress() {} },
    );
    job = { engine: r.engine, data: r.data, ms: performance.now() - t };
  }
  const store = await ex.store();
  const entry = store.manifest.models[0]!;
  const runMs: number[] = [];
  let frames: SileroRun = { probabilities: [], state: [] };
  let loadedOn = "";
  for (let i = 0; i < Number(runsArg); i++) {
    const t = performance.now();
    frames = await store.onnx(entry, async ({ model: { ort, session, provider } }) => {
      loadedOn = provider;
      return runSileroFrames(ort, session as never, Number(framesArg));
    });
    runMs.push(performance.now() - t);
  }
  say({
    ok: true,
    provider: { available: true, note: webgpu.note },
    ...(job ? { job } : {}),
    loadedOn,
    frames,
    runMs,
  });
}
await ex.close();
// The WebGPU device keeps the event loop alive.
process.exit(0);
