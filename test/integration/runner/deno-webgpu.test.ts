import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findSileroVad } from "../../../src/node-runner/models/build.ts";
import { denoMissing, runDenoSilero } from "../../helpers/deno.ts";
import { synthVowels, tempDir, wavBytes } from "../../helpers/media.ts";
import { titleSkipping } from "../../helpers/npm-models.ts";
import { expectAgreesWithCpu, writeSileroWebGpuManifest } from "../../helpers/silero-webgpu.ts";

// What this proves: under Deno, the runner's own executors and model store run the same real model
// (Silero VAD v5) on onnxruntime-web's WebGPU provider (JSEP build) through Deno's navigator.gpu
// (wgpu; Mesa's llvmpipe over EGL/GLES when there is no GPU), and its outputs agree with
// onnxruntime-node's CPU provider (run here, in Bun) frame by frame with the recurrent state
// carried; a job reports "onnxruntime-web/webgpu" as its engine. Tolerance: 1e-4 absolute on the
// probabilities and all 256 state values (measured: about 1e-6). Without the WGSL guard for
// wgpu's GL backend (src/node-runner/ai/wgsl-guards.ts) the speech probability was 0.012 for 0.890.
// With no adapter (DENO_WEBGPU_BACKEND=none) the runner says why.

const TOLERANCE = 1e-4;
const FRAMES = 4;
const model = findSileroVad();
const tmp = tempDir("runner-deno-webgpu-");
afterAll(() => tmp.cleanup());

const manifest = model ? writeSileroWebGpuManifest(join(tmp.dir, "manifest.json"), model) : "";
const audio = join(tmp.dir, "voiced.wav");
const workDir = join(tmp.dir, "job");
// One Deno run serves the tests below (its first WebGPU run compiles the shaders: 15–30 s on a CPU).
const noDeno = denoMissing();
const run =
  model && !noDeno
    ? await (async () => {
        writeFileSync(audio, wavBytes(synthVowels(2, 0.5, 1.5)));
        mkdirSync(workDir);
        return runDenoSilero([manifest, String(FRAMES), "1", audio, workDir]);
      })()
    : undefined;
const missing = !model
  ? "@ricky0123/vad-web is not installed"
  : noDeno
    ? noDeno
    : run?.report && !run.report.ok
      ? `Deno found no WebGPU adapter: ${run.report.reason}`
      : undefined;

describe.skipIf(missing !== undefined)(
  titleSkipping("Silero VAD under Deno on WebGPU against onnxruntime-node CPU", missing),
  () => {
    const report = () => {
      if (run?.report?.ok !== true)
        throw new Error(`the Deno script failed (exit ${run?.code}):\n${run?.output}`);
      return run.report;
    };

    test("the adapter is a real one, and a job on it reports onnxruntime-web/webgpu", () => {
      const r = report();
      // runtime "deno" and a device or description: an adapter with empty info is refused as null.
      expect(r.provider.note).toMatch(/^deno: \S/);
      expect(r.loadedOn).toBe("webgpu");
      expect(r.job?.engine).toBe("onnxruntime-web/webgpu");
      const d = r.job?.data as { segments: unknown[]; maxProbability: number };
      expect(d.maxProbability).toBeGreaterThan(0.5);
      expect(d.segments).toHaveLength(1);
    });

    test(`the same ${FRAMES} frames agree with onnxruntime-node/cpu within ${TOLERANCE}`, async () => {
      await expectAgreesWithCpu(model!, report().frames, FRAMES, TOLERANCE);
    });
  },
);

describe.skipIf(!model || noDeno !== undefined)("Deno with no WebGPU adapter", () => {
  test("the runner says webgpu is unavailable and why", async () => {
    const r = await runDenoSilero([manifest, "1", "1"], { DENO_WEBGPU_BACKEND: "none" });
    expect(r.report).toEqual({ ok: false, reason: expect.stringMatching(/^webgpu: no WebGPU adapter/) });
  }, 120_000);
});
