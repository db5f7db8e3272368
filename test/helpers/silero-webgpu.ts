import { expect } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { MANIFEST_VERSION } from "../../src/node-runner/ai/manifest.ts";
import { runSileroFrames, type SileroRun } from "../../src/node-runner/ai/silero-frames.ts";
import { sha256Hex, sileroVadEntry } from "../../src/node-runner/models/build.ts";

// Silero VAD on WebGPU as the Bun and Deno tests (and the providers bench) use it: a one-model
// manifest that asks for the webgpu provider, and the frame-by-frame check against the CPU.

/** Writes a manifest whose only model is Silero VAD on the webgpu provider; returns its path. */
export function writeSileroWebGpuManifest(path: string, model: string): string {
  const entry = sileroVadEntry(model, sha256Hex(readFileSync(model)), { pricePerUnit: "1" });
  writeFileSync(
    path,
    JSON.stringify({ version: MANIFEST_VERSION, models: [{ ...entry, providers: ["webgpu"] }] }),
  );
  return path;
}

/**
 * Runs the same frames on onnxruntime-node's CPU provider and expects the WebGPU run's speech
 * probabilities and all 256 state values within `tolerance`, and not the constant output a null
 * adapter computes.
 */
export async function expectAgreesWithCpu(
  model: string,
  gpu: SileroRun,
  frames: number,
  tolerance: number,
): Promise<void> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(model);
  const cpu = await runSileroFrames(ort, session as never, frames);
  await session.release();
  expect(gpu.probabilities).toHaveLength(frames);
  expect(gpu.state).toHaveLength(256);
  const worst = Math.max(
    ...cpu.probabilities.map((p, i) => Math.abs(p - gpu.probabilities[i]!)),
    ...cpu.state.map((s, i) => Math.abs(s - gpu.state[i]!)),
  );
  expect(worst).toBeLessThan(tolerance);
  // Not all zeros (what a null adapter computes): the probabilities move frame to frame.
  expect(new Set(gpu.probabilities.map((p) => p.toFixed(4))).size).toBeGreaterThan(1);
}
