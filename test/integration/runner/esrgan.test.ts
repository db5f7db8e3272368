import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { planTiles, upscaleRgb } from "../../../src/node-runner/ai/esrgan-tiles.ts";
import { loadImage } from "../../../src/node-runner/ai/image.ts";
import { rasterOf } from "../../../src/node-runner/ai/raster.ts";
import { loadTfModel, startTf } from "../../../src/node-runner/ai/tfjs.ts";
import { TfjsThread } from "../../../src/node-runner/ai/tfjs-thread.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { tempDir } from "../../helpers/media.ts";
import { esrganEntry, esrganSlim, psnr, titleSkipping } from "../../helpers/npm-models.ts";

// What this proves: the ESRGAN slim models shipped in @upscalerjs/esrgan-slim load from local files
// into TF.js (wasm backend) inside the runner and, through the executor, reproduce the package's
// own expected ×2 and ×4 outputs of its reference photo; tiling a larger input changes the result
// by no more than rounding; the job reports the TF.js engine and bills h·w of the input; the model
// runs in a worker thread, so the runner's timers (its heartbeats) fire during inference.

const x2 = esrganSlim(2);
const missing = x2 ? undefined : "@upscalerjs/esrgan-slim is not installed";

/** Every pixel of a width×height image lies in exactly one tile core, inside its padded region. */
function coverage(width: number, height: number, tile: number, pad: number): number[] {
  const hits = new Array<number>(width * height).fill(0);
  for (const t of planTiles(width, height, tile, pad)) {
    expect(t.px).toBeLessThanOrEqual(t.x);
    expect(t.py).toBeLessThanOrEqual(t.y);
    expect(t.px + t.pw).toBeGreaterThanOrEqual(t.x + t.w);
    expect(t.py + t.ph).toBeGreaterThanOrEqual(t.y + t.h);
    expect(t.px + t.pw).toBeLessThanOrEqual(width);
    for (let y = t.y; y < t.y + t.h; y++) for (let x = t.x; x < t.x + t.w; x++) hits[y * width + x]!++;
  }
  return [...new Set(hits)];
}

test("tiles cover every pixel exactly once, with context clamped to the image", () => {
  expect(coverage(500, 301, 192, 16)).toEqual([1]);
  expect(coverage(128, 128, 192, 16)).toEqual([1]);
  expect(planTiles(128, 128, 192, 16)).toHaveLength(1);
  expect(coverage(7, 5, 2, 1)).toEqual([1]);
});

