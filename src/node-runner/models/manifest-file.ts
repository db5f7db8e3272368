import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { LivepeerError } from "../../wire/errors.ts";
import {
  MANIFEST_VERSION,
  type ModelEntryInput,
  type ModelManifestInput,
  parseManifest,
} from "../ai/manifest.ts";

// Reading and writing manifest.json as the operator's file (raw JSON, paths as written), for the
// models command: adding entries, upgrading a version-1 file, replacing an imported model.

export const MANIFEST_FILE = "manifest.json";

/** The manifest file of a models folder. */
export const manifestPath = (dir: string) => join(dir, MANIFEST_FILE);

/** The folder's manifest as written (an empty version-2 one when there is none yet). */
export async function readRawManifest(dir: string): Promise<ModelManifestInput> {
  const path = manifestPath(dir);
  if (!existsSync(path)) return { version: MANIFEST_VERSION, models: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new LivepeerError("INVALID_MANIFEST", `cannot read ${path}`, {
      details: { reason: err instanceof Error ? err.message : String(err) },
    });
  }
  // Validates it (throws INVALID_MANIFEST) before anything is changed.
  parseManifest(raw, dir);
  return upgradeRaw(
    raw as ModelManifestInput | { models: (Record<string, unknown> & { file?: string })[] },
    dir,
  );
}

const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

/** A version-1 manifest rewritten as version 2: each `file` becomes `files` with its hash. */
async function upgradeRaw(
  raw: ModelManifestInput | { models: (Record<string, unknown> & { file?: string })[] },
  dir: string,
): Promise<ModelManifestInput> {
  if ("version" in raw && raw.version === MANIFEST_VERSION) return raw as ModelManifestInput;
  const models: ModelEntryInput[] = [];
  for (const m of raw.models as (Record<string, unknown> & { file: string })[]) {
    const { file, ...rest } = m;
    const abs = isAbsolute(file) ? file : resolve(dir, file);
    models.push({
      ...(rest as Omit<ModelEntryInput, "files">),
      format: file.endsWith(".json") ? "tfjs" : "onnx",
      files: [{ role: "model", path: file, sha256: await sha256(abs) }],
    });
  }
  return { version: MANIFEST_VERSION, models };
}

/** Writes the manifest (checked first, so a bad one is never written), through a temporary name. */
export async function writeRawManifest(dir: string, manifest: ModelManifestInput): Promise<string> {
  parseManifest(manifest, dir);
  const path = manifestPath(dir);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, path);
  return path;
}

/** The manifest with `entry` added, replacing a model with the same pipeline and id. */
export function withEntry(manifest: ModelManifestInput, entry: ModelEntryInput): ModelManifestInput {
  const others = manifest.models.filter(
    (m) => !(m.pipeline === entry.pipeline && m.modelId === entry.modelId),
  );
  return { ...manifest, models: [...others, entry] };
}
