import type { ModelExecutor } from "../../../wire/pipelines.ts";
import { backgroundRemoval } from "./background-removal.ts";
import { esrgan } from "./esrgan.ts";
import { imageToImage } from "./image-to-image.ts";
import { imageToText } from "./image-to-text.ts";
import { ocr } from "./ocr.ts";
import { speechToText } from "./speech-to-text.ts";
import type { Pipeline } from "./types.ts";
import { upscale } from "./upscale.ts";
import { voiceActivity } from "./vad.ts";

/** Pre-/post-processing by model executor (the manifest's `kind`); names and inputs come from the registry. */
export const PIPELINES: Record<ModelExecutor, Pipeline> = {
  upscale,
  "image-to-image": imageToImage,
  "image-classification": imageToText,
  vad: voiceActivity,
  "background-removal": backgroundRemoval,
  esrgan,
  ocr,
  whisper: speechToText,
};
