import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { LivepeerError } from "../../../wire/errors.ts";

// A diffusers folder exported to ONNX (Hugging Face optimum's `optimum-cli export onnx` or diffusers'
// convert_stable_diffusion_checkpoint_to_onnx.py): each component in its own subfolder. The
// manifest names every file by role with its sha256; `npm run models -- add --folder` fills them in.

/** The files every diffusers folder has, image or video: the index, scheduler, UNet and VAE decoder. */
export const DIFFUSION_CORE_LAYOUT = {
  "model-index": "model_index.json",
  scheduler: "scheduler/scheduler_config.json",
  unet: "unet/model.onnx",
  "unet-data": "unet/model.onnx_data",
  "unet-config": "unet/config.json",
  "vae-decoder": "vae_decoder/model.onnx",
  "vae-decoder-data": "vae_decoder/model.onnx_data",
  "vae-decoder-config": "vae_decoder/config.json",
} as const;

/** The files of a text-to-image folder, by manifest role; those marked optional may be absent. */
export const DIFFUSERS_LAYOUT = {
  ...DIFFUSION_CORE_LAYOUT,
  "text-encoder": "text_encoder/model.onnx",
  "text-encoder-data": "text_encoder/model.onnx_data",
  /** A fast tokenizer file, when the export has one; else vocab.json + merges.txt are read. */
  tokenizer: "tokenizer/tokenizer.json",
  "tokenizer-vocab": "tokenizer/vocab.json",
  "tokenizer-merges": "tokenizer/merges.txt",
  "tokenizer-config": "tokenizer/tokenizer_config.json",
} as const;
export type DiffusersRole = keyof typeof DIFFUSERS_LAYOUT;

export const DIFFUSERS_REQUIRED: readonly DiffusersRole[] = [
  "model-index",
  "scheduler",
  "text-encoder",
  "tokenizer-config",
  "unet",
  "vae-decoder",
];

/** The layout's files present in `dir`, by role (what `models add --folder` records). */
export function diffusersFiles(dir: string): { role: DiffusersRole; path: string }[] {
  return layoutFiles(dir, DIFFUSERS_LAYOUT);
}

/** A layout's files present in `dir`, by role; shared by the image and the video folders. */
export function layoutFiles<R extends string>(
  dir: string,
  layout: Record<R, string>,
): { role: R; path: string }[] {
  return (Object.entries(layout) as [R, string][])
    .map(([role, rel]) => ({ role, path: join(dir, rel) }))
    .filter((f) => existsSync(f.path));
}

/** Checks that a manifest entry names the files a text-to-image folder needs. */
export function checkDiffusersRoles(modelId: string, roles: readonly string[]): void {
  const missing = DIFFUSERS_REQUIRED.filter((r) => !roles.includes(r));
  const tokenizer =
    roles.includes("tokenizer") || (roles.includes("tokenizer-vocab") && roles.includes("tokenizer-merges"));
  if (missing.length > 0 || !tokenizer) {
    throw new LivepeerError("INVALID_MANIFEST", `diffusion model ${modelId} lacks files`, {
      details: {
        modelId,
        missing: [...missing, ...(tokenizer ? [] : ["tokenizer (or tokenizer-vocab and tokenizer-merges)"])],
        layout: DIFFUSERS_LAYOUT,
      },
    });
  }
}

/** scheduler/scheduler_config.json, with diffusers' defaults for what it leaves out. */
export const schedulerConfigSchema = z.looseObject({
  _class_name: z.string(),
  num_train_timesteps: z.number().int().min(1).default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z.enum(["linear", "scaled_linear", "squaredcos_cap_v2"]).default("linear"),
  trained_betas: z.array(z.number()).nullish(),
  prediction_type: z.enum(["epsilon", "v_prediction", "sample"]).default("epsilon"),
  timestep_spacing: z.enum(["linspace", "leading", "trailing"]).default("leading"),
  steps_offset: z.number().int().min(0).default(0),
  set_alpha_to_one: z.boolean().default(true),
  clip_sample: z.boolean().default(false),
  clip_sample_range: z.number().positive().default(1),
  use_karras_sigmas: z.boolean().nullish(),
  /** Karras bounds (SVD: 0.002 and 700); absent: the training schedule's extremes. */
  sigma_min: z.number().positive().nullish(),
  sigma_max: z.number().positive().nullish(),
  /** "continuous" with v_prediction: the UNet gets 0.25·ln σ, not a training timestep (SVD). */
  timestep_type: z.enum(["discrete", "continuous"]).default("discrete"),
  original_inference_steps: z.number().int().min(1).default(50),
  timestep_scaling: z.number().default(10),
  skip_prk_steps: z.boolean().default(false),
  rescale_betas_zero_snr: z.boolean().nullish(),
  thresholding: z.boolean().nullish(),
});
export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;

/** vae_decoder/config.json: the latent scale (SD 1.x/2.x: 0.18215). */
const vaeConfigSchema = z.looseObject({ scaling_factor: z.number().positive().default(0.18215) });
/** model_index.json: the pipeline class (refused when it needs inputs this runner does not build). */
const modelIndexSchema = z.looseObject({ _class_name: z.string() });

function parseJson<T>(modelId: string, role: string, bytes: Uint8Array, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `model ${modelId}: ${role} is not JSON`, {
      details: { modelId, role, reason: String(err) },
    });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new LivepeerError(
      "MODEL_LOAD_FAILED",
      `model ${modelId}: ${role} is not a config this runner reads`,
      {
        details: { modelId, role, issues: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
      },
    );
  }
  return r.data;
}

/** The configs of a folder: the scheduler's, the VAE's scale, and the pipeline class. */
export interface DiffusersConfig {
  scheduler: SchedulerConfig;
  vaeScalingFactor: number;
  pipelineClass: string;
}

/**
 * Reads the configs (bytes by role, hash-checked by the caller's store). A pipeline class that needs
 * a second text encoder or added conditioning (SDXL, SD3) is refused: this runner does not feed them.
 */
export function parseDiffusersConfig(
  modelId: string,
  files: { modelIndex: Uint8Array; scheduler: Uint8Array; vaeConfig?: Uint8Array | undefined },
): DiffusersConfig {
  const index = parseJson(modelId, "model-index", files.modelIndex, modelIndexSchema);
  if (/XL|StableDiffusion3|Flux/i.test(index._class_name)) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `model ${modelId}: ${index._class_name} is not supported`, {
      details: {
        modelId,
        pipelineClass: index._class_name,
        supported: "Stable Diffusion 1.x / 2.x, SD-Turbo, LCM",
      },
    });
  }
  const scheduler = parseJson(modelId, "scheduler", files.scheduler, schedulerConfigSchema);
  if (scheduler.rescale_betas_zero_snr || scheduler.thresholding) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `model ${modelId}: scheduler options not implemented`, {
      details: { modelId, unsupported: ["rescale_betas_zero_snr", "thresholding"] },
    });
  }
  const vae = files.vaeConfig
    ? parseJson(modelId, "vae-decoder-config", files.vaeConfig, vaeConfigSchema)
    : null;
  return { scheduler, vaeScalingFactor: vae?.scaling_factor ?? 0.18215, pipelineClass: index._class_name };
}
