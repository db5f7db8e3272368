import type { ModelEntry } from "../manifest.ts";
import { imageToImage } from "./image-to-image.ts";
import { imageToText } from "./image-to-text.ts";
import type { Pipeline } from "./types.ts";
import { upscale } from "./upscale.ts";
import { voiceActivity } from "./vad.ts";

/** Pre-/post-processing by model kind (the manifest's `kind`). */
export const PIPELINES: Record<ModelEntry["kind"], Pipeline> = {
  upscale,
  "image-to-image": imageToImage,
  "image-classification": imageToText,
  vad: voiceActivity,
};
