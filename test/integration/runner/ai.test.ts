import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodePng, encodePng } from "../../../src/node-runner/ai/png.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { SEPIA, writeDefaultModels } from "../../../src/node-runner/models/build.ts";
import { makeSolidImage, tempDir } from "../../helpers/media.ts";

let tmp: ReturnType<typeof tempDir>;
let manifest: string;
let red: string;
let blue: string;
let redJpeg: string;
let pattern: string;
/** A 3×2 image with distinct pixel values. */
const PATTERN = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 100, 50, 7, 8, 9]);

beforeAll(async () => {
  tmp = tempDir("runner-ai-");
  manifest = await writeDefaultModels(join(tmp.dir, "models"), { vadModelPath: null });
  red = await makeSolidImage(tmp.dir, "red.png", "red", 40, 30);
  blue = await makeSolidImage(tmp.dir, "blue.png", "blue", 24, 24);
  redJpeg = await makeSolidImage(tmp.dir, "red.jpg", "red", 32, 32);
  pattern = join(tmp.dir, "pattern.png");
  writeFileSync(pattern, encodePng({ width: 3, height: 2, data: PATTERN }));
});
afterAll(() => tmp.cleanup());

let jobs = 0;
/** A fresh work directory per job, as the agent gives each job. */
const ctx = (): ExecContext => {
  const workDir = join(tmp.dir, `job-${jobs++}`);
  mkdirSync(workDir);
  return { workDir, signal: new AbortController().signal, onProgress() {} };
};
const ai = (pipeline: string, files: Record<string, string>, params: Record<string, unknown> = {}) =>
  ({ kind: "ai", pipeline, modelId: "", files, params }) as const;

