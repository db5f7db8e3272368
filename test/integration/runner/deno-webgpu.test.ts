import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_VERSION } from "../../../src/node-runner/ai/manifest.ts";
import { runSileroFrames } from "../../../src/node-runner/ai/silero-frames.ts";
import { findSileroVad, sha256Hex, sileroVadEntry } from "../../../src/node-runner/models/build.ts";
import type { DenoSileroReport } from "../../helpers/deno-silero-webgpu.ts";
import { synthVowels, tempDir, wavBytes } from "../../helpers/media.ts";
import { titleSkipping } from "../../helpers/npm-models.ts";

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
const ROOT = new URL("../../..", import.meta.url).pathname;
const DENO = join(ROOT, "node_modules/.bin/deno");
const SCRIPT = join(ROOT, "test/helpers/deno-silero-webgpu.ts");

const model = findSileroVad();
const tmp = tempDir("runner-deno-webgpu-");
afterAll(() => tmp.cleanup());

function writeManifest(): string {
  const path = join(tmp.dir, "manifest.json");
  const entry = sileroVadEntry(model!, sha256Hex(readFileSync(model!)), { pricePerUnit: "1" });
  writeFileSync(
    path,
    JSON.stringify({ version: MANIFEST_VERSION, models: [{ ...entry, providers: ["webgpu"] }] }),
  );
  return path;
}

/** Runs the Deno script; its last stdout line is the report. */
async function runDeno(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([DENO, "run", "-A", SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const last = out.trim().split("\n").at(-1) ?? "";
  let report: DenoSileroReport | undefined;
  try {
    report = JSON.parse(last) as DenoSileroReport;
  } catch {
    report = undefined;
  }
  return { report, code, output: `${out}\n${err}` };
}

const manifest = model ? writeManifest() : "";
const audio = join(tmp.dir, "voiced.wav");
const workDir = join(tmp.dir, "job");
// One Deno run serves the tests below (its first WebGPU run compiles the shaders: 15–30 s on a CPU).
const run =
  model && existsSync(DENO)
    ? await (async () => {
        writeFileSync(audio, wavBytes(synthVowels(2, 0.5, 1.5)));
        mkdirSync(workDir);
        return runDeno([manifest, String(FRAMES), "1", audio, workDir]);
      })()
    : undefined;
const missing = !model
  ? "@ricky0123/vad-web is not installed"
  : !existsSync(DENO)
    ? `no Deno at ${DENO}`
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
      const gpu = report().frames;
      const ort = await import("onnxruntime-node");
      const session = await ort.InferenceSession.create(model!);
      const cpu = await runSileroFrames(ort, session as never, FRAMES);
      await session.release();
      expect(gpu.probabilities).toHaveLength(FRAMES);
      expect(gpu.state).toHaveLength(256);
      const worst = Math.max(
        ...cpu.probabilities.map((p, i) => Math.abs(p - gpu.probabilities[i]!)),
        ...cpu.state.map((s, i) => Math.abs(s - gpu.state[i]!)),
      );
      expect(worst).toBeLessThan(TOLERANCE);
      // Not all zeros (what a null adapter computes): the probabilities move frame to frame.
      expect(new Set(gpu.probabilities.map((p) => p.toFixed(4))).size).toBeGreaterThan(1);
    });
  },
);

describe.skipIf(!model || !existsSync(DENO))("Deno with no WebGPU adapter", () => {
  test("the runner says webgpu is unavailable and why", async () => {
    const r = await runDeno([manifest, "1", "1"], { DENO_WEBGPU_BACKEND: "none" });
    expect(r.report).toEqual({ ok: false, reason: expect.stringMatching(/^webgpu: no WebGPU adapter/) });
  }, 120_000);
});
