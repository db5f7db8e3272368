import { resolve } from "node:path";
import { LivepeerError } from "../../../wire/errors.ts";
import { localTransformers, type Transformers, transformersFolder } from "../transformers-local.ts";

// Whisper speech-to-text through transformers.js, from a local folder only: an operator's model in
// transformers.js's layout (config.json, generation_config.json, preprocessor_config.json,
// tokenizer.json, tokenizer_config.json, onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx),
// e.g. an "onnx-community/whisper-*" export. Nothing is ever fetched.

/** The files a Whisper folder must hold, by the manifest role that names each. */
export const WHISPER_FILES = {
  config: "config.json",
  generation: "generation_config.json",
  preprocessor: "preprocessor_config.json",
  tokenizer: "tokenizer.json",
  "tokenizer-config": "tokenizer_config.json",
  encoder: "onnx/encoder_model.onnx",
  decoder: "onnx/decoder_model_merged.onnx",
} as const;

export type WhisperRole = keyof typeof WHISPER_FILES;

/** Whisper reads 30 s windows of 16 kHz audio. */
export const WHISPER_SAMPLE_RATE = 16000;
export const WHISPER_WINDOW_SEC = 30;

/** The folder the files sit in, checked against the layout transformers.js reads. */
export function whisperFolder(paths: Record<WhisperRole, string>): string {
  return transformersFolder("whisper", paths, WHISPER_FILES);
}

type Processor = Awaited<ReturnType<Transformers["AutoProcessor"]["from_pretrained"]>>;
type WhisperModel = Awaited<ReturnType<Transformers["WhisperForConditionalGeneration"]["from_pretrained"]>>;

export interface Whisper {
  /** Transcribes up to 30 s of 16 kHz mono audio. */
  transcribe(
    pcm: Float32Array,
    o?: { language?: string | undefined; task?: "transcribe" | "translate" },
  ): Promise<string>;
  release(): Promise<void>;
}

/**
 * Loads a Whisper folder with transformers.js on onnxruntime-node's CPU provider. The library's
 * settings are set for local files only (remote models and its download cache off) before each load.
 */
export async function loadWhisper(folder: string, maxNewTokens = 440): Promise<Whisper> {
  const t = await localTransformers();
  // An absolute path is never taken for a hub id ("org/name"), so its files are read where they are.
  const modelId = resolve(folder);
  let processor: Processor;
  let model: WhisperModel;
  try {
    processor = await t.AutoProcessor.from_pretrained(modelId, { local_files_only: true });
    model = await t.WhisperForConditionalGeneration.from_pretrained(modelId, {
      local_files_only: true,
      dtype: "fp32",
      device: "cpu",
    });
  } catch (err) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load the Whisper model in ${folder}`, {
      details: { folder, reason: err instanceof Error ? err.message : String(err) },
      cause: err,
    });
  }
  return {
    async transcribe(pcm, o = {}) {
      const inputs = await processor(pcm);
      const out = await model.generate({
        ...inputs,
        max_new_tokens: maxNewTokens,
        ...(o.language ? { language: o.language } : {}),
        ...(o.task ? { task: o.task } : {}),
      });
      const [text] = processor.batch_decode(out as Parameters<Processor["batch_decode"]>[0], {
        skip_special_tokens: true,
      });
      return (text ?? "").trim();
    },
    async release() {
      await model.dispose();
    },
  };
}

/** A stretch of the input, in seconds. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Groups speech segments into windows Whisper can read (≤ 30 s each): neighbours are merged while
 * the window stays short enough; a segment longer than a window is cut into window-sized pieces.
 */
export function speechWindows(segments: readonly Span[], windowSec = WHISPER_WINDOW_SEC): Span[] {
  const pieces: Span[] = [];
  for (const s of segments) {
    for (let a = s.start; a < s.end; a += windowSec)
      pieces.push({ start: a, end: Math.min(s.end, a + windowSec) });
  }
  const out: Span[] = [];
  for (const p of pieces) {
    const last = out.at(-1);
    if (last && p.end - last.start <= windowSec) last.end = p.end;
    else out.push({ ...p });
  }
  return out;
}

/** The whole input as 30 s windows (no VAD). */
export function fixedWindows(durationSec: number, windowSec = WHISPER_WINDOW_SEC): Span[] {
  return durationSec > 0 ? speechWindows([{ start: 0, end: durationSec }], windowSec) : [];
}
