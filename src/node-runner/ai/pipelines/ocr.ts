import { z } from "zod";
import { LivepeerError } from "../../../wire/errors.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import { loadImage } from "../image.ts";
import { modelFile } from "../manifest.ts";
import { ocrAlphabet } from "../ocr/ctc.ts";
import { OCR_DEFAULTS, type OcrModel, type OcrOptions, runOcr } from "../ocr/engine.ts";
import type { Loader, OnnxModel } from "../store.ts";
import { inputFile, ms, type Pipeline } from "./types.ts";

/** The manifest's `options` for kind "ocr": each overrides one of OCR_DEFAULTS. */
const ocrOptionsSchema = z
  .object({
    threshold: z.number().min(0).max(1),
    boxThreshold: z.number().min(0).max(1),
    unclipRatio: z.number().min(0).max(10),
    minSize: z.number().min(0).max(100),
    maxCandidates: z.number().int().min(1).max(10_000),
    limitSideLen: z.number().int().min(32).max(8192),
    dropScore: z.number().min(0).max(1),
    clsThreshold: z.number().min(0).max(1),
  })
  .partial()
  .strict();

export function ocrOptions(raw: unknown): OcrOptions {
  const parsed = ocrOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new LivepeerError("INVALID_MANIFEST", "invalid options for an ocr model", {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  const set = Object.entries(parsed.data).filter(([, v]) => v !== undefined);
  return { ...OCR_DEFAULTS, ...Object.fromEntries(set) };
}

/** The key list (role "keys"), read once per load through the store's hash check. */
const keysLoader: Loader<string> = async (_entry, ctx) => ({
  model: new TextDecoder().decode(await ctx.read("keys")),
  engine: "",
  exclusive: false,
  release: async () => undefined,
});

const asOcrModel = (m: OnnxModel): OcrModel => ({ session: m.session, Tensor: m.ort.Tensor });

/**
 * image-to-text by OCR with a PP-OCR model set (roles det, rec, optional cls, keys): DB text
 * detection, the 0°/180° classifier, CRNN recognition with CTC decoding (src/node-runner/ai/ocr).
 * Answers Livepeer's ImageToTextResponse field `text` (lines joined by newlines) plus each line's
 * box (four corners, input pixels), recognition score and detection score. Units: h·w of the input.
 * A `prompt` (captioning models read one) is refused: OCR has no use for it.
 */
export const ocr: Pipeline = async (run) => {
  const t0 = performance.now();
  if (typeof run.params.prompt === "string" && run.params.prompt.trim() !== "") {
    throw new LivepeerError(
      "INVALID_INPUT",
      "this image-to-text model reads text (OCR) and takes no prompt",
      {
        details: { modelId: run.entry.modelId },
      },
    );
  }
  const options = ocrOptions(run.entry.options);
  const img = await loadImage(inputFile(run.files, "image"), run.ffmpeg, run.limits, run.images);
  const t1 = performance.now();
  const keys = await run.models.use("keys", keysLoader, async (k) => k);
  const hasCls = run.entry.files.some((f) => f.role === "cls");
  modelFile(run.entry, "det");
  modelFile(run.entry, "rec");
  const result = await run.models.onnx(
    (det) =>
      run.models.onnx(async (rec) => {
        const classes = rec.session.outputMetadata?.[0];
        const dims = classes && "shape" in classes ? (classes.shape as (number | string)[]) : [];
        const count = typeof dims.at(-1) === "number" ? (dims.at(-1) as number) : undefined;
        const alphabet = ocrAlphabet(keys, count ?? keys.split(/\r?\n/).filter(Boolean).length + 2);
        const sessions = { det: asOcrModel(det), rec: asOcrModel(rec) };
        if (!hasCls) return runOcr(img, sessions, alphabet, options, run.signal);
        return run.models.onnx(
          (cls) => runOcr(img, { ...sessions, cls: asOcrModel(cls) }, alphabet, options, run.signal),
          "cls",
        );
      }, "rec"),
    "det",
  );
  const t2 = performance.now();
  run.onProgress(1);
  return {
    outputs: [],
    data: {
      text: result.text,
      regions: result.regions.map((r) => ({
        text: r.text,
        score: r.score,
        boxScore: r.boxScore,
        box: r.box,
        rotated: r.rotated,
      })),
      width: img.width,
      height: img.height,
    },
    units: PIPELINES["image-to-text"].units({ image: img, params: {} }),
    timings: { decodeMs: t1 - t0, ...result.timings, totalOcrMs: t2 - t1, postprocessMs: ms(t2) },
  };
};
