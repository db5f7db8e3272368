import { resolve } from "node:path";
import { LivepeerError } from "../../../wire/errors.ts";
import { localTransformers, type Transformers, transformersFolder } from "../transformers-local.ts";

// A causal language model through transformers.js, from a local folder only: an operator's model in
// transformers.js's layout (config.json, generation_config.json, tokenizer.json,
// tokenizer_config.json with a chat template, onnx/model.onnx), e.g. an "onnx-community/*-Instruct"
// export. Nothing is ever fetched.

/** transformers.js's ONNX file suffix per weight type (onnx/model{suffix}.onnx). */
export const LLM_DTYPES = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  q4f16: "_q4f16",
  bnb4: "_bnb4",
} as const;
export type LlmDtype = keyof typeof LLM_DTYPES;

/** The files an LLM folder holds, by manifest role (`generation` and `model-data` are optional). */
export function llmFiles(dtype: LlmDtype = "fp32"): Record<string, string> {
  const model = `onnx/model${LLM_DTYPES[dtype]}.onnx`;
  return {
    config: "config.json",
    generation: "generation_config.json",
    tokenizer: "tokenizer.json",
    "tokenizer-config": "tokenizer_config.json",
    model,
    // Weights over 2 GB sit beside the graph in one external-data file.
    "model-data": `${model}_data`,
  };
}
export const LLM_REQUIRED_ROLES = ["config", "tokenizer", "tokenizer-config", "model"] as const;

/** The folder the files sit in, checked against the layout transformers.js reads. */
export function llmFolder(paths: Record<string, string>, dtype: LlmDtype = "fp32"): string {
  for (const role of LLM_REQUIRED_ROLES) {
    if (!paths[role]) {
      throw new LivepeerError("INVALID_MANIFEST", `llm model needs a ${role} file`, {
        details: { role, roles: Object.keys(paths) },
      });
    }
  }
  return transformersFolder("llm", paths, llmFiles(dtype));
}

export interface ChatMessage {
  role: string;
  content: string;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0: greedy (the argmax every step); above 0: sampling at that temperature. */
  temperature: number;
  topP?: number | undefined;
  topK?: number | undefined;
  signal?: AbortSignal;
  /** Called with each generated token's text as it is produced (deltas of the decoded completion). */
  onText?(delta: string): void;
  /**
   * Awaited before each forward pass after the first (step 1 = the pass choosing the 2nd token):
   * lets a caller hold generation between tokens (tests do, to see a token arrive mid-run).
   */
  beforeStep?(step: number): Promise<void>;
}

export interface Completion {
  text: string;
  /** Every generated token, the end-of-sequence token included when one was produced. */
  tokens: number[];
  promptTokens: number;
  /** "stop": the model ended it; "length": max_tokens was reached. */
  finishReason: "stop" | "length";
}

export interface Llm {
  generate(messages: readonly ChatMessage[], o: GenerateOptions): Promise<Completion>;
  release(): Promise<void>;
}

type Tokenizer = Awaited<ReturnType<Transformers["AutoTokenizer"]["from_pretrained"]>>;
type CausalLm = Awaited<ReturnType<Transformers["AutoModelForCausalLM"]["from_pretrained"]>>;

/**
 * Loads an LLM folder with transformers.js on onnxruntime-node's CPU provider. The tokenizer must
 * carry a chat template: the messages are turned into the prompt by it.
 */
export async function loadLlm(
  folder: string,
  o: { dtype?: LlmDtype; externalData?: boolean } = {},
): Promise<Llm> {
  const t = await localTransformers();
  // An absolute path is never taken for a hub id ("org/name"), so its files are read where they are.
  const modelId = resolve(folder);
  let tokenizer: Tokenizer;
  let model: CausalLm;
  try {
    // The model first: its config is read first, so a missing folder is named as such.
    model = await t.AutoModelForCausalLM.from_pretrained(modelId, {
      local_files_only: true,
      dtype: o.dtype ?? "fp32",
      device: "cpu",
      ...(o.externalData ? { use_external_data_format: true } : {}),
    });
    tokenizer = await t.AutoTokenizer.from_pretrained(modelId, { local_files_only: true }).catch(
      async (err: unknown) => {
        await model.dispose();
        throw err;
      },
    );
  } catch (err) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load the language model in ${folder}`, {
      details: { folder, reason: err instanceof Error ? err.message : String(err) },
      cause: err,
    });
  }
  if (!tokenizer.chat_template) {
    await model.dispose();
    throw new LivepeerError("MODEL_LOAD_FAILED", `the language model in ${folder} has no chat template`, {
      details: { folder, needs: "chat_template in tokenizer_config.json" },
    });
  }
  const eos = new Set<number>(
    [model.generation_config?.eos_token_id ?? (model.config as { eos_token_id?: unknown }).eos_token_id]
      .flat()
      .filter((x): x is number => typeof x === "number"),
  );
  return {
    async generate(messages, g) {
      const inputs = tokenizer.apply_chat_template(messages as ChatMessage[], {
        add_generation_prompt: true,
        return_dict: true,
      }) as { input_ids: InstanceType<Transformers["Tensor"]>; attention_mask: unknown };
      const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
      const tokens: number[] = [];
      let said = "";
      let prompt = true;
      // Sees the prompt first, then each generated token as it is chosen: collects it, says the
      // new text, and ends the generation by throwing when the job is aborted.
      const streamer = new (class extends t.TextStreamer {
        override put(value: bigint[][]) {
          if (prompt) {
            prompt = false;
            return;
          }
          if (g.signal?.aborted) throw new LivepeerError("JOB_ABORTED", "job aborted");
          for (const v of value[0] ?? []) tokens.push(Number(v));
          const text = tokenizer.decode(tokens, { skip_special_tokens: true });
          // A token that ends inside a multi-byte character decodes to U+FFFD until it completes.
          if (text.length > said.length && !text.endsWith("\uFFFD")) {
            g.onText?.(text.slice(said.length));
            said = text;
          }
        }
        override end() {}
      })(tokenizer);
      const sample = g.temperature > 0;
      // transformers.js awaits forward() once per token: the one place between tokens to wait in.
      // The model is exclusive to this job, so the instance's forward is ours until we restore it.
      const forward = model.forward;
      const gate = g.beforeStep;
      if (gate) {
        let step = 0;
        model.forward = async (inputs: unknown) => {
          if (step > 0) await gate(step);
          step++;
          return forward.call(model, inputs);
        };
      }
      try {
        await model.generate({
          ...inputs,
          max_new_tokens: g.maxNewTokens,
          do_sample: sample,
          ...(sample ? { temperature: g.temperature } : {}),
          ...(sample && g.topP !== undefined ? { top_p: g.topP } : {}),
          ...(sample && g.topK !== undefined && g.topK > 0 ? { top_k: g.topK } : {}),
          streamer,
        });
      } finally {
        if (gate) model.forward = forward;
      }
      const text = tokenizer.decode(tokens, { skip_special_tokens: true });
      if (text.length > said.length) g.onText?.(text.slice(said.length));
      const last = tokens.at(-1);
      return {
        text,
        tokens,
        promptTokens,
        finishReason: last !== undefined && eos.has(last) ? "stop" : "length",
      };
    },
    async release() {
      await model.dispose();
    },
  };
}
