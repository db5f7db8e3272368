import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { segmentsFromProbabilities } from "../../../src/node-runner/ai/pipelines/vad.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { findSileroVad, writeDefaultModels } from "../../../src/node-runner/models/build.ts";
import { makeAudio, synthVowels, tempDir, wavBytes } from "../../helpers/media.ts";

// What this proves: the Silero VAD v5 model shipped in @ricky0123/vad-web loads and runs on both
// ONNX Runtime backends with its recurrent state and context carried between frames; FFmpeg
// decodes the audio to 16 kHz mono; synthetic voiced audio (harmonics of a wandering ~120 Hz pitch
// shaped by vowel formants, four "syllables" a second) placed at 1–3 s of a 4 s clip yields one
// segment at about 1–3 s, while silence, a steady sine and pink noise yield none. It is not real
// recorded speech (none can be downloaded or synthesised with a TTS here), and Silero also fires
// on some speech-like non-speech (a 300 Hz tone amplitude-modulated at 4 Hz does).

interface VadData {
  segments: { start: number; end: number }[];
  durationSec: number;
  frames: number;
  maxProbability: number;
}

let tmp: ReturnType<typeof tempDir>;
let manifest: string;
let voiced: string;
let quiet: string[];

beforeAll(async () => {
  tmp = tempDir("runner-vad-");
  manifest = await writeDefaultModels(join(tmp.dir, "models"));
  voiced = join(tmp.dir, "voiced.wav");
  writeFileSync(voiced, wavBytes(synthVowels(4, 1, 3)));
  quiet = await Promise.all([
    makeAudio(tmp.dir, "silence.wav", "anullsrc=r=16000:cl=mono", 2),
    makeAudio(tmp.dir, "sine.wav", "sine=frequency=440:sample_rate=16000", 2),
    makeAudio(tmp.dir, "noise.wav", "anoisesrc=a=0.3:c=pink:r=16000", 2),
  ]);
});
afterAll(() => tmp.cleanup());

let jobs = 0;
const ctx = (): ExecContext => {
  const workDir = join(tmp.dir, `job-${jobs++}`);
  mkdirSync(workDir);
  return { workDir, signal: new AbortController().signal, onProgress() {} };
};
const vad = (audio: string) =>
  ({
    kind: "ai",
    pipeline: "audio-to-text",
    modelId: "silero/vad-v5",
    files: { audio },
    params: {},
  }) as const;

test("the Silero VAD model ships in @ricky0123/vad-web", () => {
  expect(findSileroVad()).toContain("silero_vad_v5.onnx");
});

test("segments: hysteresis, minimum length, padding", () => {
  const f = 512 / 16000;
  const probs = [0, 0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2, 0.2, 0.2, 0.2, 0.9, 0];
  const segs = segmentsFromProbabilities(probs, probs.length * f, {
    threshold: 0.5,
    minSpeechMs: 100,
    minSilenceMs: 64,
    padMs: 0,
  });
  // The lone 0.9 near the end is shorter than 100 ms and is dropped.
  expect(segs).toEqual([{ start: Math.round(2 * f * 1000) / 1000, end: Math.round(10 * f * 1000) / 1000 }]);
});

for (const backend of ["node", "web"] as const) {
  describe(`Silero VAD on onnxruntime-${backend}`, () => {
    let ex: RunnerExecutors;
    beforeAll(() => {
      ex = createExecutors({ modelsManifest: manifest, onnxBackend: backend });
    });
    afterAll(() => ex.close());

    test("voice-like audio at 1–3 s → one segment there; units = seconds × 1000", async () => {
      const r = await ex.execute(vad(voiced), ctx());
      const d = r.data as VadData;
      expect(d.frames).toBe(Math.ceil((4 * 16000) / 512));
      expect(d.segments).toHaveLength(1);
      expect(d.segments[0]!.start).toBeGreaterThan(0.8);
      expect(d.segments[0]!.start).toBeLessThan(1.2);
      expect(d.segments[0]!.end).toBeGreaterThan(2.8);
      expect(d.segments[0]!.end).toBeLessThan(3.3);
      expect(r.units).toBe(4000n);
    });

    test("silence, a steady tone and pink noise → no segments", async () => {
      for (const file of quiet) {
        const d = (await ex.execute(vad(file), ctx())).data as VadData;
        expect(d.frames).toBe(Math.ceil((2 * 16000) / 512));
        expect(d.segments).toEqual([]);
        expect(d.maxProbability).toBeLessThan(0.5);
      }
    });
  });
}
