import { LivepeerError } from "../../../wire/errors.ts";
import { localTransformers } from "../transformers-local.ts";

// The CLIP tokenizer of a Stable Diffusion folder, through transformers.js's CLIPTokenizer. Exports
// ship either a fast tokenizer.json or only the slow files (vocab.json + merges.txt, as SD 1.5's
// tokenizer/ has them); from those, the tokenizer.json that Hugging Face's tokenizers library writes
// for CLIP is assembled here: NFC, whitespace runs to one space, lower-case; CLIP's word pattern,
// byte-level BPE with the "</w>" end-of-word suffix; <|startoftext|> … <|endoftext|> around it.

/** What the denoising loop needs: a prompt as ids padded or truncated to the text encoder's length. */
export interface PromptTokenizer {
  /** The ids of `text`, start and end tokens included, padded with the pad token to `length`. */
  encode(text: string): number[];
  readonly length: number;
}

export interface TokenizerFiles {
  /** tokenizer.json, when the folder has one. */
  json?: Uint8Array | undefined;
  vocab?: Uint8Array | undefined;
  merges?: Uint8Array | undefined;
  config: Uint8Array;
}

const CLIP_PATTERN =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/** CLIP's tokenizer.json from the slow tokenizer's vocab and merges. */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[]): Record<string, unknown> {
  const special = (content: string) => {
    const id = vocab[content];
    if (id === undefined) {
      throw new LivepeerError("MODEL_LOAD_FAILED", `the tokenizer's vocab.json has no ${content}`, {
        details: { token: content },
      });
    }
    return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true };
  };
  const bos = special("<|startoftext|>");
  const eos = special("<|endoftext|>");
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [bos, eos],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "NFC" },
        { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
        { type: "Lowercase" },
      ],
    },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: CLIP_PATTERN }, behavior: "Removed", invert: true },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: "RobertaProcessing",
      sep: [eos.content, eos.id],
      cls: [bos.content, bos.id],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: eos.content,
      continuing_subword_prefix: "",
      end_of_word_suffix: "</w>",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

function json(bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (err) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `the tokenizer's ${what} is not JSON`, {
      details: { file: what, reason: String(err) },
    });
  }
}

/** merges.txt: one "a b" pair a line after the "#version" header. */
function mergesOf(bytes: Uint8Array): string[] {
  return new TextDecoder()
    .decode(bytes)
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l, i) => l !== "" && !(i === 0 && l.startsWith("#version")));
}

/** A token of tokenizer_config.json: a string or an AddedToken object ({ content }). */
function tokenOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { content?: unknown }).content === "string")
    return (v as { content: string }).content;
  return undefined;
}

/** The tokenizer, padded to `model_max_length` (77 for CLIP) with the config's pad token. */
export async function loadClipTokenizer(files: TokenizerFiles): Promise<PromptTokenizer> {
  const t = await localTransformers();
  const config = json(files.config, "tokenizer_config.json");
  let tokenizerJson: Record<string, unknown>;
  if (files.json) tokenizerJson = json(files.json, "tokenizer.json");
  else if (files.vocab && files.merges) {
    tokenizerJson = clipTokenizerJson(
      json(files.vocab, "vocab.json") as Record<string, number>,
      mergesOf(files.merges),
    );
  } else {
    throw new LivepeerError(
      "MODEL_LOAD_FAILED",
      "the tokenizer needs tokenizer.json, or vocab.json and merges.txt",
      {
        details: { has: Object.keys(files).filter((k) => files[k as keyof TokenizerFiles]) },
      },
    );
  }
  // model_max_length is 77 in CLIP's configs; a huge value means "unset" (transformers' sentinel).
  const max =
    typeof config.model_max_length === "number" && config.model_max_length < 10_000
      ? config.model_max_length
      : 77;
  // Special tokens as plain strings: older configs write AddedToken objects, not all with "__type".
  const plain = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, k.endsWith("_token") ? (tokenOf(v) ?? v) : v]),
  );
  const tokenizer = new t.CLIPTokenizer(tokenizerJson, { ...plain, model_max_length: max });
  const vocab = tokenizer.get_vocab() as Map<string, number> | Record<string, number>;
  const idOf = (tok: string | undefined) =>
    tok === undefined ? undefined : vocab instanceof Map ? vocab.get(tok) : vocab[tok];
  const eos = idOf(tokenOf(config.eos_token) ?? "<|endoftext|>");
  const pad = idOf(tokenOf(config.pad_token)) ?? eos;
  if (eos === undefined || pad === undefined) {
    throw new LivepeerError("MODEL_LOAD_FAILED", "the tokenizer has no end-of-text token", {
      details: { eos_token: config.eos_token, pad_token: config.pad_token },
    });
  }
  return {
    length: max,
    encode(text) {
      const ids = tokenizer.encode(text) as number[];
      // Truncation keeps the end token, as transformers' truncation=True does.
      const kept = ids.length > max ? [...ids.slice(0, max - 1), eos] : ids;
      return [...kept, ...new Array<number>(max - kept.length).fill(pad)];
    },
  };
}
