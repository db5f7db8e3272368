import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { decodeAudio } from "../audio.ts";
import {
  fixedWindows,
  loadWhisper,
  type Span,
  speechWindows,
  WHISPER_FILES,
  WHISPER_SAMPLE_RATE,
  type Whisper,
  type WhisperRole,
  whisperFolder,
} from "../speech/whisper.ts";
import type { Loader } from "../store.ts";
import { inputFile, ms, type Pipeline, throwIfAborted } from "./types.ts";
import { segmentsFromProbabilities, vadOptions, vadProbabilities } from "./vad.ts";

/** Every Whisper file verified against its manifest hash, then the folder loaded by transformers.js. */
export const whisperLoader: Loader<Whisper> = async (_entry, ctx) => {
  const paths = {} as Record<WhisperRole, string>;
  for (const role of Object.keys(WHISPER_FILES) as WhisperRole[]) paths[role] = await ctx.verifiedPath(role);
  const whisper = await loadWhisper(whisperFolder(paths));
  return { model: whisper, engine: "transformers.js/cpu", exclusive: true, release: () => whisper.release() };
};

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * audio-to-text with an operator's Whisper model (format "transformers"): FFmpeg decodes the audio
 * to 16 kHz mono; when the model also names a Silero VAD file (role "vad"), only the speech it finds
 * is transcribed, in windows of at most 30 s, else the whole input in 30 s windows; Whisper reads
 * each window. Answers Livepeer's TextResponse: `text` and `chunks` ({ text, timestamp: [start,
 * end] } per window with words in it, in seconds). Options: `language` (e.g. "en"), `task`
 * ("transcribe" | "translate"). Units: milliseconds of audio.
 */
export const speechToText: Pipeline = async (run) => {
  const t0 = performance.now();
  if (run.params.return_timestamps === "word") {
    throw new LivepeerError(
      "INVALID_INPUT",
      "word timestamps are not available: chunks are per speech window",
    );
  }
  const language = typeof run.entry.options?.language === "string" ? run.entry.options.language : undefined;
  const task = run.entry.options?.task === "translate" ? "translate" : "transcribe";
  const pcm = await decodeAudio(inputFile(run.files, "audio"), run.ffmpeg, WHISPER_SAMPLE_RATE, run.signal);
  const durationSec = pcm.length / WHISPER_SAMPLE_RATE;
  const t1 = performance.now();
  let windows: Span[];
  let segments: Span[] | undefined;
  if (run.entry.files.some((f) => f.role === "vad")) {
    const probs = await vadProbabilities(run, pcm, "vad");
    segments = segmentsFromProbabilities(probs, durationSec, vadOptions(run.params));
    windows = speechWindows(segments);
  } else {
    windows = fixedWindows(durationSec);
  }
  const t2 = performance.now();
  const chunks = await run.models.use("transformers", whisperLoader, async (whisper) => {
    const out: { text: string; timestamp: [number, number] }[] = [];
    for (const [i, w] of windows.entries()) {
      throwIfAborted(run.signal);
      run.onProgress(i / Math.max(1, windows.length), "transcribe");
      const slice = pcm.subarray(
        Math.floor(w.start * WHISPER_SAMPLE_RATE),
        Math.ceil(w.end * WHISPER_SAMPLE_RATE),
      );
      const text = await whisper.transcribe(slice, { language, task });
      if (text) out.push({ text, timestamp: [round3(w.start), round3(w.end)] });
    }
    return out;
  });
  const t3 = performance.now();
  run.onProgress(1);
  return {
    outputs: [],
    data: {
      text: chunks.map((c) => c.text).join(" "),
      chunks,
      ...(segments ? { segments } : {}),
      durationSec: round3(durationSec),
    },
    units: PIPELINES["audio-to-text"].units({ audioMs: Math.round(durationSec * 1000), params: {} }),
    timings: { decodeMs: t1 - t0, vadMs: t2 - t1, transcribeMs: t3 - t2, postprocessMs: ms(t3) },
  };
};
