import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Llm, llmFiles, llmFolder, loadLlm } from "../../../src/node-runner/ai/text/llm.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { tempDir } from "../../helpers/media.ts";
import { referenceGreedy, TINY_LLM_EOS, TINY_LLM_FILES, writeTinyLlm } from "../../helpers/tiny-llm.ts";

// What this proves: the runner's llm path — transformers.js loading a causal LM folder from disk
// only (config, tokenizer with its chat template, one ONNX decoder with a key/value cache), the chat
// template turning go-livepeer's messages into the prompt, generation of at most max_tokens tokens
// (the billed units), and go-livepeer's LLMResponse — on a tiny random-weight attention decoder the
// test builds. The completion is checked token for token against greedy argmax decoding of the same
// ONNX graph run directly, the whole sequence every step. What it cannot prove: the quality of a real
// model (none ships on npm, and nothing is downloaded).

const messages = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Say something." },
];

let tmp: ReturnType<typeof tempDir>;
let folder: string;
let llm: Llm;
let t: typeof import("@huggingface/transformers");
let prompt: number[];

/** The reference completion of `messages`, decoded like the runner decodes it. */
async function reference(maxTokens: number) {
  const tokens = await referenceGreedy(join(folder, TINY_LLM_FILES.model!), prompt, maxTokens);
  const tokenizer = await t.AutoTokenizer.from_pretrained(folder, { local_files_only: true });
  return { tokens, text: tokenizer.decode(tokens, { skip_special_tokens: true }) };
}

beforeAll(async () => {
  tmp = tempDir("runner-llm-");
  folder = writeTinyLlm(join(tmp.dir, "tiny-llm"));
  llm = await loadLlm(folder);
  t = await import("@huggingface/transformers");
  const tokenizer = await t.AutoTokenizer.from_pretrained(folder, { local_files_only: true });
  const ids = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true }) as {
    input_ids: { tolist(): bigint[][] };
  };
  prompt = ids.input_ids.tolist()[0]!.map(Number);
});
afterAll(async () => {
  await llm?.release();
  tmp?.cleanup();
});

test("the test folder has the files the runner reads, in its layout", () => {
  const { generation: _g, "model-data": _d, ...layout } = llmFiles();
  expect(TINY_LLM_FILES).toEqual({ ...layout, generation: "generation_config.json" });
  const paths = Object.fromEntries(Object.entries(TINY_LLM_FILES).map(([r, n]) => [r, join("/m/l", n)]));
  expect(llmFolder(paths)).toBe("/m/l");
  expect(() => llmFolder({ ...paths, model: "/m/l/model.onnx" })).toThrow(/model must be onnx\/model.onnx/);
  expect(llmFolder({ ...paths, model: "/m/l/onnx/model_q4.onnx" }, "q4")).toBe("/m/l");
  const { tokenizer: _t, ...noTokenizer } = paths;
  expect(() => llmFolder(noTokenizer)).toThrow(/needs a tokenizer file/);
});

describe("a causal LM through transformers.js from a local folder", () => {
  test("greedy: the model's argmax token by token, max_tokens of them (KV cache = full recompute)", async () => {
    const ref = await reference(12);
    expect(ref.tokens).toHaveLength(12);
    expect(ref.tokens).not.toContain(TINY_LLM_EOS);
    const deltas: string[] = [];
    const out = await llm.generate(messages, {
      maxNewTokens: 12,
      temperature: 0,
      onText: (d) => deltas.push(d),
    });
    expect(out.tokens).toEqual(ref.tokens);
    expect(out.text).toBe(ref.text);
    expect(out.text.length).toBeGreaterThan(0);
    expect(deltas.join("")).toBe(out.text);
    expect(out).toMatchObject({ promptTokens: prompt.length, finishReason: "length" });
  });

  test("max_tokens 1: one token, the first argmax", async () => {
    const ref = await reference(1);
    const out = await llm.generate(messages, { maxNewTokens: 1, temperature: 0 });
    expect(out.tokens).toEqual(ref.tokens);
  });

  test("an aborted job stops generating", async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      llm.generate(messages, { maxNewTokens: 8, temperature: 0, signal: abort.signal }),
    ).rejects.toMatchObject({ code: "JOB_ABORTED" });
  });

  test("a folder without a model is MODEL_LOAD_FAILED, and nothing is fetched", async () => {
    await expect(loadLlm(join(tmp.dir, "missing"))).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      details: { reason: expect.stringContaining("allowRemoteModels=false") },
    });
  });
});

