import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { LivepeerError } from "../../wire/errors.ts";
import {
  AI_PIPELINE_NAMES,
  type ModelExecutor,
  type PipelineName,
  RUNNER_EXECUTORS,
} from "../../wire/pipelines.ts";
import { checkDiffusersRoles } from "./diffusion/folder.ts";
import { checkSvdRoles } from "./diffusion/video-folder.ts";

// The model manifest (docs/models.md): which model serves which pipeline, from which files (with
// their sha256), through which runtime and execution providers, warm or cold, at what price.
// Version 2 is current; a manifest without `version` is the older one-file form and is migrated.

export const MANIFEST_VERSION = 2;

const uint = z.string().regex(/^\d+$/, "a non-negative integer as a decimal string");
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits");
/** A file's role within its model: "model", or "det"/"rec"/"cls"/"keys", "encoder"/"decoder", … */
const role = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "lower-case letters, digits, _ . -");

/** Element types a manifest tensor may have (onnxruntime's names). */
export const TENSOR_TYPES = [
  "float32",
  "float16",
  "int64",
  "int32",
  "int8",
  "uint8",
  "bool",
  "string",
] as const;
export type TensorType = (typeof TENSOR_TYPES)[number];

/**
 * The pipelines each kind answers: its result has that pipeline's shape (a segmentation kind cannot
 * speak, an LLM cannot draw). A pipeline no kind answers cannot be named, so it is never advertised.
 */
export const KIND_PIPELINES: Record<ModelExecutor, readonly PipelineName[]> = {
  upscale: ["upscale"],
  esrgan: ["upscale"],
  "image-to-image": ["image-to-image"],
  "image-classification": ["image-to-text"],
  ocr: ["image-to-text"],
  vad: ["audio-to-text"],
  whisper: ["audio-to-text"],
  "background-removal": ["segment-anything-2"],
  llm: ["llm"],
  vits: ["text-to-speech"],
  "stable-diffusion": ["text-to-image"],
  "stable-video-diffusion": ["image-to-video"],
};

const tensorSpec = z.object({
  name: z.string().min(1),
  /** Numbers are fixed sizes; strings name dynamic axes ("H", "W", "batch"). */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
  type: z.enum(TENSOR_TYPES).default("float32"),
  /** The file (by role) whose graph has this tensor; absent: the model's first file. */
  file: role.optional(),
});

/** The pre-/post-processing a model needs (the registry's model executors). */
export const modelKinds = RUNNER_EXECUTORS.filter((k): k is ModelExecutor => k !== "ffmpeg") as [
  ModelExecutor,
  ...ModelExecutor[],
];

/**
 * How the files are read: ONNX graphs, a TF.js graph model, a transformers.js model folder, or a
 * diffusers ONNX folder (model_index.json, text_encoder/, tokenizer/, unet/, vae_decoder/, scheduler/).
 */
export const MODEL_FORMATS = ["onnx", "tfjs", "transformers", "diffusers"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/**
 * Where a model may run, best first. ONNX: cpu, cuda, tensorrt (onnxruntime-node), wasm, webgpu
 * (onnxruntime-web). TF.js and transformers.js map the same names onto their own backends.
 */
export const PROVIDERS = ["cuda", "tensorrt", "cpu", "wasm", "webgpu"] as const;
export type Provider = (typeof PROVIDERS)[number];

const fileSpec = z.object({
  role,
  /** Relative to the manifest's directory, or absolute. */
  path: z.string().min(1),
  sha256,
  /** Size in bytes, checked with the hash when given. */
  bytes: z.number().int().nonnegative().optional(),
});

const price = z
  .object({
    pricePerUnit: uint,
    pixelsPerUnit: uint.refine((s) => !/^\d+$/.test(s) || BigInt(s) > 0n, "must be at least 1").default("1"),
  })
  .transform((p) => ({ pricePerUnit: BigInt(p.pricePerUnit), pixelsPerUnit: BigInt(p.pixelsPerUnit) }));

const common = {
  /** The public name it is served under: an AI pipeline of the registry (src/wire/pipelines.ts). */
  pipeline: z.enum(AI_PIPELINE_NAMES as [string, ...string[]]),
  modelId: z.string().min(1).max(200),
  /** The runner's pre-/post-processing for it (src/node-runner/ai/pipelines). */
  kind: z.enum(modelKinds),
  inputs: z.array(tensorSpec).default([]),
  outputs: z.array(tensorSpec).default([]),
  /** Warm models load at start and stay; cold ones load on first use and are freed when idle. */
  warm: z.boolean().default(false),
  /**
   * Wei per `pixelsPerUnit` units of the pipeline's Livepeer unit (pixels, ms of audio, 1000 ×
   * characters, max_tokens: docs/models.md#prices); bigint once parsed.
   */
  price,
  /** Classification labels, in output order. */
  labels: z.array(z.string()).optional(),
  /** Per-channel normalisation applied after scaling pixels to 0..1. */
  normalize: z
    .object({
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number(), z.number(), z.number()]),
    })
    .optional(),
  /** Settings the pipeline reads (thresholds, scale, language, …): documented per kind. */
  options: z.record(z.string(), z.unknown()).optional(),
};

export const modelEntrySchema = z.object({
  ...common,
  format: z.enum(MODEL_FORMATS).default("onnx"),
  files: z.array(fileSpec).min(1),
  /** Execution providers to try, best first; absent: the runner's default (--onnx). */
  providers: z.array(z.enum(PROVIDERS)).min(1).optional(),
});

