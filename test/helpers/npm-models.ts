import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ModelManifestInput } from "../../src/node-runner/ai/manifest.ts";

// Real models shipped inside npm packages, for the tests: IS-Net (background removal, ONNX, stored
// as sha256-named 4 MiB chunks) and ESRGAN slim (TF.js layers models with the package's own
// reference input and expected outputs). Nothing is downloaded.

const require = createRequire(import.meta.url);

function packageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

interface Resources {
  [path: string]: { chunks: { hash: string; offsets: [number, number] }[]; size: number };
}

export type IsnetVariant = "small" | "medium";

/**
 * The IS-Net model of @imgly/background-removal-data reassembled into one .onnx (cached under the
 * OS temp directory, keyed by the variant's size): each chunk's sha256 must equal its file name.
 * Null when the package is absent.
 */
export function isnetOnnx(variant: IsnetVariant = "small"): string | null {
  const pkg = packageDir("@imgly/background-removal-data");
  if (!pkg) return null;
  const dist = join(pkg, "dist");
  const res = (JSON.parse(readFileSync(join(dist, "resources.json"), "utf8")) as Resources)[
    `/models/${variant}`
  ];
  if (!res) return null;
  const dir = join(tmpdir(), "livepeer-test-models");
  const out = join(dir, `isnet-${variant}-${res.size}.onnx`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const parts = res.chunks.map((c) => {
    const bytes = readFileSync(join(dist, c.hash));
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (sha !== c.hash) throw new Error(`IS-Net chunk ${c.hash} hashes to ${sha}`);
    return bytes;
  });
  const all = Buffer.concat(parts);
  if (all.length !== res.size)
    throw new Error(`IS-Net ${variant}: ${all.length} bytes, expected ${res.size}`);
  // Written aside and renamed, so a concurrent test never reads half a model.
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, all);
  renameSync(tmp, out);
  return out;
}

export type EsrganScale = 2 | 3 | 4;

/** The ESRGAN slim package's files for one scale: model.json, the reference input and its expected output. */
export function esrganSlim(
  scale: EsrganScale,
): { modelJson: string; fixture: string; expected: string } | null {
  const pkg = packageDir("@upscalerjs/esrgan-slim");
  if (!pkg) return null;
  return {
    modelJson: join(pkg, "models", `x${scale}`, "model.json"),
    fixture: join(pkg, "assets", "fixture.png"),
    expected: join(pkg, "assets", "samples", `${scale}x`, "result.png"),
  };
}

const PRICE = { pricePerUnit: "1", pixelsPerUnit: "1" };

/** A manifest file entry with the file's sha256. */
function hashed(role: string, path: string) {
  return { role, path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
}

/** A TF.js model's files: model.json, then each weight shard it lists. */
function tfjsFiles(modelJson: string) {
  const json = JSON.parse(readFileSync(modelJson, "utf8")) as { weightsManifest: { paths: string[] }[] };
  const shards = json.weightsManifest.flatMap((g) => g.paths);
  return [
    hashed("model", modelJson),
    ...shards.map((p, i) => hashed(`weights-${i + 1}`, join(dirname(modelJson), p))),
  ];
}

/** A manifest entry serving IS-Net under segment-anything-2. */
export function isnetEntry(file: string, warm = true): ModelManifestInput["models"][number] {
  return {
    pipeline: "segment-anything-2",
    modelId: "imgly/isnet-general-small",
    kind: "background-removal",
    format: "onnx",
    files: [hashed("model", file)],
    inputs: [{ name: "input", shape: [1, 3, 1024, 1024] }],
    outputs: [{ name: "output", shape: [1, 1, 1024, 1024] }],
    warm,
    price: PRICE,
  };
}

/** A manifest entry serving an ESRGAN slim scale under upscale. */
export function esrganEntry(scale: EsrganScale, warm = true): ModelManifestInput["models"][number] {
  const files = esrganSlim(scale);
  if (!files) throw new Error("@upscalerjs/esrgan-slim is not installed");
  return {
    pipeline: "upscale",
    modelId: `upscalerjs/esrgan-slim-x${scale}`,
    kind: "esrgan",
    format: "tfjs",
    files: tfjsFiles(files.modelJson),
    inputs: [{ name: "LR", shape: ["batch", "H", "W", 3] }],
    outputs: [{ name: "output", shape: ["batch", "H", "W", 3] }],
    warm,
    price: PRICE,
  };
}

/** PSNR in dB between two 8-bit buffers of the same length (Infinity when equal). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/** A describe title that carries why it is skipped, when it is. */
export function titleSkipping(title: string, missing: string | undefined): string {
  return missing === undefined ? title : `${title} (skipped: ${missing})`;
}

/** A manifest of the given entries, in the manifest format these entries are written for. */
export function manifestOf(...models: ModelManifestInput["models"]): ModelManifestInput {
  return { version: 2, models };
}
