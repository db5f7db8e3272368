import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  isnetInput,
  lowResLogits,
  probabilitiesToMask,
} from "../../../src/node-runner/ai/pipelines/background-removal.ts";
import type { ExecContext } from "../../../src/node-runner/executor.ts";
import { createExecutors, type RunnerExecutors } from "../../../src/node-runner/executors.ts";
import { tempDir } from "../../helpers/media.ts";
import { isnetEntry, isnetOnnx, titleSkipping } from "../../helpers/npm-models.ts";
import { discIoU, readPixels, SCENE, writeDiscScene } from "../../helpers/vision.ts";

// What this proves: the IS-Net model shipped in @imgly/background-removal-data, reassembled from its
// chunks, runs in the runner under segment-anything-2 with imgly's pre- and post-processing, and
// separates a known object from its background: the mask's IoU against the ground truth drawn by
// construction is ≥ 0.99, the cut-out keeps the colours and carries the mask as alpha, and the data
// has Livepeer's MasksResponse fields (masks, scores, logits) with the shapes they promise. Prompts
// are refused: IS-Net takes none. The scene is synthetic (a yellow disc on black): the model does
// as well on it as imgly's own; on flat light-grey backgrounds IS-Net leaves speckles (measured
// IoU 0.72 there), which is the model, not the processing.

const { width: W, height: H, cx, cy } = SCENE;

const model = (() => {
  try {
    return isnetOnnx("small");
  } catch {
    return null;
  }
})();
const missing = model ? undefined : "@imgly/background-removal-data is not installed";

test("imgly's normalisation, the 8-bit mask and the 256×256 logits", () => {
  const x = isnetInput({ width: 2, height: 1, channels: 3, data: Uint8Array.of(0, 128, 255, 64, 192, 32) });
  expect([...x]).toEqual([-0.5, -0.25, 0, 0.25, 255 / 256 - 0.5, -0.375]);
  const m = probabilitiesToMask(Float32Array.of(0, 0.5, 1, 1.2, -0.1), 5, 1);
  expect([...m.data]).toEqual([0, 127, 255, 255, 0]);
  // An 8×8 map whose left half is 1 and right half 0, averaged to 2×2 then as logits (±ln(1e4 − 1)).
  const p = new Float32Array(64).map((_, i) => (i % 8 < 4 ? 1 : 0));
  const rows = JSON.parse(lowResLogits(p, 8, 2)) as number[][];
  expect(rows).toHaveLength(2);
  expect(rows[0]![0]).toBeCloseTo(9.21, 2);
  expect(rows[1]![1]).toBeCloseTo(-9.21, 2);
});

