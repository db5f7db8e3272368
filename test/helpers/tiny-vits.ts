import { encodeModel, FLOAT, INT64, node, seededUniform, valueInfo, writeFolder } from "./onnx-graph.ts";

// A tiny text-to-speech folder in transformers.js's VITS layout (config.json, tokenizer.json,
// tokenizer_config.json with VitsTokenizer, onnx/model.onnx taking input_ids and attention_mask and
// answering waveform and spectrogram), as the "Xenova/mms-tts-*" exports have it, built here so the
// runner's real loading path can be tested without downloading a model. Its "voice" is a seeded
// random 64-sample snippet per character, laid end to end: not speech, but a waveform whose every
// sample is known from the graph, so tests compare it with the same ONNX graph run directly.

/** Samples per character. */
export const TINY_VITS_HOP = 64;
export const TINY_VITS_RATE = 16000;
/** Lower-case letters, space and a few marks; "<pad>" first (id 0), as MMS vocabularies start. */
const VOCAB = ["<pad>", " ", ..."abcdefghijklmnopqrstuvwxyz", ".", ",", "'", "?", "!", "-"];

/** The seeded random voice: uniform in [−0.4, 0.4). */
const snippets = (seed: number, n: number) => seededUniform(seed, n, 0.4);

/** waveform [B, S × HOP]: each token's snippet (zero where the mask is 0); spectrogram [B, S, HOP]. */
function model(seed: number): Uint8Array {
  const V = VOCAB.length;
  return encodeModel({
    name: "tiny_vits",
    node: [
      node("Gather", ["voice", "input_ids"], ["frames"]),
      node("Cast", ["attention_mask"], ["maskf"], [{ name: "to", type: 2, i: FLOAT }]),
      node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
      node("Mul", ["frames", "mask3"], ["spectrogram"]),
      node("Reshape", ["spectrogram", "flat"], ["waveform"]),
    ],
    initializer: [
      {
        name: "voice",
        dims: [V, TINY_VITS_HOP],
        dataType: FLOAT,
        floatData: snippets(seed, V * TINY_VITS_HOP),
      },
      { name: "axis2", dims: [1], dataType: INT64, int64Data: [2] },
      { name: "flat", dims: [2], dataType: INT64, int64Data: [0, -1] },
    ],
    input: [
      valueInfo("input_ids", ["batch_size", "sequence_length"], INT64),
      valueInfo("attention_mask", ["batch_size", "sequence_length"], INT64),
    ],
    output: [
      valueInfo("waveform", ["batch_size", "num_samples"]),
      valueInfo("spectrogram", ["batch_size", "sequence_length", TINY_VITS_HOP]),
    ],
  });
}

/** The files of the folder, by the manifest role each has. */
export const TINY_VITS_FILES: Record<string, string> = {
  config: "config.json",
  tokenizer: "tokenizer.json",
  "tokenizer-config": "tokenizer_config.json",
  model: "onnx/model.onnx",
};

/** Writes the tiny VITS folder into `dir` (voice from `seed`) and returns it. */
export function writeTinyVits(dir: string, seed = 99): string {
  return writeFolder(dir, {
    "config.json": {
      model_type: "vits",
      architectures: ["VitsModel"],
      vocab_size: VOCAB.length,
      sampling_rate: TINY_VITS_RATE,
      hidden_size: 8,
    },
    "tokenizer.json": {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [
        {
          id: 0,
          content: "<pad>",
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: false,
          special: true,
        },
      ],
      normalizer: { type: "Lowercase" },
      pre_tokenizer: { type: "Split", pattern: { Regex: "" }, behavior: "Isolated", invert: false },
      post_processor: null,
      decoder: null,
      model: {
        type: "WordLevel",
        vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
        unk_token: "<pad>",
      },
    },
    "tokenizer_config.json": {
      tokenizer_class: "VitsTokenizer",
      pad_token: "<pad>",
      unk_token: "<pad>",
      model_max_length: 100000,
      clean_up_tokenization_spaces: true,
    },
    [TINY_VITS_FILES.model!]: model(seed),
  });
}
