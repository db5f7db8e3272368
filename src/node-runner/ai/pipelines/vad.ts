import { PIPELINES } from "../../../wire/pipelines.ts";
import { decodeAudio } from "../audio.ts";
import { inputFile, ms, numberParam, type Pipeline, type PipelineRun, throwIfAborted } from "./types.ts";

export const VAD_SAMPLE_RATE = 16000;
/** Silero v5 reads 512-sample frames (32 ms) plus the last 64 samples of the previous frame. */
export const VAD_FRAME = 512;
const CONTEXT = 64;

export interface SpeechSegment {
  start: number;
  end: number;
}

export interface VadOptions {
  /** Probability at which speech starts; it ends below threshold − 0.15. */
  threshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
  padMs: number;
}

/**
 * Turns per-frame speech probabilities into segments (in seconds), with hysteresis: a segment
 * opens at `threshold`, closes after `minSilenceMs` below `threshold − 0.15`, is dropped when
 * shorter than `minSpeechMs`, and is padded by `padMs` on both sides (clamped to the audio).
 */
export function segmentsFromProbabilities(
  probs: readonly number[],
  durationSec: number,
  o: VadOptions,
): SpeechSegment[] {
  const frameSec = VAD_FRAME / VAD_SAMPLE_RATE;
  const off = Math.max(0.01, o.threshold - 0.15);
  const segments: SpeechSegment[] = [];
  let start = -1;
  let silentFrom = -1;
  const close = (endFrame: number) => {
    const s = start * frameSec;
    const e = endFrame * frameSec;
    if ((e - s) * 1000 >= o.minSpeechMs) {
      segments.push({
        start: Math.max(0, s - o.padMs / 1000),
        end: Math.min(durationSec, e + o.padMs / 1000),
      });
    }
    start = -1;
    silentFrom = -1;
  };
  probs.forEach((p, i) => {
    if (start < 0) {
      if (p >= o.threshold) start = i;
      return;
    }
    if (p >= off) silentFrom = -1;
    else if (silentFrom < 0) silentFrom = i;
    else if ((i - silentFrom) * frameSec * 1000 >= o.minSilenceMs) close(silentFrom);
  });
  if (start >= 0) close(silentFrom >= 0 ? silentFrom : probs.length);
  // Padding can make neighbours overlap: merge them.
  const merged: SpeechSegment[] = [];
  for (const s of segments) {
    const last = merged.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged.map((s) => ({ start: round3(s.start), end: round3(s.end) }));
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The VAD knobs from a request's parameters (Livepeer names), with Silero's usual defaults. */
export function vadOptions(params: Record<string, unknown>): VadOptions {
  return {
    threshold: numberParam(params, "threshold", 0.5, 0.05, 0.99),
    minSpeechMs: numberParam(params, "min_speech_ms", 250, 0, 60_000),
    minSilenceMs: numberParam(params, "min_silence_ms", 100, 0, 60_000),
    padMs: numberParam(params, "speech_pad_ms", 30, 0, 10_000),
  };
}

/**
 * Silero VAD's speech probability for each 32 ms frame of 16 kHz audio, carrying its recurrent
 * state and 64 samples of context between frames. `role` names the model's file (default: the
 * first), so a speech-to-text model can run it as its first stage.
 */
export async function vadProbabilities(
  run: PipelineRun,
  pcm: Float32Array,
  role?: string,
): Promise<number[]> {
  const frames = Math.ceil(pcm.length / VAD_FRAME);
  const probs: number[] = [];
  await run.models.onnx(async ({ session, ort: { Tensor } }) => {
    const sr = new Tensor("int64", BigInt64Array.of(BigInt(VAD_SAMPLE_RATE)), []);
    let state = new Tensor("float32", new Float32Array(2 * 128), [2, 1, 128]);
    const window = new Float32Array(CONTEXT + VAD_FRAME);
    for (let f = 0; f < frames; f++) {
      if (f % 64 === 0) {
        throwIfAborted(run.signal);
        run.onProgress(f / frames, "vad");
      }
      // Shift the previous frame's tail into the context, then copy this frame (zero-padded).
      window.copyWithin(0, VAD_FRAME, VAD_FRAME + CONTEXT);
      const frame = pcm.subarray(f * VAD_FRAME, (f + 1) * VAD_FRAME);
      window.fill(0, CONTEXT);
      window.set(frame, CONTEXT);
      const out = await session.run({
        input: new Tensor("float32", window.slice(), [1, CONTEXT + VAD_FRAME]),
        state,
        sr,
      });
      state = out.stateN as typeof state;
      probs.push((out.output!.data as Float32Array)[0]!);
    }
  }, role);
  return probs;
}

/**
 * Voice activity detection with Silero VAD: FFmpeg decodes the input to 16 kHz mono float, the
 * model scores each 32 ms frame, and the scores become speech segments. It transcribes nothing:
 * the answer has segments and no text. Units: seconds × 1000 (audio-to-text in
 * docs/protocol.md#pricing-and-work-units).
 */
export const voiceActivity: Pipeline = async (run) => {
  const t0 = performance.now();
  const options = vadOptions(run.params);
  const pcm = await decodeAudio(inputFile(run.files, "audio"), run.ffmpeg, VAD_SAMPLE_RATE, run.signal);
  const durationSec = pcm.length / VAD_SAMPLE_RATE;
  const t1 = performance.now();
  const probs = await vadProbabilities(run, pcm);
  const t2 = performance.now();
  const segments = segmentsFromProbabilities(probs, durationSec, options);
  run.onProgress(1);
  const mean = probs.length ? probs.reduce((a, b) => a + b, 0) / probs.length : 0;
  return {
    outputs: [],
    data: {
      segments,
      durationSec: round3(durationSec),
      speechSec: round3(segments.reduce((a, s) => a + (s.end - s.start), 0)),
      frames: probs.length,
      maxProbability: probs.length ? Math.max(...probs) : 0,
      meanProbability: mean,
    },
    // The decoded length in whole milliseconds.
    units: PIPELINES["audio-to-text"].units({ audioMs: Math.round(durationSec * 1000), params: {} }),
    timings: { decodeMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: ms(t2) },
  };
};
