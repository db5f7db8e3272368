import { ATTR, floats, INT64, encodeModel as model, node, valueInfo, writeFolder } from "./onnx-graph.ts";

// A tiny model folder in transformers.js's Whisper layout (config, generation config, feature
// extractor, tokenizer, onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx), built here so the
// runner's real loading and decoding path can be tested without downloading a model. Its weights
// are chosen, not trained: the decoder's next token depends only on the previous token and on the
// loudness the encoder reports, so the transcript is known in advance:
// - audio with sound in it → "Hello world from the test model."
// - silence → "" (end of text at once).

/** The sentence the tiny model speaks for audio with sound in it. */
export const TINY_WHISPER_TEXT = "Hello world from the test model.";

const WORDS = ["Hello", "Ġworld", "Ġfrom", "Ġthe", "Ġtest", "Ġmodel", "."];
const SPECIAL = [
  "<|endoftext|>",
  "<|startoftranscript|>",
  "<|en|>",
  "<|translate|>",
  "<|transcribe|>",
  "<|startoflm|>",
  "<|startofprev|>",
  "<|nocaptions|>",
  "<|notimestamps|>",
];
const VOCAB = [...WORDS, ...SPECIAL];
const id = (t: string) => VOCAB.indexOf(t);
const V = VOCAB.length;
const EOT = id("<|endoftext|>");
const NO_TS = id("<|notimestamps|>");
const D_MODEL = 4;
const MELS = 80;

/**
 * Encoder: log-mel features [B, 80, frames] → [B, frames, 4], each value the frame's mean over the
 * mel bins plus 1. Whisper's features are about −1.5 for silence and above −1 where there is sound.
 */
function encoder(): Uint8Array {
  return model({
    name: "tiny_whisper_encoder",
    node: [
      node("Transpose", ["input_features"], ["t"], [{ name: "perm", type: ATTR.INTS, ints: [0, 2, 1] }]),
      node("MatMul", ["t", "w"], ["m"]),
      node("Add", ["m", "one"], ["last_hidden_state"]),
    ],
    initializer: [
      floats("w", [MELS, D_MODEL], new Array(MELS * D_MODEL).fill(1 / MELS)),
      floats("one", [1], [1]),
    ],
    input: [valueInfo("input_features", ["batch_size", MELS, "frames"])],
    output: [valueInfo("last_hidden_state", ["batch_size", "frames", D_MODEL])],
  });
}

/**
 * Decoder: logits[b, s] = next[token] + loud × gate[token], where loud = 4 × (mean of the encoder
 * output + 0.25): positive for sound, negative for silence. After <|notimestamps|> the gate decides
 * between "Hello" and end of text; every other token has one fixed successor.
 */
function decoder(): Uint8Array {
  const next = new Array(V * V).fill(0);
  const gate = new Array(V * V).fill(0);
  const chain = [...WORDS.map((w) => id(w)), EOT];
  for (let i = 0; i + 1 < chain.length; i++) next[chain[i]! * V + chain[i + 1]!] = 10;
  for (const t of [EOT, ...SPECIAL.map((s) => id(s))]) if (t !== NO_TS) next[t * V + EOT] = 10;
  gate[NO_TS * V + id("Hello")] = 10;
  gate[NO_TS * V + EOT] = -10;
  return model({
    name: "tiny_whisper_decoder",
    node: [
      node("Gather", ["next", "input_ids"], ["base"]),
      node("Gather", ["gate", "input_ids"], ["g"]),
      node("ReduceMean", ["encoder_hidden_states"], ["mean"], [{ name: "keepdims", type: ATTR.INT, i: 0 }]),
      node("Add", ["mean", "quarter"], ["shifted"]),
      node("Mul", ["shifted", "four"], ["loud"]),
      node("Mul", ["g", "loud"], ["gated"]),
      node("Add", ["base", "gated"], ["logits"]),
    ],
    initializer: [
      floats("next", [V, V], next),
      floats("gate", [V, V], gate),
      floats("quarter", [], [0.25]),
      floats("four", [], [4]),
    ],
    input: [
      valueInfo("input_ids", ["batch_size", "decoder_sequence_length"], INT64),
      valueInfo("encoder_hidden_states", ["batch_size", "encoder_sequence_length", D_MODEL]),
    ],
    output: [valueInfo("logits", ["batch_size", "decoder_sequence_length", V])],
  });
}

function tokenizerJson() {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      merges: [],
    },
  };
}

/** The files of the folder, by the manifest role each would have. */
export const TINY_WHISPER_FILES: Record<string, string> = {
  config: "config.json",
  generation: "generation_config.json",
  preprocessor: "preprocessor_config.json",
  tokenizer: "tokenizer.json",
  "tokenizer-config": "tokenizer_config.json",
  encoder: "onnx/encoder_model.onnx",
  decoder: "onnx/decoder_model_merged.onnx",
};

/** Writes the tiny Whisper folder into `dir` and returns it. */
export function writeTinyWhisper(dir: string): string {
  const sot = id("<|startoftranscript|>");
  return writeFolder(dir, {
    "config.json": {
      model_type: "whisper",
      architectures: ["WhisperForConditionalGeneration"],
      is_encoder_decoder: true,
      d_model: D_MODEL,
      encoder_layers: 1,
      decoder_layers: 1,
      encoder_attention_heads: 1,
      decoder_attention_heads: 1,
      num_mel_bins: MELS,
      vocab_size: V,
      max_source_positions: 1500,
      max_target_positions: 448,
      decoder_start_token_id: sot,
      bos_token_id: EOT,
      eos_token_id: EOT,
      pad_token_id: EOT,
    },
    "generation_config.json": {
      decoder_start_token_id: sot,
      bos_token_id: EOT,
      eos_token_id: EOT,
      pad_token_id: EOT,
      max_length: 64,
      is_multilingual: true,
      lang_to_id: { "<|en|>": id("<|en|>") },
      task_to_id: { transcribe: id("<|transcribe|>"), translate: id("<|translate|>") },
      no_timestamps_token_id: NO_TS,
      begin_suppress_tokens: [],
      suppress_tokens: [],
    },
    "preprocessor_config.json": {
      feature_extractor_type: "WhisperFeatureExtractor",
      processor_class: "WhisperProcessor",
      feature_size: MELS,
      sampling_rate: 16000,
      hop_length: 160,
      chunk_length: 30,
      n_fft: 400,
      n_samples: 480000,
      nb_max_frames: 3000,
      padding_side: "right",
      padding_value: 0,
      return_attention_mask: false,
    },
    "tokenizer.json": tokenizerJson(),
    "tokenizer_config.json": {
      tokenizer_class: "WhisperTokenizer",
      bos_token: "<|endoftext|>",
      eos_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      model_max_length: 1024,
      clean_up_tokenization_spaces: true,
    },
    [TINY_WHISPER_FILES.encoder!]: encoder(),
    [TINY_WHISPER_FILES.decoder!]: decoder(),
  });
}
