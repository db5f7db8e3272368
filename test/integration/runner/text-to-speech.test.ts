import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadVits, VITS_FILES, type VitsRole, vitsFolder } from "../../../src/node-runner/ai/speech/vits.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { tempDir } from "../../helpers/media.ts";
import { TINY_VITS_FILES, TINY_VITS_HOP, TINY_VITS_RATE, writeTinyVits } from "../../helpers/tiny-vits.ts";

// What this proves: the runner's text-to-speech path — transformers.js loading a VITS folder from
// disk only (config, tokenizer, one ONNX graph answering waveform), the model's tokenizer reading the
// text, and a WAV at the model's sampling rate whose samples are the graph's own waveform for the
// tokenizer's ids (run here directly on onnxruntime-node) — on a tiny folder the test builds, through
// the executors and the model store. What it cannot prove: what a real voice sounds like (none ships
// on npm, and nothing is downloaded).

const TEXT = "Hello, world.";
let tmp: ReturnType<typeof tempDir>;
let folder: string;
let ex: RunnerExecutors;

/** The waveform the ONNX graph gives for the tokenizer's ids of `text`. */
async function reference(text: string): Promise<Float32Array> {
  const t = await import("@huggingface/transformers");
  const tokenizer = await t.AutoTokenizer.from_pretrained(folder, { local_files_only: true });
  const ids = (tokenizer(text) as { input_ids: { tolist(): bigint[][] } }).input_ids.tolist()[0]!;
  const ort = await import("onnxruntime-node");
  const s = await ort.InferenceSession.create(join(folder, TINY_VITS_FILES.model!));
  try {
    const n = ids.length;
    const r = await s.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids), [1, n]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]),
    });
    return r.waveform!.data as Float32Array;
  } finally {
    await s.release();
  }
}

/** The samples of a mono 16-bit WAV, as floats. */
function wavSamples(bytes: Uint8Array): { rate: number; samples: Float32Array } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("RIFF");
  expect([v.getUint16(20, true), v.getUint16(22, true), v.getUint16(34, true)]).toEqual([1, 1, 16]);
  const n = v.getUint32(40, true) / 2;
  return {
    rate: v.getUint32(24, true),
    samples: Float32Array.from({ length: n }, (_, i) => v.getInt16(44 + i * 2, true) / 32767),
  };
}

beforeAll(() => {
  tmp = tempDir("runner-tts-");
  folder = writeTinyVits(join(tmp.dir, "tiny-vits"));
  const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const files = Object.entries(TINY_VITS_FILES).map(([role, name]) => {
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
          pipeline: "text-to-speech",
          modelId: "test/tiny-vits",
          kind: "vits",
          format: "transformers",
          files,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ],
    }),
  );
  ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
});
afterAll(async () => {
  await ex?.close();
  tmp?.cleanup();
});

let jobs = 0;
const ctx = (): ExecContext => {
  const workDir = join(tmp.dir, `job-${jobs++}`);
  mkdirSync(workDir);
  return { workDir, signal: new AbortController().signal, onProgress() {} };
};
const job = (params: Record<string, unknown>) =>
  ({ kind: "ai", pipeline: "text-to-speech", modelId: "test/tiny-vits", files: {}, params }) as const;

test("the test folder has exactly the files the runner requires, in its layout", () => {
  expect(TINY_VITS_FILES).toEqual({ ...VITS_FILES });
  const paths = Object.fromEntries(
    Object.entries(VITS_FILES).map(([r, n]) => [r, join("/m/v", n)]),
  ) as Record<VitsRole, string>;
  expect(vitsFolder(paths)).toBe("/m/v");
  expect(() => vitsFolder({ ...paths, model: "/m/v/model.onnx" })).toThrow(/model must be onnx\/model.onnx/);
});

describe("text-to-speech with a VITS folder through the runner", () => {
  test("a WAV at the model's rate holding the graph's waveform for the tokenizer's ids; units = 1000 × characters", async () => {
    const want = await reference(TEXT);
    expect(want.length).toBe(TEXT.length * TINY_VITS_HOP);
    const r = await ex.execute(job({ text: TEXT }), ctx());
    expect(r.units).toBe(1000n * BigInt(TEXT.length));
    expect(r.engine).toBe("transformers.js/cpu");
    expect(r.outputs.map((o) => [o.name, o.contentType])).toEqual([["audio", "audio/wav"]]);
    const wav = wavSamples(new Uint8Array(readFileSync(r.outputs[0]!.path)));
    expect(wav.rate).toBe(TINY_VITS_RATE);
    expect(wav.samples.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(wav.samples[i]! - want[i]!));
    // 16-bit rounding only.
    expect(worst).toBeLessThanOrEqual(1 / 32767);
    expect(r.data).toMatchObject({ sampleRate: TINY_VITS_RATE, samples: want.length, tokens: TEXT.length });
  });

  test("a Parler-style description cannot steer the voice: not used, and the answer says so", async () => {
    const r = await ex.execute(job({ text: "hi", description: "A calm voice." }), ctx());
    expect(r.data).toMatchObject({ descriptionUsed: false });
  });

  test("text the voice cannot say is INVALID_INPUT; a folder without a model is MODEL_LOAD_FAILED", async () => {
    await expect(ex.execute(job({ text: "   " }), ctx())).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(loadVits(join(tmp.dir, "missing"))).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      details: { reason: expect.stringContaining("allowRemoteModels=false") },
    });
  });

  test("the runner reports text-to-speech with its model, cold until used", async () => {
    const caps = await ex.probe();
    expect(caps.capabilities).toContain("text-to-speech");
    expect(caps.models).toContainEqual(
      expect.objectContaining({ pipeline: "text-to-speech", modelId: "test/tiny-vits", warm: false }),
    );
  });
});
