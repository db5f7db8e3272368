import { resolve } from "node:path";
import { LivepeerError } from "../../../wire/errors.ts";
import { localTransformers, type Transformers, transformersFolder } from "../transformers-local.ts";

// VITS text-to-speech through transformers.js, from a local folder only: an operator's model in
// transformers.js's layout (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx),
// e.g. an "Xenova/mms-tts-*" export. Nothing is ever fetched.

/** The files a VITS folder must hold, by the manifest role that names each. */
export const VITS_FILES = {
  config: "config.json",
  tokenizer: "tokenizer.json",
  "tokenizer-config": "tokenizer_config.json",
  model: "onnx/model.onnx",
} as const;
export type VitsRole = keyof typeof VITS_FILES;

/** The folder the files sit in, checked against the layout transformers.js reads. */
export function vitsFolder(paths: Record<VitsRole, string>): string {
  return transformersFolder("vits", paths, VITS_FILES);
}

type Tokenizer = Awaited<ReturnType<Transformers["AutoTokenizer"]["from_pretrained"]>>;
type VitsModel = Awaited<ReturnType<Transformers["VitsModel"]["from_pretrained"]>>;

export interface Speech {
  samples: Float32Array;
  sampleRate: number;
  /** Tokens the text became (what the model read). */
  tokens: number;
}

export interface Vits {
  speak(text: string): Promise<Speech>;
  release(): Promise<void>;
}

/** Loads a VITS folder with transformers.js on onnxruntime-node's CPU provider. */
export async function loadVits(folder: string): Promise<Vits> {
  const t = await localTransformers();
  const modelId = resolve(folder);
  let tokenizer: Tokenizer;
  let model: VitsModel;
  try {
    model = await t.VitsModel.from_pretrained(modelId, {
      local_files_only: true,
      dtype: "fp32",
      device: "cpu",
    });
    tokenizer = await t.AutoTokenizer.from_pretrained(modelId, { local_files_only: true }).catch(
      async (err: unknown) => {
        await model.dispose();
        throw err;
      },
    );
  } catch (err) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load the VITS model in ${folder}`, {
      details: { folder, reason: err instanceof Error ? err.message : String(err) },
      cause: err,
    });
  }
  const sampleRate = (model.config as { sampling_rate?: unknown }).sampling_rate;
  if (typeof sampleRate !== "number" || !(sampleRate > 0)) {
    await model.dispose();
    throw new LivepeerError("MODEL_LOAD_FAILED", `the VITS model in ${folder} names no sampling_rate`, {
      details: { folder },
    });
  }
  return {
    async speak(text) {
      const inputs = tokenizer(text) as { input_ids: { dims: number[] } };
      const tokens = inputs.input_ids.dims.at(-1) ?? 0;
      if (tokens === 0) throw new LivepeerError("INVALID_INPUT", "the text has nothing the voice can say");
      const out = (await model(inputs)) as { waveform: { data: Float32Array } };
      return { samples: Float32Array.from(out.waveform.data), sampleRate, tokens };
    },
    async release() {
      await model.dispose();
    },
  };
}
