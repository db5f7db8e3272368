import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  fixedWindows,
  loadWhisper,
  speechWindows,
  WHISPER_FILES,
  type Whisper,
  type WhisperRole,
  whisperFolder,
} from "../../../src/node-runner/ai/speech/whisper.ts";
import { synthVowels, tempDir } from "../../helpers/media.ts";
import { TINY_WHISPER_FILES, TINY_WHISPER_TEXT, writeTinyWhisper } from "../../helpers/tiny-whisper.ts";

// What this proves: the runner's Whisper path — transformers.js loading a model folder from disk
// only (config, generation config, feature extractor, tokenizer, ONNX encoder and merged decoder),
// its log-mel features, greedy generation with the forced <|en|><|transcribe|><|notimestamps|>
// prompt, and tokenizer decoding — works end to end on a tiny folder the test builds. The tiny
// model's weights are chosen so that its transcript is known: a sentence for audio with sound in it,
// nothing for silence. What it cannot prove: recognition quality of a real Whisper checkpoint
// (none ships on npm, and nothing is downloaded).

let tmp: ReturnType<typeof tempDir>;
let folder: string;
let whisper: Whisper;

beforeAll(async () => {
  tmp = tempDir("runner-whisper-");
  folder = writeTinyWhisper(join(tmp.dir, "tiny-whisper"));
  whisper = await loadWhisper(folder, 32);
});
afterAll(async () => {
  await whisper?.release();
  tmp?.cleanup();
});

test("the test folder has exactly the files the runner requires", () => {
  expect(TINY_WHISPER_FILES).toEqual({ ...WHISPER_FILES });
});

describe("Whisper through transformers.js from a local folder", () => {
  test("sound → the model's sentence, decoded by its tokenizer", async () => {
    expect(await whisper.transcribe(synthVowels(2, 0.2, 1.8))).toBe(TINY_WHISPER_TEXT);
  });

  test("silence → no text", async () => {
    expect(await whisper.transcribe(new Float32Array(16000))).toBe("");
  });

  test("a folder without a model is MODEL_LOAD_FAILED, and nothing is fetched", async () => {
    await expect(loadWhisper(join(tmp.dir, "missing"))).rejects.toMatchObject({
      code: "MODEL_LOAD_FAILED",
      details: { reason: expect.stringContaining("allowRemoteModels=false") },
    });
  });
});

test("whisperFolder: the files must be in transformers.js's layout", () => {
  const paths = Object.fromEntries(
    Object.entries(WHISPER_FILES).map(([role, name]) => [role, join("/m/w", name)]),
  ) as Record<WhisperRole, string>;
  expect(whisperFolder(paths)).toBe("/m/w");
  expect(() => whisperFolder({ ...paths, encoder: "/m/w/encoder.onnx" })).toThrow(/encoder must be/);
});

test("speech windows: neighbours merged up to 30 s, long speech cut", () => {
  expect(
    speechWindows([
      { start: 1, end: 5 },
      { start: 8, end: 20 },
      { start: 40, end: 100 },
    ]),
  ).toEqual([
    { start: 1, end: 20 },
    { start: 40, end: 70 },
    { start: 70, end: 100 },
  ]);
  expect(fixedWindows(65)).toEqual([
    { start: 0, end: 30 },
    { start: 30, end: 60 },
    { start: 60, end: 65 },
  ]);
  expect(fixedWindows(0)).toEqual([]);
});
