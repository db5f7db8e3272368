import {
  ATTR,
  encodeModel,
  floats,
  INT64,
  int64s,
  node,
  valueInfo,
  seededUniform as weights,
  writeFolder,
} from "./onnx-graph.ts";

// A tiny Llama-style causal language model folder in transformers.js's layout (config.json,
// generation_config.json, tokenizer.json, tokenizer_config.json with a ChatML chat template,
// onnx/model.onnx), built here so the runner's real loading and generation path can be tested
// without downloading a model. The decoder is one real attention layer with a key/value cache
// (token + position embeddings, one head, causal and padding masks, softmax attention, a residual,
// tanh and the LM head) whose weights come from a seeded generator: its output is not known in
// advance, so tests compare it with the same ONNX graph run step by step.

/** Special tokens first, then printable ASCII in GPT-2's byte-level alphabet ("Ġ" space, "Ċ" newline). */
export const TINY_LLM_SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;
const CHARS = ["Ġ", "Ċ", ...Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i))];
const VOCAB = [...TINY_LLM_SPECIAL, ...CHARS];
export const TINY_LLM_VOCAB = VOCAB.length;
/** The end-of-sequence token (<|im_end|>, as in ChatML models). */
export const TINY_LLM_EOS = VOCAB.indexOf("<|im_end|>");
const E = 16; // hidden size
const D = 8; // head size (one head)
const MAX_POS = 512;

/** The ONNX file's names, as transformers.js feeds them. */
export const TINY_LLM_CACHE = { key: "past_key_values.0.key", value: "past_key_values.0.value" } as const;
export const TINY_LLM_HEAD = { heads: 1, headSize: D } as const;

const INT = ATTR.INT;
const INTS = ATTR.INTS;

/** One attention layer with a KV cache: logits [B, S, V], present.0.key/value [B, 1, past + S, D]. */
function decoder(seed: number): Uint8Array {
  const V = VOCAB.length;
  return encodeModel({
    name: "tiny_llm",
    node: [
      node("Gather", ["wte", "input_ids"], ["tok"]),
      node("Gather", ["wpe", "position_ids"], ["pos"]),
      node("Add", ["tok", "pos"], ["x"]),
      node("MatMul", ["x", "wq"], ["q"]),
      node("MatMul", ["x", "wk"], ["k"]),
      node("MatMul", ["x", "wv"], ["v"]),
      node("Unsqueeze", ["q", "axis1"], ["q4"]),
      node("Unsqueeze", ["k", "axis1"], ["k4"]),
      node("Unsqueeze", ["v", "axis1"], ["v4"]),
      node("Concat", [TINY_LLM_CACHE.key, "k4"], ["present.0.key"], [{ name: "axis", type: INT, i: 2 }]),
      node("Concat", [TINY_LLM_CACHE.value, "v4"], ["present.0.value"], [{ name: "axis", type: INT, i: 2 }]),
      node("Transpose", ["present.0.key"], ["kt"], [{ name: "perm", type: INTS, ints: [0, 1, 3, 2] }]),
      node("MatMul", ["q4", "kt"], ["scores"]),
      node("Mul", ["scores", "scale"], ["scaled"]),
      // Key j is visible to the query at position p when j ≤ p and the mask lets it through.
      node("CumSum", ["attention_mask", "one_axis"], ["csum"]),
      node("Sub", ["csum", "one_i64"], ["kpos"]),
      node("Unsqueeze", ["kpos", "axes12"], ["kpos4"]),
      node("Unsqueeze", ["position_ids", "axes13"], ["qpos4"]),
      node("LessOrEqual", ["kpos4", "qpos4"], ["causal"]),
      node("Unsqueeze", ["attention_mask", "axes12"], ["mask4"]),
      node("Equal", ["mask4", "one_i64"], ["valid"]),
      node("And", ["causal", "valid"], ["allowed"]),
      node("Where", ["allowed", "scaled", "neg"], ["masked"]),
      node("Softmax", ["masked"], ["attn"], [{ name: "axis", type: INT, i: -1 }]),
      node("MatMul", ["attn", "present.0.value"], ["o4"]),
      node("Squeeze", ["o4", "axis1"], ["o"]),
      node("MatMul", ["o", "wo"], ["proj"]),
      node("Add", ["x", "proj"], ["h"]),
      node("Tanh", ["h"], ["ht"]),
      node("MatMul", ["ht", "wlm"], ["logits"]),
    ],
    initializer: [
      floats("wte", [V, E], weights(seed, V * E, 1)),
      floats("wpe", [MAX_POS, E], weights(seed + 1, MAX_POS * E, 0.5)),
      floats("wq", [E, D], weights(seed + 2, E * D, 0.5)),
      floats("wk", [E, D], weights(seed + 3, E * D, 0.5)),
      floats("wv", [E, D], weights(seed + 4, E * D, 0.5)),
      floats("wo", [D, E], weights(seed + 5, D * E, 0.5)),
      floats("wlm", [E, V], weights(seed + 6, E * V, 3)),
      floats("scale", [], [1 / Math.sqrt(D)]),
      floats("neg", [], [-1e9]),
      int64s("axis1", [1], [1]),
      int64s("axes12", [2], [1, 2]),
      int64s("axes13", [2], [1, 3]),
      int64s("one_axis", [], [1]),
      int64s("one_i64", [], [1]),
    ],
    input: [
      valueInfo("input_ids", ["batch_size", "sequence_length"], INT64),
      valueInfo("attention_mask", ["batch_size", "total_sequence_length"], INT64),
      valueInfo("position_ids", ["batch_size", "sequence_length"], INT64),
      valueInfo(TINY_LLM_CACHE.key, ["batch_size", 1, "past_sequence_length", D]),
      valueInfo(TINY_LLM_CACHE.value, ["batch_size", 1, "past_sequence_length", D]),
    ],
    output: [
      valueInfo("logits", ["batch_size", "sequence_length", V]),
      valueInfo("present.0.key", ["batch_size", 1, "total_sequence_length", D]),
      valueInfo("present.0.value", ["batch_size", 1, "total_sequence_length", D]),
    ],
  });
}