for (const backend of ["node", "web"] as const) {
  describe(`AI pipelines on onnxruntime-${backend}`, () => {
    let ex: RunnerExecutors;
    beforeAll(() => {
      // Cold models are freed as soon as their job ends, so the test can see it.
      ex = createExecutors({ modelsManifest: manifest, onnxBackend: backend, modelIdleMs: 0 });
    });
    afterAll(() => ex.close());

    test("probe lists the backend, its execution providers and the models", async () => {
      const caps = await ex.probe();
      expect(caps.onnx[0]!.backend).toBe(`onnxruntime-${backend}`);
      expect(caps.onnx[0]!.executionProviders).toContain(backend === "node" ? "cpu" : "wasm");
      expect(caps.models).toContainEqual({
        pipeline: "upscale",
        modelId: "tiny/upscale-nearest-2x",
        warm: true,
        format: "onnx",
        loaded: true,
        // The default manifest's price, reported so the edge can advertise it.
        price: { pricePerUnit: "1000", pixelsPerUnit: "1" },
      });
      expect(caps.capabilities).toEqual(["transcode", "upscale", "image-to-image", "image-to-text"]);
      const state = await ex.state();
      // Every provider the runner may use was probed; CUDA only counts with a GPU that runs it.
      const probed = Object.fromEntries(state.providers.map((p) => [p.provider, p.available]));
      if (backend === "web") expect(probed).toEqual({ wasm: true });
      else {
        expect(Object.keys(probed).sort()).toEqual(["cpu", "cuda"]);
        expect(probed.cpu).toBe(true);
        if (state.gpus.length === 0) expect(probed.cuda).toBe(false);
      }
    });

    test("image-to-text: the classifier picks red for red and blue for blue", async () => {
      const r1 = await ex.execute(ai("image-to-text", { image: red }), ctx());
      const r2 = await ex.execute(ai("image-to-text", { image: blue }, { top_k: 2 }), ctx());
      const d1 = r1.data as { text: string; labels: { label: string; score: number }[] };
      const d2 = r2.data as typeof d1;
      expect(d1.text).toBe("red");
      expect(d1.labels[0]!.score).toBeGreaterThan(0.99);
      expect(d1.labels.map((l) => l.label).sort()).toEqual(["blue", "green", "red"]);
      expect(d2.text).toBe("blue");
      expect(d2.labels).toHaveLength(2);
      expect(r1.units).toBe(40n * 30n);
      expect(r1.engine).toBe(backend === "node" ? "onnxruntime-node/cpu" : "onnxruntime-web/wasm");
    });

    test("image-to-text reads a JPEG through FFmpeg", async () => {
      const r = await ex.execute(ai("image-to-text", { image: redJpeg }), ctx());
      expect((r.data as { text: string }).text).toBe("red");
    });

    test("upscale doubles the size and each pixel becomes a 2×2 block of the same value", async () => {
      const r = await ex.execute(ai("upscale", { image: pattern }), ctx());
      const out = decodePng(new Uint8Array(readFileSync(r.outputs[0]!.path)));
      expect([out.width, out.height]).toEqual([6, 4]);
      expect([r.outputs[0]!.width, r.outputs[0]!.height]).toEqual([6, 4]);
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 6; x++) {
          const src = ((y >> 1) * 3 + (x >> 1)) * 3;
          const dst = (y * 6 + x) * 3;
          expect([...out.data.subarray(dst, dst + 3)]).toEqual([...PATTERN.subarray(src, src + 3)]);
        }
      }
      expect(r.units).toBe(6n);
    });

    test("image-to-image applies the sepia matrix scaled by strength", async () => {
      const full = await ex.execute(ai("image-to-image", { image: pattern }, { strength: 1 }), ctx());
      const none = await ex.execute(ai("image-to-image", { image: pattern }, { strength: 0 }), ctx());
      const half = await ex.execute(ai("image-to-image", { image: pattern }, { strength: 0.5 }), ctx());
      const read = (p: string) => decodePng(new Uint8Array(readFileSync(p))).data;
      const [f, n, h] = [full, none, half].map((r) => read(r.outputs[0]!.path));
      expect([...n!]).toEqual([...PATTERN]);
      for (let i = 0; i < 6; i++) {
        const rgb = [...PATTERN.subarray(i * 3, i * 3 + 3)].map((v) => v / 255);
        for (let c = 0; c < 3; c++) {
          const toned = Math.min(
            1,
            SEPIA[c]!.reduce((a, w, k) => a + w * rgb[k]!, 0),
          );
          expect(Math.abs(f![i * 3 + c]! - toned * 255)).toBeLessThanOrEqual(1);
          const mixed =
            rgb[c]! +
            0.5 *
              (Math.min(
                1,
                SEPIA[c]!.reduce((a, w, k) => a + w * rgb[k]!, 0),
              ) -
                rgb[c]!);
          expect(Math.abs(h![i * 3 + c]! - mixed * 255)).toBeLessThanOrEqual(1);
        }
      }
      // The sepia model is cold: it is not kept loaded after the job; the warm ones are.
      expect((await ex.loadedModels()).sort()).toEqual([
        "image-to-text/tiny/color-classifier#onnx:model",
        "upscale/tiny/upscale-nearest-2x#onnx:model",
      ]);
    });

    test("bad input: not an image → INVALID_MEDIA; strength out of range → INVALID_INPUT; unknown pipeline", async () => {
      const txt = join(tmp.dir, "note.txt");
      writeFileSync(txt, "hello");
      const e1 = await ex.execute(ai("upscale", { image: txt }), ctx()).catch((e) => e);
      expect(e1.code).toBe("INVALID_MEDIA");
      const e2 = await ex
        .execute(ai("image-to-image", { image: red }, { strength: 3 }), ctx())
        .catch((e) => e);
      expect(e2.code).toBe("INVALID_INPUT");
      const e3 = await ex.execute(ai("text-to-image", {}), ctx()).catch((e) => e);
      expect(e3.code).toBe("UNKNOWN_PIPELINE");
      const e4 = await ex
        .execute({ ...ai("upscale", { image: red }), modelId: "nope" }, ctx())
        .catch((e) => e);
      expect(e4.code).toBe("MODEL_NOT_FOUND");
    });
  });
}
