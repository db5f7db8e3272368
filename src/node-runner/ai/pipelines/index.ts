import type { ModelExecutor } from "../../../wire/pipelines.ts";
import type { Loader } from "../store.ts";
import { backgroundRemoval } from "./background-removal.ts";
import { esrgan } from "./esrgan.ts";
import { imageToImage } from "./image-to-image.ts";
import { imageToText } from "./image-to-text.ts";
import { imageToVideo, svdLoader } from "./image-to-video.ts";
import { llm, llmLoader } from "./llm.ts";
import { ocr } from "./ocr.ts";
import { speechToText, whisperLoader } from "./speech-to-text.ts";
import { diffusersLoader, textToImage } from "./text-to-image.ts";
import { textToSpeech, vitsLoader } from "./text-to-speech.ts";
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
  llm,
  vits: textToSpeech,
  "stable-diffusion": textToImage,
  "stable-video-diffusion": imageToVideo,
};

/**
 * The loaders of kinds that read a folder themselves (part "transformers" for a transformers.js
 * folder, "diffusers" for a diffusers one's configs and tokenizer), for warm start.
 */
export const FOLDER_LOADERS: Partial<Record<ModelExecutor, Loader<unknown>>> = {
  whisper: whisperLoader as Loader<unknown>,
  llm: llmLoader as Loader<unknown>,
  vits: vitsLoader as Loader<unknown>,
  "stable-diffusion": diffusersLoader as Loader<unknown>,
  "stable-video-diffusion": svdLoader as Loader<unknown>,
};