describe.skipIf(missing !== undefined)(
  titleSkipping("IS-Net background removal through the runner", missing),
  () => {
    let tmp: ReturnType<typeof tempDir>;
    let ex: RunnerExecutors;
    let scene: string;
    let jobs = 0;
    const ctx = (): ExecContext => {
      const workDir = join(tmp.dir, `job-${jobs++}`);
      mkdirSync(workDir);
      return { workDir, signal: new AbortController().signal, onProgress() {} };
    };
    const seg = (params: Record<string, unknown> = {}, image = scene) =>
      ex.execute(
        { kind: "ai", pipeline: "segment-anything-2", modelId: "", files: { image }, params },
        ctx(),
      );
    const raw = readPixels;

    beforeAll(async () => {
      tmp = tempDir("runner-isnet-");
      scene = join(tmp.dir, "disc.png");
      await writeDiscScene(scene);
      const manifest = join(tmp.dir, "models.json");
      writeFileSync(manifest, JSON.stringify({ version: 2, models: [isnetEntry(model!)] }));
      ex = createExecutors({ modelsManifest: manifest });
    });
    afterAll(async () => {
      await ex.close();
      tmp.cleanup();
    });

    test("segment-anything-2 is advertised with the IS-Net model, loaded warm", async () => {
      const caps = await ex.probe();
      expect(caps.capabilities).toContain("segment-anything-2");
      expect(caps.models).toEqual([
        {
          pipeline: "segment-anything-2",
          modelId: "imgly/isnet-general-small",
          warm: true,
          format: "onnx",
          loaded: true,
          price: { pricePerUnit: "1", pixelsPerUnit: "1" },
        },
      ]);
      expect(await ex.loadedModels()).toEqual(["segment-anything-2/imgly/isnet-general-small#onnx:model"]);
    }, 300_000);

    test("the mask separates the disc (IoU ≥ 0.99); the cut-out is the input with the mask as alpha", async () => {
      const r = await seg();
      expect(r.engine).toBe("onnxruntime-node/cpu");
      expect(r.units).toBe(BigInt(W * H));
      expect(r.outputs.map((o) => [o.name, o.contentType, o.width, o.height])).toEqual([
        ["mask", "image/png", W, H],
        ["cutout", "image/png", W, H],
      ]);
      const mask = await raw(r.outputs[0]!.path);
      expect(mask.channels).toBe(1);
      expect(discIoU(mask.data)).toBeGreaterThanOrEqual(0.99);
      const cut = await raw(r.outputs[1]!.path);
      const input = await raw(scene);
      expect(cut.channels).toBe(4);
      for (let i = 0; i < W * H; i++) {
        if (cut.data[i * 4 + 3] !== mask.data[i]) throw new Error(`alpha differs from the mask at ${i}`);
        for (let c = 0; c < 3; c++) {
          if (cut.data[i * 4 + c] !== input.data[i * 3 + c]) throw new Error(`colour differs at ${i}`);
        }
      }
      const d = r.data as Record<string, unknown>;
      // MasksResponse: one mask of H×W logits, its score, and 256×256 low-resolution logits.
      const masks = JSON.parse(d.masks as string) as number[][][];
      expect([masks.length, masks[0]!.length, masks[0]![0]!.length]).toEqual([1, H, W]);
      expect(masks[0]![cy]![cx]!).toBeGreaterThan(0);
      expect(masks[0]![5]![5]!).toBeLessThan(0);
      const scores = JSON.parse(d.scores as string) as number[];
      expect(scores).toHaveLength(1);
      expect(scores[0]!).toBeGreaterThan(0.9);
      const logits = JSON.parse(d.logits as string) as number[][][];
      expect([logits.length, logits[0]!.length, logits[0]![0]!.length]).toEqual([1, 256, 256]);
      expect(d.foregroundFraction as number).toBeCloseTo((Math.PI * SCENE.r ** 2) / (W * H), 2);
      expect(d.method).toContain("IS-Net");
    }, 300_000);

    test("return_logits=false gives the mask as True/False, from a JPEG input", async () => {
      const jpeg = join(tmp.dir, "disc.jpg");
      await writeDiscScene(jpeg);
      const r = await seg({ return_logits: false }, jpeg);
      const d = r.data as { masks: string };
      const masks = JSON.parse(d.masks.replaceAll("True", "1").replaceAll("False", "0")) as number[][][];
      const flat = Uint8Array.from(masks[0]!.flat().map((v) => v * 255));
      expect(discIoU(flat)).toBeGreaterThanOrEqual(0.99);
    }, 300_000);

    test("prompts are refused with INVALID_INPUT; a bad flag too; text is INVALID_MEDIA", async () => {
      const e1 = (await seg({ point_coords: "[[10,10]]", point_labels: "[1]" }).catch((e: unknown) => e)) as {
        code: string;
        details: { unsupported: string[] };
      };
      expect(e1.code).toBe("INVALID_INPUT");
      expect(e1.details.unsupported).toEqual(["point_coords", "point_labels"]);
      const e2 = (await seg({ return_logits: "maybe" }).catch((e: unknown) => e)) as { code: string };
      expect(e2.code).toBe("INVALID_INPUT");
      const txt = join(tmp.dir, "note.txt");
      writeFileSync(txt, "not an image");
      const e3 = (await seg({}, txt).catch((e: unknown) => e)) as { code: string };
      expect(e3.code).toBe("INVALID_MEDIA");
    });
  },
);