describe.skipIf(missing !== undefined)(
  titleSkipping("ESRGAN slim through the runner (TF.js wasm)", missing),
  () => {
    let tmp: ReturnType<typeof tempDir>;
    let ex: RunnerExecutors;
    let jobs = 0;
    const ctx = (): ExecContext => {
      const workDir = join(tmp.dir, `job-${jobs++}`);
      mkdirSync(workDir);
      return { workDir, signal: new AbortController().signal, onProgress() {} };
    };
    const rgbOf = async (path: string) => new Uint8Array(await sharp(path).removeAlpha().raw().toBuffer());

    beforeAll(() => {
      tmp = tempDir("runner-esrgan-");
      const manifest = join(tmp.dir, "models.json");
      // ×2 warm (loaded at start), ×4 cold (loaded for its job, disposed of after).
      writeFileSync(
        manifest,
        JSON.stringify({ version: 2, models: [esrganEntry(2, true), esrganEntry(4, false)] }),
      );
      ex = createExecutors({ modelsManifest: manifest, modelIdleMs: 0 });
    });
    afterAll(async () => {
      await ex.close();
      tmp.cleanup();
    });

    test("the runner advertises upscale with both models, the warm one loaded", async () => {
      const caps = await ex.probe();
      expect(caps.capabilities).toContain("upscale");
      expect(caps.models).toEqual([
        {
          pipeline: "upscale",
          modelId: "upscalerjs/esrgan-slim-x2",
          warm: true,
          format: "tfjs",
          loaded: true,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
        {
          pipeline: "upscale",
          modelId: "upscalerjs/esrgan-slim-x4",
          warm: false,
          format: "tfjs",
          loaded: false,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ]);
      expect(await ex.loadedModels()).toEqual(["upscale/upscalerjs/esrgan-slim-x2#tfjs"]);
    });

    for (const scale of [2, 4] as const) {
      test(`×${scale} reproduces the package's expected output of its reference photo`, async () => {
        const files = esrganSlim(scale)!;
        const r = await ex.execute(
          {
            kind: "ai",
            pipeline: "upscale",
            modelId: `upscalerjs/esrgan-slim-x${scale}`,
            files: { image: files.fixture },
            params: {},
          },
          ctx(),
        );
        expect(r.engine).toBe("tfjs/wasm");
        expect(r.units).toBe(128n * 128n);
        expect(r.outputs).toHaveLength(1);
        const out = r.outputs[0]!;
        expect([out.width, out.height, out.contentType]).toEqual([128 * scale, 128 * scale, "image/png"]);
        const got = await rgbOf(out.path);
        const want = await rgbOf(files.expected);
        // Measured 101 dB (×2) and 98 dB (×4): a handful of values off by one from float rounding.
        expect(psnr(got, want)).toBeGreaterThan(90);
        expect((r.data as { scale: number }).scale).toBe(scale);
      });
    }

    test("the cold ×4 model is not kept loaded after its job", async () => {
      expect(await ex.loadedModels()).toEqual(["upscale/upscalerjs/esrgan-slim-x2#tfjs"]);
    });

    test("a tiled run matches the whole-image run (tile seams hidden by the padding)", async () => {
      const tf = await startTf();
      const model = await loadTfModel(tf, x2!.modelJson);
      try {
        const img = rasterOf(await loadImage(x2!.fixture, null));
        const whole = await upscaleRgb(tf, model, img, { tile: 256 });
        const tiled = await upscaleRgb(tf, model, img, { tile: 48, pad: 16 });
        expect(planTiles(128, 128, 48, 16)).toHaveLength(9);
        expect([tiled.image.width, tiled.image.height]).toEqual([256, 256]);
        expect(psnr(tiled.image.data, whole.image.data)).toBeGreaterThan(60);
      } finally {
        model.dispose();
      }
    });

    test("the runner's timers keep firing while the model runs (inference is off the event loop)", async () => {
      // Two tiles of the ×2 model, each seconds of synchronous wasm work. The agent's heartbeat is
      // a setInterval on this same event loop: an interval probe stands in for it. Before TF.js
      // moved into a worker, no timer ran between the first tile's end and the second's.
      const wide = join(tmp.dir, "wide.png");
      await sharp(x2!.fixture).removeAlpha().resize(384, 192).png().toFile(wide);
      let ticks = 0;
      const probe = setInterval(() => ticks++, 1);
      const atTile: number[] = [];
      try {
        const job = ctx();
        const r = await ex.execute(
          { kind: "ai", pipeline: "upscale", modelId: "", files: { image: wide }, params: {} },
          {
            ...job,
            onProgress(_f, note) {
              if (note === "upscale") atTile.push(ticks);
            },
          },
        );
        expect([r.outputs[0]!.width, (r.data as { tiles: number }).tiles]).toEqual([768, 2]);
      } finally {
        clearInterval(probe);
      }
      expect(atTile).toHaveLength(2);
      expect(atTile[1]! - atTile[0]!).toBeGreaterThan(0);
    });

    test("an abort stops the run in the worker (JOB_ABORTED), and the model still serves", async () => {
      const thread = await TfjsThread.load(x2!.modelJson);
      try {
        const square = join(tmp.dir, "square.png");
        await sharp(x2!.fixture).removeAlpha().resize(384, 384).png().toFile(square);
        const img = rasterOf(await loadImage(square, null));
        expect(planTiles(384, 384)).toHaveLength(4);
        const code = (p: Promise<unknown>) =>
          p.then(
            () => "resolved",
            (e: { code?: string }) => e.code,
          );
        // Aborted before it starts: the worker reads the flag before the first tile.
        const early = new AbortController();
        early.abort();
        expect(await code(thread.upscale(img, { signal: early.signal }))).toBe("JOB_ABORTED");
        // Aborted when the first tile is reported: the flag is set while the next one runs, so
        // the worker stops before the last (a tile takes far longer than a message's delivery).
        const late = new AbortController();
        let tiles = 0;
        const stopped = thread.upscale(img, {
          signal: late.signal,
          onTile: () => {
            tiles++;
            late.abort();
          },
        });
        expect(await code(stopped)).toBe("JOB_ABORTED");
        expect(tiles).toBeLessThan(4);
        const after = await thread.upscale(rasterOf(await loadImage(x2!.fixture, null)));
        expect([after.image.width, after.scale]).toEqual([256, 2]);
      } finally {
        await thread.close();
      }
    });

    test("a JPEG input is decoded in-process; text is INVALID_MEDIA", async () => {
      const jpeg = join(tmp.dir, "in.jpg");
      await sharp(x2!.fixture).removeAlpha().resize(40, 30).jpeg().toFile(jpeg);
      const r = await ex.execute(
        { kind: "ai", pipeline: "upscale", modelId: "", files: { image: jpeg }, params: {} },
        ctx(),
      );
      expect([r.outputs[0]!.width, r.outputs[0]!.height]).toEqual([80, 60]);
      expect(r.units).toBe(40n * 30n);
      const txt = join(tmp.dir, "note.txt");
      writeFileSync(txt, "not an image");
      const err = await ex
        .execute({ kind: "ai", pipeline: "upscale", modelId: "", files: { image: txt }, params: {} }, ctx())
        .catch((e: unknown) => e);
      expect((err as { code: string }).code).toBe("INVALID_MEDIA");
    });
  },
);
