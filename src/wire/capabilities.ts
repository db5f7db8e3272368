import { z } from "@hono/zod-openapi";
import { uint256Decimal } from "./decimal.ts";

// The runner registers what it can do with the edge; the edge advertises it in OrchestratorInfo.

/** Models one runner may register: every info response carries them, so a token holder cannot bloat it. */
export const MAX_RUNNER_MODELS = 256;

/** What the runner can do, registered with the edge (POST /runner/v1/register). */
export const CapabilitiesSchema = z
  .object({
    ffmpeg: z
      .object({
        path: z.string(),
        version: z.string(),
        source: z.enum(["system", "configured", "ffmpeg-installer", "wasm"]),
        encoders: z.array(z.string()),
        hwaccels: z.array(z.string()),
      })
      .nullable(),
    gpus: z.array(z.object({ name: z.string(), memoryMiB: z.number(), driver: z.string() })),
    onnx: z.array(
      z.object({
        backend: z.enum(["onnxruntime-node", "onnxruntime-web"]),
        executionProviders: z.array(z.string()),
      }),
    ),
    models: z
      .array(
        z.object({
          pipeline: z.string().min(1).max(100),
          modelId: z.string().min(1).max(200),
          warm: z.boolean(),
          /** How its files are read: "onnx", "tfjs" or "transformers". */
          format: z.string().max(32).optional(),
          /** Whether it is loaded now (warm models always are once the runner is up). */
          loaded: z.boolean().optional(),
          /**
           * The manifest's price: wei per `pixelsPerUnit` of the pipeline's unit. The orchestrator
           * prices the model with it unless its own config names this model (docs/models.md#prices).
           */
          price: z
            .object({
              pricePerUnit: uint256Decimal,
              pixelsPerUnit: uint256Decimal.refine(
                (s) => !/^\d+$/.test(s) || BigInt(s) > 0n,
                "must be at least 1",
              ),
            })
            .optional(),
        }),
      )
      .max(MAX_RUNNER_MODELS),
    // Capability names this runner serves: "transcode" and AI pipeline names.
    capabilities: z.array(z.string().min(1).max(100)).max(100),
    capacity: z.number().int().positive().max(1024),
  })
  .openapi("RunnerCapabilities");

export type Capabilities = z.infer<typeof CapabilitiesSchema>;