describe("llm through the runner's executors and model store", () => {
  let ex: RunnerExecutors;
  let jobs = 0;
  const ctx = (): ExecContext => {
    const workDir = join(tmp.dir, `job-${jobs++}`);
    mkdirSync(workDir);
    return { workDir, signal: new AbortController().signal, onProgress() {} };
  };
  const job = (params: Record<string, unknown>) =>
    ({ kind: "ai", pipeline: "llm", modelId: "test/tiny-llm", files: {}, params }) as const;

  beforeAll(() => {
    const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
    const files = Object.entries(TINY_LLM_FILES).map(([role, name]) => {
      const path = join(folder, name);
      return { role, path, sha256: sha(path) };
    });
    const manifest = join(tmp.dir, "manifest.json");
    writeFileSync(
      manifest,
      JSON.stringify({
        version: 2,
        models: [
          {
            pipeline: "llm",
            modelId: "test/tiny-llm",
            kind: "llm",
            format: "transformers",
            files,
            warm: true,
            price: { pricePerUnit: "7", pixelsPerUnit: "1" },
          },
        ],
      }),
    );
    ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
  });
  afterAll(async () => {
    await ex?.close();
  });

  test("a warm model is loaded at start and reported so", async () => {
    const caps = await ex.probe();
    expect(caps.capabilities).toContain("llm");
    expect(caps.models).toContainEqual(
      expect.objectContaining({ pipeline: "llm", modelId: "test/tiny-llm", warm: true, loaded: true }),
    );
  });

  test("go-livepeer's LLMResponse; units = max_tokens; the greedy completion", async () => {
    const ref = await reference(10);
    const r = await ex.execute(job({ messages, max_tokens: 10, temperature: 0, stream: true }), ctx());
    expect(r.units).toBe(10n);
    expect(r.engine).toBe("transformers.js/cpu");
    const d = r.data as Record<string, unknown>;
    expect(d).toMatchObject({
      model: "test/tiny-llm",
      usage: { prompt_tokens: prompt.length, completion_tokens: 10, total_tokens: prompt.length + 10 },
      choices: [{ index: 0, message: { role: "assistant", content: ref.text }, finish_reason: "length" }],
    });
    expect(d.id).toMatch(/^chatcmpl-/);
    expect((d.deltas as string[]).join("")).toBe(ref.text);
  });

  test("units are max_tokens whatever is generated; 256 when absent", async () => {
    const r = await ex.execute(job({ messages, max_tokens: 3, temperature: 0 }), ctx());
    expect(r.units).toBe(3n);
    expect((r.data as { usage: { completion_tokens: number } }).usage.completion_tokens).toBeLessThanOrEqual(
      3,
    );
  });

  test("no messages, or a malformed one, is INVALID_INPUT", async () => {
    await expect(ex.execute(job({ max_tokens: 4 }), ctx())).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      ex.execute(job({ messages: [{ role: "user" }], max_tokens: 4 }), ctx()),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

test("a runner without an llm model does not serve llm", async () => {
  const manifest = join(tmp.dir, "empty.json");
  writeFileSync(manifest, JSON.stringify({ version: 2, models: [] }));
  const ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
  try {
    const caps = await ex.probe();
    expect(caps.capabilities).not.toContain("llm");
    await expect(
      ex.execute({ kind: "ai", pipeline: "llm", modelId: "", files: {}, params: { messages } }, ctx0()),
    ).rejects.toMatchObject({ code: "UNKNOWN_PIPELINE" });
  } finally {
    await ex.close();
  }
});

function ctx0(): ExecContext {
  const workDir = join(tmp.dir, "job-none");
  mkdirSync(workDir, { recursive: true });
  return { workDir, signal: new AbortController().signal, onProgress() {} };
}
