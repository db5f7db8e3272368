import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifest, MANIFEST_VERSION, parseManifest } from "../../../src/node-runner/ai/manifest.ts";
import { encodePng } from "../../../src/node-runner/ai/png.ts";
import { Runtimes } from "../../../src/node-runner/ai/runtimes.ts";
import { ModelStore } from "../../../src/node-runner/ai/store.ts";
import { createExecutors } from "../../../src/node-runner/executors.ts";
import { buildUpscaleModel, sha256Hex, writeDefaultModels } from "../../../src/node-runner/models/build.ts";
import { tempDir } from "../../helpers/media.ts";

// What this proves: the version-2 manifest (files with roles and sha256, format, providers) is
// read and checked; a version-1 manifest (one `file`, no hash) still loads; the store refuses a
// file whose bytes do not match its hash, at start and when a cold model is loaded later; warm
// models are loaded at start and cold ones are freed once idle; the job result names the engine.

let tmp: ReturnType<typeof tempDir>;
let manifestPath: string;
const price = { pricePerUnit: "7", pixelsPerUnit: "1" };

beforeAll(async () => {
  tmp = tempDir("runner-store-");
  manifestPath = await writeDefaultModels(join(tmp.dir, "models"), { vadModelPath: null });
});
afterAll(() => tmp.cleanup());

const entry = (over: Record<string, unknown> = {}) => ({
  pipeline: "upscale",
  modelId: "x/upscale",
  kind: "upscale",
  files: [{ role: "model", path: "m.onnx", sha256: "a".repeat(64) }],
  inputs: [{ name: "image", shape: [1, 3, "H", "W"] }],
  outputs: [{ name: "upscaled", shape: [1, 3, "H2", "W2"] }],
  price,
  ...over,
});