function tokenizerJson() {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: TINY_LLM_SPECIAL.map((content, id) => ({
      id,
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
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<|endoftext|>",
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      merges: [],
    },
  };
}

/** ChatML, as Qwen- and SmolLM-style instruct models ship it. */
const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

/** The files of the folder, by the manifest role each has. */
export const TINY_LLM_FILES: Record<string, string> = {
  config: "config.json",
  generation: "generation_config.json",
  tokenizer: "tokenizer.json",
  "tokenizer-config": "tokenizer_config.json",
  model: "onnx/model.onnx",
};

/** Writes the tiny LLM folder into `dir` (weights from `seed`) and returns it. */
export function writeTinyLlm(dir: string, seed = 1234): string {
  return writeFolder(dir, {
    "config.json": {
      model_type: "llama",
      architectures: ["LlamaForCausalLM"],
      hidden_size: E,
      num_attention_heads: 1,
      num_key_value_heads: 1,
      head_dim: D,
      num_hidden_layers: 1,
      vocab_size: VOCAB.length,
      max_position_embeddings: MAX_POS,
      bos_token_id: 0,
      eos_token_id: TINY_LLM_EOS,
      pad_token_id: 0,
    },
    "generation_config.json": { bos_token_id: 0, eos_token_id: TINY_LLM_EOS, pad_token_id: 0 },
    "tokenizer.json": tokenizerJson(),
    "tokenizer_config.json": {
      tokenizer_class: "GPT2Tokenizer",
      bos_token: "<|endoftext|>",
      eos_token: "<|im_end|>",
      unk_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      model_max_length: MAX_POS,
      clean_up_tokenization_spaces: false,
      chat_template: CHAT_TEMPLATE,
    },
    [TINY_LLM_FILES.model!]: decoder(seed),
  });
}

/**
 * The reference: greedy decoding by running the ONNX graph directly on onnxruntime-node, the whole
 * sequence every step (no cache), taking the argmax of the last position's logits, until the
 * end-of-sequence token or `maxTokens`. Independent of transformers.js's cache and generation loop.
 */
export async function referenceGreedy(modelPath: string, prompt: readonly number[], maxTokens: number) {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelPath);
  const seq = [...prompt];
  const out: number[] = [];
  const emptyCache = () => new ort.Tensor("float32", new Float32Array(0), [1, 1, 0, D]);
  try {
    while (out.length < maxTokens) {
      const n = seq.length;
      const r = await session.run({
        input_ids: new ort.Tensor("int64", BigInt64Array.from(seq, BigInt), [1, n]),
        attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]),
        position_ids: new ort.Tensor(
          "int64",
          BigInt64Array.from(seq, (_, j) => BigInt(j)),
          [1, n],
        ),
        [TINY_LLM_CACHE.key]: emptyCache(),
        [TINY_LLM_CACHE.value]: emptyCache(),
      });
      const logits = r.logits!.data as Float32Array;
      const V = TINY_LLM_VOCAB;
      const row = logits.subarray((n - 1) * V, n * V);
      let best = 0;
      for (let v = 1; v < V; v++) if (row[v]! > row[best]!) best = v;
      seq.push(best);
      out.push(best);
      if (best === TINY_LLM_EOS) break;
    }
  } finally {
    await session.release();
  }
  return out;
}
