import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Runtimes } from "../../../src/node-runner/ai/runtimes.ts";
import { runSileroFrames } from "../../../src/node-runner/ai/silero-frames.ts";
import { clampLimits } from "../../../src/node-runner/ai/webgpu.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { findSileroVad } from "../../../src/node-runner/models/build.ts";
import { synthVowels, tempDir, wavBytes } from "../../helpers/media.ts";
import { titleSkipping } from "../../helpers/npm-models.ts";
import { expectAgreesWithCpu, writeSileroWebGpuManifest } from "../../helpers/silero-webgpu.ts";

// What this proves: the same real model (Silero VAD v5) gives the same outputs on onnxruntime-node's
// CPU provider and on onnxruntime-web's WebGPU provider (JSEP build) through bun-webgpu on Mesa's
// software GPU, frame by frame with its recurrent state carried; and a runner job whose model asks
// for WebGPU reports "onnxruntime-web/webgpu" as its engine. Tolerance: 1e-4 absolute on the
// speech probabilities and on all 256 state values (measured differences are about 1e-6).
// The first WebGPU run compiles its shaders (15–100 s on a CPU): one session serves every test.

const TOLERANCE = 1e-4;
const FRAMES = 4;

const model = findSileroVad();
const webgpu = model ? await new Runtimes({ gpus: 0 }).probe("webgpu") : undefined;
const missing = !model
  ? "@ricky0123/vad-web is not installed"
  : webgpu && !webgpu.ok
    ? `no WebGPU adapter: ${webgpu.reason}`
    : undefined;

test("device limits are clamped to the adapter's, and filled from it", () => {
  const adapter = {
    maxBindGroups: 4,
    maxStorageBuffersInFragmentStage: 0,
    minUniformBufferOffsetAlignment: 256,
  };
  expect(clampLimits(adapter, { maxBindGroups: 8, minUniformBufferOffsetAlignment: 64 })).toEqual({
    maxBindGroups: 4,
    maxStorageBuffersInFragmentStage: 0,
    minUniformBufferOffsetAlignment: 256,
  });
});

describe.skipIf(missing !== undefined)(
  titleSkipping("Silero VAD on CPU and on WebGPU (Mesa llvmpipe)", missing),
  () => {
    let tmp: ReturnType<typeof tempDir>;
    let ex: RunnerExecutors;
    let manifest: string;

    beforeAll(() => {
      tmp = tempDir("runner-webgpu-");
      manifest = join(tmp.dir, "manifest.json");
      writeSileroWebGpuManifest(manifest, model!);
      // Kept loaded between the tests: its shaders are compiled once.
      ex = createExecutors({ modelsManifest: manifest, modelIdleMs: 3_600_000 });
    });
    afterAll(async () => {
      await ex.close();
      tmp.cleanup();
    });

    test("a job on the webgpu provider reports onnxruntime-web/webgpu and finds the voiced second", async () => {
      const caps = await ex.probe();
      expect(caps.onnx).toContainEqual({ backend: "onnxruntime-web", executionProviders: ["webgpu"] });
      const audio = join(tmp.dir, "voiced.wav");
      writeFileSync(audio, wavBytes(synthVowels(2, 0.5, 1.5)));
      const workDir = join(tmp.dir, "job");
      mkdirSync(workDir);
      const r = await ex.execute(
        { kind: "ai", pipeline: "audio-to-text", modelId: "silero/vad-v5", files: { audio }, params: {} },
        { workDir, signal: new AbortController().signal, onProgress() {} },
      );
      expect(r.engine).toBe("onnxruntime-web/webgpu");
      const d = r.data as { segments: { start: number; end: number }[]; maxProbability: number };
      expect(d.maxProbability).toBeGreaterThan(0.5);
      expect(d.segments).toHaveLength(1);
    }, 600_000);

    test(`the same ${FRAMES} frames on onnxruntime-node/cpu and onnxruntime-web/webgpu agree within ${TOLERANCE}`, async () => {
      const store = await ex.store();
      const entry = store.manifest.models[0]!;
      const gpu = await store.onnx(entry, async ({ model: { ort, session, provider } }) => {
        expect(provider).toBe("webgpu");
        return runSileroFrames(ort, session as never, FRAMES);
      });
      await expectAgreesWithCpu(model!, gpu, FRAMES, TOLERANCE);
    }, 600_000);
  },
);
