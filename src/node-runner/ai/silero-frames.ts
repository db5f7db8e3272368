import type { Ort } from "./runtimes.ts";

// A fixed, deterministic input for Silero VAD v5 and the loop that runs it frame by frame (state
// carried), so the same frames can run on two providers or two runtimes and be compared.

/** Samples per call: 64 of context + a 512-sample frame at 16 kHz. */
const WINDOW = 576;

/** Frame `f`: a voiced-like mix (two harmonics with a slow envelope), different per frame. */
export function sileroFrame(f: number): Float32Array {
  const w = new Float32Array(WINDOW);
  for (let i = 0; i < WINDOW; i++) {
    const t = (f * 512 + i) / 16000;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    w[i] = 0.3 * env * (Math.sin(2 * Math.PI * 140 * t) + 0.5 * Math.sin(2 * Math.PI * 280 * t + 0.3));
  }
  return w;
}

export interface SileroRun {
  /** Speech probability per frame. */
  probabilities: number[];
  /** The recurrent state after the last frame (2 × 1 × 128). */
  state: number[];
}

/** Runs `frames` frames through a Silero VAD v5 session, carrying its state. */
export async function runSileroFrames(
  ort: Pick<Ort, "Tensor">,
  session: { run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>> },
  frames: number,
): Promise<SileroRun> {
  const { Tensor } = ort;
  const sr = new Tensor("int64", BigInt64Array.of(16000n), []);
  let state: unknown = new Tensor("float32", new Float32Array(256), [2, 1, 128]);
  const probabilities: number[] = [];
  for (let f = 0; f < frames; f++) {
    const out = await session.run({ input: new Tensor("float32", sileroFrame(f), [1, WINDOW]), state, sr });
    probabilities.push((out.output!.data as Float32Array)[0]!);
    state = out.stateN;
  }
  return { probabilities, state: [...((state as { data: Float32Array }).data ?? [])] };
}
