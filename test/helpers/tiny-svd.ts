import { join } from "node:path";
import { ATTR, encodeModel, floats, INT64, int64s, node, valueInfo, writeFolder } from "./onnx-graph.ts";

// A tiny Stable Video Diffusion folder in the ONNX layout the runner reads (model_index.json,
// scheduler/ with SVD's EulerDiscrete config: Karras sigmas 0.002..700, continuous timesteps,
// v-prediction; image_encoder/, vae_encoder/, unet/, vae_decoder/), with graphs whose frames are
// known in closed form:
// - image encoder: image_embeds = the mean of each pixel_values channel (D = 3);
// - VAE encoder: latent_parameters = [mean ‖ log-variance], mean = (r, g, b, (r+g+b)/3) averaged
//   over each 8 × 8 block of the conditioning image (in −1..1);
// - UNet: the v a perfect denoiser of the conditioning latents T (channels 4..7 of `sample`) would
//   predict at σ = e^{4t}: v = (x_in − T √(σ²+1)) / σ, x_in the scaled frame latents (channels 0..3);
// - VAE decoder (temporal: a num_frames input): rgb = the first three latent channels, each latent
//   pixel an 8 × 8 block.
// With guidance g per frame and the unconditional branch's T = 0, Euler's last step lands every
// frame exactly on g·T, whatever the noise; the decoded pixel is then (g·T / scale) / 2 + 0.5.

const LATENT = 4;
export const TINY_SVD_SCALE = 2;

export function writeTinySvd(dir: string, o: { frames?: number } = {}) {
  const str = (s: string) => new TextEncoder().encode(s);
  const imageEncoder = encodeModel({
    name: "tiny_image_encoder",
    node: [node("GlobalAveragePool", ["pixel_values"], ["p"]), node("Flatten", ["p"], ["image_embeds"])],
    input: [valueInfo("pixel_values", [1, 3, 224, 224])],
    output: [valueInfo("image_embeds", [1, 3])],
  });
  const enc = new Array<number>(2 * LATENT * 3).fill(0);
  for (let c = 0; c < 3; c++) enc[c * 3 + c] = 1;
  for (let c = 0; c < 3; c++) enc[3 * 3 + c] = 1 / 3;
  for (let k = LATENT; k < 2 * LATENT; k++) enc[k * 3] = 0.5; // a log-variance the runner must drop
  const vaeEncoder = encodeModel({
    name: "tiny_vae_encoder",
    node: [
      node(
        "AveragePool",
        ["sample"],
        ["pooled"],
        [
          { name: "kernel_shape", type: ATTR.INTS, ints: [8, 8] },
          { name: "strides", type: ATTR.INTS, ints: [8, 8] },
        ],
      ),
      node("Conv", ["pooled", "E"], ["latent_parameters"]),
    ],
    initializer: [floats("E", [2 * LATENT, 3, 1, 1], enc)],
    input: [valueInfo("sample", [1, 3, "H", "W"])],
    output: [valueInfo("latent_parameters", [1, 2 * LATENT, "h", "w"])],
  });
  const unet = encodeModel({
    name: "tiny_svd_unet",
    node: [
      node("Slice", ["sample", "zero", "four", "two"], ["xs"]),
      node("Slice", ["sample", "four", "eight", "two"], ["T"]),
      node("Mul", ["timestep", "k4"], ["t4"]),
      node("Exp", ["t4"], ["s"]),
      node("Mul", ["s", "s"], ["s2"]),
      node("Add", ["s2", "one"], ["s21"]),
      node("Sqrt", ["s21"], ["r"]),
      node("Mul", ["T", "r"], ["Tr"]),
      node("Sub", ["xs", "Tr"], ["num"]),
      node("Div", ["num", "s"], ["out_sample"]),
    ],
    initializer: [
      int64s("zero", [1], [0]),
      int64s("four", [1], [LATENT]),
      int64s("eight", [1], [2 * LATENT]),
      int64s("two", [1], [2]),
      floats("k4", [], [4]),
      floats("one", [], [1]),
    ],
    input: [
      valueInfo("sample", ["batch", "frames", 2 * LATENT, "h", "w"]),
      valueInfo("timestep", []),
      valueInfo("encoder_hidden_states", ["batch", 1, 3]),
      valueInfo("added_time_ids", ["batch", 3]),
    ],
    output: [valueInfo("out_sample", ["batch", "frames", LATENT, "h", "w"])],
  });
  const dec = new Array<number>(3 * LATENT).fill(0);
  for (let c = 0; c < 3; c++) dec[c * LATENT + c] = 1;
  const vaeDecoder = encodeModel({
    name: "tiny_svd_vae_decoder",
    node: [
      node("Conv", ["latent_sample", "M"], ["rgb"]),
      node(
        "Resize",
        ["rgb", "", "scales"],
        ["sample"],
        [{ name: "mode", type: ATTR.STRING, s: str("nearest") }],
      ),
    ],
    initializer: [floats("M", [3, LATENT, 1, 1], dec), floats("scales", [4], [1, 1, 8, 8])],
    input: [valueInfo("latent_sample", ["frames", LATENT, "h", "w"]), valueInfo("num_frames", [], INT64)],
    output: [valueInfo("sample", ["frames", 3, "H", "W"])],
  });
  const layout: Record<string, [string, Uint8Array | object]> = {
    "model-index": ["model_index.json", { _class_name: "StableVideoDiffusionPipeline" }],
    scheduler: [
      "scheduler/scheduler_config.json",
      {
        _class_name: "EulerDiscreteScheduler",
        beta_schedule: "scaled_linear",
        beta_start: 0.00085,
        beta_end: 0.012,
        num_train_timesteps: 1000,
        prediction_type: "v_prediction",
        sigma_max: 700.0,
        sigma_min: 0.002,
        steps_offset: 1,
        timestep_spacing: "leading",
        timestep_type: "continuous",
        use_karras_sigmas: true,
      },
    ],
    "image-encoder": ["image_encoder/model.onnx", imageEncoder],
    "vae-encoder": ["vae_encoder/model.onnx", vaeEncoder],
    unet: ["unet/model.onnx", unet],
    "unet-config": ["unet/config.json", { in_channels: 8, out_channels: 4, num_frames: o.frames ?? 3 }],
    "vae-decoder": ["vae_decoder/model.onnx", vaeDecoder],
    "vae-decoder-config": ["vae_decoder/config.json", { scaling_factor: TINY_SVD_SCALE }],
  };
  writeFolder(dir, Object.fromEntries(Object.values(layout)));
  const files = Object.fromEntries(Object.entries(layout).map(([role, [rel]]) => [role, join(dir, rel)]));
  return { dir, files };
}
