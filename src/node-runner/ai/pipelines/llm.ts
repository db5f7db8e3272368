import { randomUUID } from "node:crypto";
import { PIPELINES } from "../../../wire/pipelines.ts";
import type { Loader } from "../store.ts";
import {
  type ChatMessage,
  LLM_DTYPES,
  type Llm,
  type LlmDtype,
  llmFiles,
  llmFolder,
  loadLlm,
} from "../text/llm.ts";
import { invalidInput, ms, numberParam, type Pipeline } from "./types.ts";

function dtypeOf(options: Record<string, unknown> | undefined): LlmDtype {
  const d = options?.dtype;
  return typeof d === "string" && Object.hasOwn(LLM_DTYPES, d) ? (d as LlmDtype) : "fp32";
}

/** Every file verified against its manifest hash, then the folder loaded by transformers.js. */
export const llmLoader: Loader<Llm> = async (entry, ctx) => {
  const dtype = dtypeOf(entry.options);
  const paths: Record<string, string> = {};
  for (const role of Object.keys(llmFiles(dtype))) {
    if (entry.files.some((f) => f.role === role)) paths[role] = await ctx.verifiedPath(role);
  }
  const llm = await loadLlm(llmFolder(paths, dtype), { dtype, externalData: "model-data" in paths });
  return { model: llm, engine: "transformers.js/cpu", exclusive: true, release: () => llm.release() };
};

function messagesOf(params: Record<string, unknown>): ChatMessage[] {
  const m = params.messages;
  if (!Array.isArray(m) || m.length === 0) throw invalidInput("messages must be a non-empty array");
  return m.map((x, i) => {
    const { role, content } = (x ?? {}) as Record<string, unknown>;
    if (typeof role !== "string" || typeof content !== "string") {
      throw invalidInput(`messages[${i}] needs a role and a content string`);
    }
    return { role, content };
  });
}

/**
 * llm with an operator's language model (format "transformers"): the messages go through the
 * model's chat template, and up to `max_tokens` tokens are generated (greedy when `temperature` is
 * 0, else sampled with `temperature`, `top_p`, `top_k`). Answers go-livepeer's LLMResponse (`id`,
 * `model`, `created`, `usage`, `choices[0].message` with `finish_reason` "stop" or "length") plus
 * `deltas`: the completion as it was generated, one text piece per step. With `stream` true each
 * piece also goes out at once as a live event, go-livepeer's streamed chunk (`choices[0].delta`,
 * `finish_reason` null, the answer's `id` and `created`): event i carries deltas[i].
 * Units: max_tokens, as Livepeer bills llm.
 */
export const llm: Pipeline = async (run) => {
  const t0 = performance.now();
  const messages = messagesOf(run.params);
  const maxTokens = numberParam(run.params, "max_tokens", 256, 1, 32_768);
  const temperature = numberParam(run.params, "temperature", 0.7, 0, 2);
  const topP = numberParam(run.params, "top_p", 1, 0, 1);
  const topK = numberParam(run.params, "top_k", -1, -1, 1_000_000);
  const live = run.params.stream === true;
  const head = {
    id: `chatcmpl-${randomUUID()}`,
    model: run.entry.modelId,
    created: Math.floor(Date.now() / 1000),
  };
  const deltas: string[] = [];
  const out = await run.models.use("transformers", llmLoader, (model) =>
    model.generate(messages, {
      maxNewTokens: maxTokens,
      temperature,
      topP,
      topK,
      signal: run.signal,
      ...(run.beforeStep ? { beforeStep: run.beforeStep } : {}),
      onText: (d) => {
        deltas.push(d);
        if (live) {
          run.onEvent({
            ...head,
            choices: [{ index: 0, delta: { role: "assistant", content: d }, finish_reason: null }],
          });
        }
        run.onProgress(Math.min(1, deltas.length / maxTokens), "generate");
      },
    }),
  );
  run.onProgress(1);
  return {
    outputs: [],
    data: {
      ...head,
      usage: {
        prompt_tokens: out.promptTokens,
        completion_tokens: out.tokens.length,
        total_tokens: out.promptTokens + out.tokens.length,
      },
      choices: [
        { index: 0, message: { role: "assistant", content: out.text }, finish_reason: out.finishReason },
      ],
      deltas,
    },
    units: PIPELINES.llm.units({ params: { max_tokens: maxTokens } }),
    timings: { generateMs: ms(t0) },
  };
};