describe("manifest", () => {
  test("version 2: files resolve against the manifest's folder; format and warm default", () => {
    const m = parseManifest({ version: MANIFEST_VERSION, models: [entry()] }, "/models");
    expect(m.models[0]!.files).toEqual([{ role: "model", path: "/models/m.onnx", sha256: "a".repeat(64) }]);
    expect(m.models[0]!.format).toBe("onnx");
    expect(m.models[0]!.warm).toBe(false);
    expect(m.models[0]!.price).toEqual({ pricePerUnit: 7n, pixelsPerUnit: 1n });
  });

  test("a multi-file model: roles, tensors bound to a file, options, providers", () => {
    const m = parseManifest(
      {
        version: 2,
        models: [
          entry({
            pipeline: "image-to-text",
            modelId: "paddle/pp-ocrv4",
            kind: "image-classification",
            files: [
              { role: "det", path: "det.onnx", sha256: "1".repeat(64) },
              { role: "rec", path: "rec.onnx", sha256: "2".repeat(64), bytes: 10 },
              { role: "keys", path: "/abs/keys.txt", sha256: "3".repeat(64) },
            ],
            inputs: [
              { name: "x", shape: [1, 3, "H", "W"], file: "det" },
              { name: "x", shape: [1, 3, 48, "W"], file: "rec" },
            ],
            outputs: [],
            providers: ["webgpu", "wasm"],
            options: { boxThreshold: 0.6 },
          }),
        ],
      },
      "/m",
    );
    const e = m.models[0]!;
    expect(e.files.map((f) => f.path)).toEqual(["/m/det.onnx", "/m/rec.onnx", "/abs/keys.txt"]);
    expect(e.providers).toEqual(["webgpu", "wasm"]);
    expect(e.options).toEqual({ boxThreshold: 0.6 });
  });

  test("refused: no hash, a bad hash, a role named twice, a tensor on an unknown file, a duplicate model, an unknown provider", () => {
    const bad = [
      { version: 2, models: [entry({ files: [{ role: "model", path: "m.onnx" }] })] },
      { version: 2, models: [entry({ files: [{ role: "model", path: "m.onnx", sha256: "XYZ" }] })] },
      {
        version: 2,
        models: [
          entry({
            files: [
              { role: "a", path: "1", sha256: "a".repeat(64) },
              { role: "a", path: "2", sha256: "b".repeat(64) },
            ],
          }),
        ],
      },
      { version: 2, models: [entry({ inputs: [{ name: "image", shape: [1], file: "nope" }] })] },
      { version: 2, models: [entry(), entry()] },
      { version: 2, models: [entry({ providers: ["tpu"] })] },
      { version: 3, models: [] },
    ];
    for (const raw of bad) {
      const err = (() => {
        try {
          parseManifest(raw, "/m");
          return null;
        } catch (e) {
          return e as { code: string };
        }
      })();
      expect([JSON.stringify(raw).slice(0, 60), err?.code]).toEqual([
        JSON.stringify(raw).slice(0, 60),
        "INVALID_MANIFEST",
      ]);
    }
  });

  test("a kind serves only its pipelines; a pipeline no kind serves cannot be named", () => {
    const refused = (pipeline: string, kind: string) => {
      try {
        parseManifest({ version: 2, models: [entry({ pipeline, kind })] }, "/m");
        return null;
      } catch (e) {
        return e as { code: string; message: string };
      }
    };
    expect(refused("image-to-video", "vad")).toMatchObject({
      code: "INVALID_MANIFEST",
      message: expect.stringContaining("kinds that do: stable-video-diffusion"),
    });
    expect(refused("image-to-video", "stable-video-diffusion")?.message).toContain("reads format diffusers");
    expect(refused("text-to-image", "vad")?.message).toContain("kinds that do: stable-diffusion");
    // A diffusion model reads a diffusers folder, and names the files its loop needs.
    expect(refused("text-to-image", "stable-diffusion")?.message).toContain("reads format diffusers");
    expect(refused("text-to-speech", "vad")?.message).toContain("kinds that do: vits");
    for (const p of ["text-to-image", "image-to-video"])
      expect(refused(p, "upscale")?.code).toBe("INVALID_MANIFEST");
    expect(refused("llm", "whisper")).toMatchObject({
      message: expect.stringContaining("kind whisper does not serve llm (kinds that do: llm)"),
    });
    expect(refused("upscale", "esrgan")).toBeNull();
  });

  test("version 1 (one `file`, no hash) still loads, as an unverified onnx model", () => {
    const { files: _f, ...rest } = entry();
    const m = parseManifest({ models: [{ ...rest, file: "old.onnx" }] }, "/old");
    expect(m.models[0]!.files).toEqual([{ role: "model", path: "/old/old.onnx" }]);
    expect(m.models[0]!.format).toBe("onnx");
  });

  test("an unreadable manifest file → INVALID_MANIFEST", async () => {
    const err = await loadManifest(join(tmp.dir, "absent.json")).catch((e) => e);
    expect(err.code).toBe("INVALID_MANIFEST");
  });
});

