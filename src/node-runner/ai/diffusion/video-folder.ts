import { LivepeerError } from "../../../wire/errors.ts";
import { DIFFUSION_CORE_LAYOUT, layoutFiles } from "./folder.ts";

// A Stable Video Diffusion folder exported to ONNX: the CLIP vision encoder, the VAE's encoder and
// (temporal) decoder, the spatio-temporal UNet, each in its own subfolder, and the scheduler config.

/** The files of an image-to-video folder, by manifest role. */
export const SVD_LAYOUT = {
  ...DIFFUSION_CORE_LAYOUT,
  "image-encoder": "image_encoder/model.onnx",
  "image-encoder-data": "image_encoder/model.onnx_data",
  "vae-encoder": "vae_encoder/model.onnx",
  "vae-encoder-data": "vae_encoder/model.onnx_data",
} as const;
export type SvdRole = keyof typeof SVD_LAYOUT;

export const SVD_REQUIRED: readonly SvdRole[] = [
  "model-index",
  "scheduler",
  "image-encoder",
  "vae-encoder",
  "unet",
  "vae-decoder",
];

/** The layout's files present in `dir`, by role (what `models add --folder` records). */
export function svdFiles(dir: string): { role: SvdRole; path: string }[] {
  return layoutFiles(dir, SVD_LAYOUT);
}

/** Checks that a manifest entry names the files an image-to-video folder needs. */
export function checkSvdRoles(modelId: string, roles: readonly string[]): void {
  const missing = SVD_REQUIRED.filter((r) => !roles.includes(r));
  if (missing.length > 0) {
    throw new LivepeerError("INVALID_MANIFEST", `video diffusion model ${modelId} lacks files`, {
      details: { modelId, missing, layout: SVD_LAYOUT },
    });
  }
}
