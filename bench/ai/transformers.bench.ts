/**
 * The transformers.js pipelines (llm, text-to-speech) through the runner's executor vs the bare
 * library calls on the same input, on the tiny models the tests build (test/helpers/tiny-llm.ts,
 * tiny-vits.ts): what the runner adds (model store, parameter checks, chat template, per-token
 * callback, LLMResponse; WAV encoding and the output file) over transformers.js itself. Tiny random
 * weights: the absolute times say nothing about a real model, only the runner's overhead.
 * Also the cold start: loading each folder against a call on the loaded model.
 *   npx bun run bench/ai/transformers.bench.ts
 */

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { loadVits } from "../../src/node-runner/ai/speech/vits.ts";
import { loadLlm } from "../../src/node-runner/ai/text/llm.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { TINY_LLM_FILES, writeTinyLlm } from "../../test/helpers/tiny-llm.ts";
import { TINY_VITS_FILES, writeTinyVits } from "../../test/helpers/tiny-vits.ts";
import { BENCH_ENV } from "../env.ts";

const { BENCH_ITER: ITER } = readEnv(BENCH_ENV, process.env);
const TOKENS = 32;
const TEXT = "The quick brown fox jumps over the lazy dog, twice. ".repeat(2).trim();
const messages = [{ role: "user", content: "Write something short." }];

interface Cost {
  wall: number;
  cpu: number;
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** ms per call, wall and CPU: the best of three samples of iter/3 calls after 3 warm-ups. */
async function perOp(iter: number, fn: () => Promise<unknown>, warm = 3): Promise<Cost> {
  for (let i = 0; i < warm; i++) await fn();
  const n = Math.max(1, Math.round(iter / 3));
  const best: Cost = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let k = 0; k < 3; k++) {
    const [w0, c0] = [performance.now(), cpuNow()];
    for (let i = 0; i < n; i++) await fn();
    best.wall = Math.min(best.wall, (performance.now() - w0) / n);
    best.cpu = Math.min(best.cpu, (cpuNow() - c0) / n);
  }
  return best;
}
const fmt = (c: Cost) => `${c.wall.toFixed(2).padStart(7)} (cpu ${c.cpu.toFixed(2).padStart(7)})`;
const ratio = (a: Cost, b: Cost) => `${(a.wall / b.wall).toFixed(2)}x (cpu ${(a.cpu / b.cpu).toFixed(2)}x)`;

const tmp = tempDir("bench-transformers-");
try {
  const llmDir = writeTinyLlm(join(tmp.dir, "tiny-llm"));
  const vitsDir = writeTinyVits(join(tmp.dir, "tiny-vits"));
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const files = (dir: string, layout: Record<string, string>) =>
    Object.entries(layout).map(([role, name]) => ({
      role,
      path: join(dir, name),
      sha256: sha(join(dir, name)),
    }));
  const price = { pricePerUnit: "1", pixelsPerUnit: "1" };
  const manifest = join(tmp.dir, "manifest.json");
  writeFileSync(
    manifest,
    JSON.stringify({
      version: 2,
      models: [
        {
          pipeline: "llm",
          modelId: "tiny-llm",
          kind: "llm",
          format: "transformers",
          files: files(llmDir, TINY_LLM_FILES),
          warm: true,
          price,
        },
        {
          pipeline: "text-to-speech",
          modelId: "tiny-vits",
          kind: "vits",
          format: "transformers",
          files: files(vitsDir, TINY_VITS_FILES),
          warm: true,
          price,
        },
      ],
    }),
  );
  const ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
  await ex.state();
  let n = 0;
  const ctx = () => {
    const workDir = join(tmp.dir, `j${n++}`);
    mkdirSync(workDir);
    return { workDir, signal: new AbortController().signal, onProgress() {} };
  };
  const job = (pipeline: string, modelId: string, params: Record<string, unknown>) =>
    ({ kind: "ai", pipeline, modelId, files: {}, params }) as const;

  // The bare calls: transformers.js on the same folders, through the runner's own loaders' library.
  const t = await import("@huggingface/transformers");
  t.env.allowRemoteModels = false;
  const tok = await t.AutoTokenizer.from_pretrained(llmDir, { local_files_only: true });
  const lm = await t.AutoModelForCausalLM.from_pretrained(llmDir, {
    local_files_only: true,
    dtype: "fp32",
    device: "cpu",
  });
  const vtok = await t.AutoTokenizer.from_pretrained(vitsDir, { local_files_only: true });
  const voice = await t.VitsModel.from_pretrained(vitsDir, {
    local_files_only: true,
    dtype: "fp32",
    device: "cpu",
  });

  // Both sides generate the same number of tokens.
  const first = (
    await ex.execute(job("llm", "tiny-llm", { messages, max_tokens: TOKENS, temperature: 0 }), ctx())
  ).data as { usage: { completion_tokens: number } };
  // The tiny model may end early: the bare call generates exactly as many as the job did.
  const generated = first.usage.completion_tokens;
  const llmJob = await perOp(ITER, () =>
    ex.execute(job("llm", "tiny-llm", { messages, max_tokens: TOKENS, temperature: 0 }), ctx()),
  );
  const llmBare = await perOp(ITER, async () => {
    const inputs = tok.apply_chat_template(messages, {
      add_generation_prompt: true,
      return_dict: true,
    }) as Record<string, unknown>;
    return lm.generate({ ...inputs, max_new_tokens: generated, min_new_tokens: generated, do_sample: false });
  });
  const ttsJob = await perOp(ITER, () =>
    ex.execute(job("text-to-speech", "tiny-vits", { text: TEXT }), ctx()),
  );
  const ttsBare = await perOp(ITER, () => voice(vtok(TEXT)));
  const llmLoad = await perOp(3, async () => (await loadLlm(llmDir)).release(), 0);
  const vitsLoad = await perOp(3, async () => (await loadVits(vitsDir)).release(), 0);

  console.log(`tiny random-weight models; ${ITER} iterations after 3 warm-ups; ms per call, wall (cpu)`);
  console.log(
    `llm, ${generated} tokens greedy   runner job ${fmt(llmJob)}   bare generate ${fmt(llmBare)}   ${ratio(llmJob, llmBare)}`,
  );
  console.log(
    `text-to-speech, ${TEXT.length} chars  runner job ${fmt(ttsJob)}   bare model call ${fmt(ttsBare)}   ${ratio(ttsJob, ttsBare)}`,
  );
  console.log(`cold start (load the folder): llm ${fmt(llmLoad)}, vits ${fmt(vitsLoad)}`);
  await lm.dispose();
  await voice.dispose();
  await ex.close();
} finally {
  tmp.cleanup();
}