/** Version 1: one ONNX file, no hash. Still read, so older model folders keep working. */
const legacyEntrySchema = z.object({ ...common, file: z.string().min(1) });

export const modelManifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  models: z.array(modelEntrySchema),
});
const legacyManifestSchema = z.object({ models: z.array(legacyEntrySchema) });

export interface ModelFile {
  role: string;
  /** Absolute once parsed. */
  path: string;
  /** Absent only for a migrated version-1 entry, which is loaded unverified. */
  sha256?: string | undefined;
  bytes?: number | undefined;
}

type ParsedEntry = z.output<typeof modelEntrySchema>;
export type ModelEntry = Omit<ParsedEntry, "files"> & { files: ModelFile[] };
export interface ModelManifest {
  version?: typeof MANIFEST_VERSION;
  models: ModelEntry[];
}
export type ModelManifestInput = z.input<typeof modelManifestSchema>;
export type ModelEntryInput = z.input<typeof modelEntrySchema>;

function invalid(issues: z.core.$ZodIssue[]): LivepeerError {
  return new LivepeerError("INVALID_MANIFEST", "model manifest is invalid", {
    details: { issues: issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
  });
}

/** Parses a manifest object (version 2, or a version-1 one migrated); paths resolve against `baseDir`. */
export function parseManifest(raw: unknown, baseDir: string): ModelManifest {
  let models: ModelEntry[];
  const isLegacy =
    typeof raw === "object" &&
    raw !== null &&
    !("version" in raw) &&
    "models" in raw &&
    Array.isArray(raw.models);
  if (isLegacy) {
    const parsed = legacyManifestSchema.safeParse(raw);
    if (!parsed.success) throw invalid(parsed.error.issues);
    models = parsed.data.models.map(({ file, ...rest }) => ({
      ...rest,
      // Version 1 knew TF.js only by its model.json.
      format: file.endsWith(".json") ? ("tfjs" as const) : ("onnx" as const),
      files: [{ role: "model", path: file }],
    }));
  } else {
    const parsed = modelManifestSchema.safeParse(raw);
    if (!parsed.success) throw invalid(parsed.error.issues);
    models = parsed.data.models;
  }
  const seen = new Set<string>();
  for (const m of models) {
    const key = `${m.pipeline}/${m.modelId}`;
    if (seen.has(key)) throw new LivepeerError("INVALID_MANIFEST", `duplicate model ${key}`);
    seen.add(key);
    if (!(KIND_PIPELINES[m.kind] as readonly string[]).includes(m.pipeline)) {
      const kinds = modelKinds.filter((k) => (KIND_PIPELINES[k] as readonly string[]).includes(m.pipeline));
      throw new LivepeerError(
        "INVALID_MANIFEST",
        kinds.length === 0
          ? `model ${key}: no runner kind serves ${m.pipeline} yet`
          : `model ${key}: kind ${m.kind} does not serve ${m.pipeline} (kinds that do: ${kinds.join(", ")})`,
        { details: { pipeline: m.pipeline, kind: m.kind, kinds } },
      );
    }
    const roles = new Set(m.files.map((f) => f.role));
    if (roles.size !== m.files.length) {
      throw new LivepeerError("INVALID_MANIFEST", `model ${key} names a file role twice`);
    }
    if (m.kind === "stable-diffusion" || m.kind === "stable-video-diffusion") {
      if (m.format !== "diffusers") {
        throw new LivepeerError("INVALID_MANIFEST", `model ${key}: kind ${m.kind} reads format diffusers`, {
          details: { format: m.format },
        });
      }
      if (m.kind === "stable-diffusion") checkDiffusersRoles(key, [...roles]);
      else checkSvdRoles(key, [...roles]);
    }
    for (const t of [...m.inputs, ...m.outputs]) {
      if (t.file !== undefined && !roles.has(t.file)) {
        throw new LivepeerError(
          "INVALID_MANIFEST",
          `model ${key}: tensor ${t.name} names unknown file ${t.file}`,
        );
      }
    }
    for (const f of m.files) f.path = isAbsolute(f.path) ? f.path : resolve(baseDir, f.path);
  }
  return { version: MANIFEST_VERSION, models };
}

/** Loads a manifest from a JSON file, or accepts one already parsed. */
export async function loadManifest(source: string | ModelManifest): Promise<ModelManifest> {
  if (typeof source !== "string") return source;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(source, "utf8"));
  } catch (err) {
    throw new LivepeerError("INVALID_MANIFEST", `cannot read model manifest ${source}`, {
      details: { reason: err instanceof Error ? err.message : String(err) },
      cause: err,
    });
  }
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

/** A model's file by role; without a role, the first file. */
export function modelFile(entry: ModelEntry, fileRole?: string): ModelFile {
  const f = fileRole === undefined ? entry.files[0] : entry.files.find((x) => x.role === fileRole);
  if (!f) {
    throw new LivepeerError("INVALID_MANIFEST", `model ${entry.modelId} has no file with role ${fileRole}`, {
      details: { modelId: entry.modelId, roles: entry.files.map((x) => x.role) },
    });
  }
  return f;
}

/** The manifest's tensors that belong to one file (those with no `file` belong to the first). */
export function tensorsOf(entry: ModelEntry, fileRole: string, which: "inputs" | "outputs") {
  const first = entry.files[0]!.role;
  return entry[which].filter((t) => (t.file ?? first) === fileRole);
}
