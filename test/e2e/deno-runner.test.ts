import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findSileroVad } from "../../src/node-runner/models/build.ts";
import { denoMissing, runDenoSilero } from "../helpers/deno.ts";
import { synthVowels, tempDir, wavBytes } from "../helpers/media.ts";
import { type LocalNetwork, startNetwork } from "../helpers/network.ts";
import { titleSkipping } from "../helpers/npm-models.ts";
import { writeSileroWebGpuManifest } from "../helpers/silero-webgpu.ts";

// The node-runner itself under Deno (deno run -A src/node-runner/main.ts): it registers with an
// edge, takes an audio-to-text job for Silero VAD on the webgpu provider (Deno's navigator.gpu;
// Mesa's llvmpipe without a GPU) and the job's record names the engine that ran it, as a Bun
// runner's does. Skipped, saying why, where Deno or the model is missing or Deno has no adapter.

const model = findSileroVad();
const tmp = tempDir("deno-runner-");
afterAll(() => tmp.cleanup());
const noDeno = denoMissing();
// The runner's own probe, in Deno: no frames run, so no shaders are compiled here.
const probe =
  model && !noDeno
    ? await runDenoSilero([writeSileroWebGpuManifest(join(tmp.dir, "probe.json"), model), "0", "0"])
    : undefined;
const missing = !model
  ? "@ricky0123/vad-web is not installed"
  : (noDeno ??
    (probe?.report?.ok === false ? `Deno found no WebGPU adapter: ${probe.report.reason}` : undefined));

interface JobJson {
  id: string;
  status: string;
  engine: string | null;
  data?: { segments: { start: number; end: number }[]; maxProbability: number };
  error: unknown;
}

describe.skipIf(missing !== undefined)(
  titleSkipping("a node-runner under Deno runs a job on WebGPU", missing),
  () => {
    let net: LocalNetwork;
    beforeAll(async () => {
      net = await startNetwork({ RUNNERS: "0", EXTERNAL_RUNNERS: "1" });
      const models = join(net.dataDir, "models");
      mkdirSync(models, { recursive: true });
      writeSileroWebGpuManifest(join(models, "manifest.json"), model!);
      await net.startRunner(0, { runtime: "deno" });
    }, 300_000);
    afterAll(async () => {
      await net?.stop();
    }, 30_000);

    test("audio-to-text: the job succeeds and records onnxruntime-web/webgpu as its engine", async () => {
      const form = new FormData();
      form.set("audio", new Blob([new Uint8Array(wavBytes(synthVowels(2, 0.5, 1.5)))]), "voiced.wav");
      const res = await fetch(`${net.url}/v1/ai/audio-to-text?async=true`, { method: "POST", body: form });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as JobJson;
      // The first WebGPU run compiles the shaders in software: tens of seconds on a small machine.
      const deadline = Date.now() + 240_000;
      let job: JobJson;
      for (;;) {
        job = (await (await fetch(`${net.url}/v1/jobs/${id}`)).json()) as JobJson;
        if (job.status === "succeeded" || job.status === "failed" || Date.now() > deadline) break;
        await Bun.sleep(200);
      }
      expect(job.error ?? null).toBeNull();
      expect(job.status).toBe("succeeded");
      expect(job.engine).toBe("onnxruntime-web/webgpu");
      expect(job.data?.maxProbability).toBeGreaterThan(0.5);
      expect(job.data?.segments).toHaveLength(1);
    }, 300_000);
  },
);