describe("model store", () => {
  const writeModel = (dir: string, warm: boolean) => {
    mkdirSync(dir, { recursive: true });
    const bytes = buildUpscaleModel();
    writeFileSync(join(dir, "up.onnx"), bytes);
    const path = join(dir, "manifest.json");
    writeFileSync(
      path,
      JSON.stringify({
        version: 2,
        models: [entry({ files: [{ role: "model", path: "up.onnx", sha256: sha256Hex(bytes) }], warm })],
      }),
    );
    return path;
  };

  test("a file that does not match its hash stops the runner at start, naming the file", async () => {
    const dir = join(tmp.dir, "tampered");
    const path = writeModel(dir, true);
    writeFileSync(join(dir, "up.onnx"), new Uint8Array([1, 2, 3]));
    const ex = createExecutors({ modelsManifest: path, modelIdleMs: 0 });
    const err = await ex.probe().catch((e) => e);
    expect(err.code).toBe("MODEL_HASH_MISMATCH");
    expect(err.details.path).toBe(join(dir, "up.onnx"));
    expect(err.details.actual).toBe(sha256Hex(new Uint8Array([1, 2, 3])));
    await ex.close();
  });

  test("a cold model swapped after start is refused when it loads", async () => {
    const dir = join(tmp.dir, "swapped");
    const manifest = await loadManifest(writeModel(dir, false));
    const store = new ModelStore(manifest, new Runtimes({ gpus: 0 }), {
      defaultProviders: ["cpu"],
      idleMs: 0,
    });
    await store.verifyAll();
    writeFileSync(join(dir, "up.onnx"), new Uint8Array([9]));
    const err = await store.onnx(manifest.models[0]!, async () => "ran").catch((e) => e);
    expect(err.code).toBe("MODEL_HASH_MISMATCH");
    await store.close();
  });

  test("warm models load at start; cold ones load on use and are freed once idle", async () => {
    const manifest = await loadManifest(manifestPath);
    const store = new ModelStore(manifest, new Runtimes({ gpus: 0 }), {
      defaultProviders: ["cpu"],
      idleMs: 0,
    });
    await store.verifyAll();
    await store.warmUp();
    const warm = [
      "image-to-text/tiny/color-classifier#onnx:model",
      "upscale/tiny/upscale-nearest-2x#onnx:model",
    ];
    expect((await store.loaded()).sort()).toEqual(warm);
    const sepia = manifest.models.find((m) => m.modelId === "tiny/sepia")!;
    // While a job holds the cold model it is loaded; once the job ends it is freed (idleMs 0).
    const during = await store.onnx(sepia, async (l) => {
      expect(l.engine).toBe("onnxruntime-node/cpu");
      return store.loaded();
    });
    expect(during).toContain("image-to-image/tiny/sepia#onnx:model");
    expect((await store.loaded()).sort()).toEqual(warm);
    const status = await store.status();
    expect(status.find((s) => s.modelId === "tiny/sepia")).toEqual({
      pipeline: "image-to-image",
      modelId: "tiny/sepia",
      format: "onnx",
      warm: false,
      verified: true,
      loaded: [],
      price: { pricePerUnit: "1000", pixelsPerUnit: "1" },
    });
    expect(status.find((s) => s.modelId === "tiny/upscale-nearest-2x")!.loaded).toEqual([
      "onnxruntime-node/cpu",
    ]);
    await store.close();
    expect(await store.loaded()).toEqual([]);
  });

  test("with an idle time, a cold model stays loaded after its job (until idle or close)", async () => {
    const manifest = await loadManifest(manifestPath);
    const store = new ModelStore(manifest, new Runtimes({ gpus: 0 }), {
      defaultProviders: ["cpu"],
      idleMs: 3_600_000,
    });
    const sepia = manifest.models.find((m) => m.modelId === "tiny/sepia")!;
    await store.onnx(sepia, async () => undefined);
    expect(await store.loaded()).toEqual(["image-to-image/tiny/sepia#onnx:model"]);
    await store.close();
  });

  test("a model that asks for a provider this host lacks fails with the reason, not silently", async () => {
    const manifest = await loadManifest(manifestPath);
    const sepia = {
      ...manifest.models.find((m) => m.modelId === "tiny/sepia")!,
      providers: ["cuda" as const],
    };
    const store = new ModelStore({ models: [sepia] }, new Runtimes({ gpus: 0 }), {
      defaultProviders: ["cpu"],
      idleMs: 0,
    });
    const err = await store.onnx(sepia, async () => "ran").catch((e) => e);
    expect(err.code).toBe("PROVIDER_UNAVAILABLE");
    expect(err.details.reason).toContain("cuda");
    await store.close();
  });

  test("the job result names the engine that ran it", async () => {
    const ex = createExecutors({ modelsManifest: manifestPath, modelIdleMs: 0 });
    const img = join(tmp.dir, "img.png");
    writeFileSync(img, encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(128) }));
    const workDir = join(tmp.dir, "job");
    mkdirSync(workDir);
    const r = await ex.execute(
      { kind: "ai", pipeline: "upscale", modelId: "", files: { image: img }, params: {} },
      { workDir, signal: new AbortController().signal, onProgress() {} },
    );
    expect(r.engine).toBe("onnxruntime-node/cpu");
    expect(readFileSync(r.outputs[0]!.path).length).toBeGreaterThan(0);
    await ex.close();
  });
});
