import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { LivepeerError } from "../../wire/errors.ts";
import { AI_PIPELINE_NAMES, type ModelExecutor, RUNNER_EXECUTORS } from "../../wire/pipelines.ts";

const uint = z.string().regex(/^\d+$/, "a non-negative integer as a decimal string");

const tensorSpec = z.object({
  name: z.string().min(1),
  /** Numbers are fixed sizes; strings name dynamic axes ("H", "W", "batch"). */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
  type: z.enum(["float32", "int64"]).default("float32"),
});

/** The pre-/post-processing a model needs (the registry's model executors). */
export const modelKinds = RUNNER_EXECUTORS.filter((k): k is ModelExecutor => k !== "ffmpeg") as [
  ModelExecutor,
  ...ModelExecutor[],
];

export const modelEntrySchema = z.object({
  /** The public name it is served under: an AI pipeline of the registry (src/wire/pipelines.ts). */
  pipeline: z.enum(AI_PIPELINE_NAMES as [string, ...string[]]),
  modelId: z.string().min(1),
  kind: z.enum(modelKinds),
  /** Relative to the manifest's directory, or absolute. */
  file: z.string().min(1),
  inputs: z.array(tensorSpec).min(1),
  outputs: z.array(tensorSpec).min(1),
  /** Warm models stay loaded; cold ones load per job and are released after it. */
  warm: z.boolean().default(false),
  /** Wei per unit, units per pixel-unit (docs/protocol.md#pricing-and-work-units); bigint once parsed. */
  price: z.object({ pricePerUnit: uint, pixelsPerUnit: uint.default("1") }).transform((p) => ({
    pricePerUnit: BigInt(p.pricePerUnit),
    pixelsPerUnit: BigInt(p.pixelsPerUnit),
  })),
  /** Classification labels, in output order. */
  labels: z.array(z.string()).optional(),
  /** Per-channel normalisation applied after scaling pixels to 0..1. */
  normalize: z
    .object({
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number(), z.number(), z.number()]),
    })
    .optional(),
});

export const modelManifestSchema = z.object({ models: z.array(modelEntrySchema) });

export type ModelEntry = z.output<typeof modelEntrySchema>;
export type ModelManifest = z.output<typeof modelManifestSchema>;
export type ModelManifestInput = z.input<typeof modelManifestSchema>;

/** Parses a manifest object; relative model paths resolve against `baseDir`. */
export function parseManifest(raw: unknown, baseDir: string): ModelManifest {
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LivepeerError("INVALID_MANIFEST", "model manifest is invalid", {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  const seen = new Set<string>();
  for (const m of parsed.data.models) {
    const key = `${m.pipeline}/${m.modelId}`;
    if (seen.has(key)) throw new LivepeerError("INVALID_MANIFEST", `duplicate model ${key}`);
    seen.add(key);
    m.file = isAbsolute(m.file) ? m.file : resolve(baseDir, m.file);
  }
  return parsed.data;
}

/** Loads a manifest from a JSON file, or accepts one already parsed. */
export async function loadManifest(source: string | ModelManifest): Promise<ModelManifest> {
  if (typeof source !== "string") return source;
  const raw: unknown = JSON.parse(await readFile(source, "utf8"));
  return parseManifest(raw, dirname(source));
}

/** The model serving a pipeline: the given id, or the pipeline's first model. */
export function findModel(manifest: ModelManifest, pipeline: string, modelId?: string): ModelEntry {
  const m = manifest.models.find((e) => e.pipeline === pipeline && (!modelId || e.modelId === modelId));
  if (!m) {
    throw new LivepeerError("MODEL_NOT_FOUND", `no model for ${pipeline}${modelId ? ` / ${modelId}` : ""}`, {
      details: { pipeline, modelId },
    });
  }
  return m;
}
