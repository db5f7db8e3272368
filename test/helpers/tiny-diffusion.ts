import { join } from "node:path";
import type { SchedulerConfig } from "../../src/node-runner/ai/diffusion/folder.ts";
import {
  ATTR,
  encodeModel,
  FLOAT,
  floats,
  INT32,
  INT64,
  int64s,
  node,
  type Onnx,
  seededUniform,
  valueInfo,
  writeFolder,
} from "./onnx-graph.ts";

// A tiny Stable Diffusion folder in the layout optimum / diffusers export to ONNX (model_index.json,
// scheduler/, tokenizer/ with CLIP's slow files vocab.json + merges.txt, text_encoder/, unet/,
// vae_decoder/), built so the runner's real loading and denoising path runs on ONNX Runtime, with
// graphs whose end result is known in closed form:
// - text encoder: last_hidden_state[b, i] = E[input_ids[b, i]] (a seeded table, D = 8; the
//   start, end and pad tokens' rows small, so the prompt's own tokens dominate);
// - UNet: the noise a perfect denoiser of the target latent c would predict, times λ:
//     ε = λ (x − √ᾱ_t c) / √(1 − ᾱ_t), c = P · Σ_i encoder_hidden_states[b, i]   (4 channels)
//   (ᾱ_t looked up by the timestep; with `prediction: "v"`, v = √ᾱ_t ε − √(1 − ᾱ_t) c, λ = 1);
// - VAE decoder: rgb = M · latent + m, each latent pixel an 8 × 8 block (nearest).
// With λ = 1 every scheduler here ends exactly on the guided target c_u + s (c_c − c_u) whatever the
// noise; with λ < 1 the noise survives by a factor the scheduler's σ or ᾱ sequence gives.

const D = 8;
const LATENT = 4;
const T = 1000;

/** GPT-2's byte-to-unicode table (CLIP's byte-level alphabet). */
function byteChars(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep.includes(b) ? b : 256 + extra++);
  return out;
}

const MERGES = ["c a", "ca t</w>", "d o", "do g</w>"];
/** CLIP's order: the 256 byte characters, the same with "</w>", the merges' results, then <|startoftext|> and <|endoftext|>. */
const VOCAB: string[] = (() => {
  const bytes = byteChars();
  return [
    ...bytes,
    ...bytes.map((c) => `${c}</w>`),
    ...MERGES.map((m) => m.replace(" ", "")),
    "<|startoftext|>",
    "<|endoftext|>",
  ];
})();
export const TINY_SD_VOCAB = new Map(VOCAB.map((t, i) => [t, i]));
const SPECIAL_FROM = VOCAB.length - 2;
export const TINY_SD_MAX_TOKENS = 77;

export interface TinySdOptions {
  /** The noise prediction's factor λ (1: a perfect denoiser of the target). */
  lambda?: number;
  prediction?: "epsilon" | "v";
  scheduler?: Partial<SchedulerConfig>;
  vaeScalingFactor?: number;
  /** The text encoder's input_ids type (diffusers' ONNX export: int32). */
  idsType?: "int32" | "int64";
  timestepType?: "int64" | "float32";
  /** An LCM-distilled UNet's `timestep_cond` input of this size (the guidance embedding). */
  timestepCond?: number;
  /** The UNet's weights in unet/model.onnx_data, as exports over 2 GB have them. */
  externalUnet?: boolean;
  seed?: number;
}

/** The weights a folder was built with, for the tests' closed forms. */
export interface TinySdWeights {
  E: number[];
  P: number[];
  M: number[];
  m: number[];
  alphasCumprod: number[];
  lambda: number;
  scale: number;
}

const betasScaledLinear = (start: number, end: number): number[] =>
  Array.from(
    { length: T },
    (_, i) => (Math.sqrt(start) + ((Math.sqrt(end) - Math.sqrt(start)) * i) / (T - 1)) ** 2,
  );

function cumprod(betas: number[]): number[] {
  let p = 1;
  return betas.map((b) => {
    p *= 1 - b;
    return p;
  });
}

function textEncoder(E: number[], idsType: "int32" | "int64"): Uint8Array {
  return encodeModel({
    name: "tiny_clip_text",
    node: [node("Gather", ["E", "input_ids"], ["last_hidden_state"])],
    initializer: [floats("E", [VOCAB.length, D], E)],
    input: [valueInfo("input_ids", ["batch", "sequence"], idsType === "int32" ? INT32 : INT64)],
    output: [valueInfo("last_hidden_state", ["batch", "sequence", D])],
  });
}

/** A float32 initializer stored in the external-data file at `offset` (bytes appended to `data`). */
function external(name: string, dims: number[], values: number[], data: number[][]): Onnx.ITensorProto {
  const offset = data.reduce((a, d) => a + d.length * 4, 0);
  data.push(values);
  return {
    name,
    dims,
    dataType: FLOAT,
    dataLocation: 1,
    externalData: [
      { key: "location", value: "model.onnx_data" },
      { key: "offset", value: String(offset) },
      { key: "length", value: String(values.length * 4) },
    ],
  };
}

function unet(w: TinySdWeights, o: TinySdOptions): { graph: Uint8Array; data?: Uint8Array } {
  const store: number[][] = [];
  const big = (name: string, dims: number[], values: number[]) =>
    o.externalUnet ? external(name, dims, values, store) : floats(name, dims, values);
  const v = o.prediction === "v";
  const nodes = [
    ...(o.timestepType === "float32"
      ? [node("Cast", ["timestep"], ["t"], [{ name: "to", type: ATTR.INT, i: INT64 }])]
      : [node("Identity", ["timestep"], ["t"])]),
    node("Gather", ["abar", "t"], ["a"]),
    node("Reshape", ["a", "col"], ["a4"]),
    node("Sqrt", ["a4"], ["sa"]),
    node("Sub", ["one", "a4"], ["b4"]),
    node("Sqrt", ["b4"], ["sb"]),
    node(
      "ReduceSum",
      ["encoder_hidden_states", "axis1"],
      ["ctx"],
      [{ name: "keepdims", type: ATTR.INT, i: 0 }],
    ),
    ...(o.timestepCond
      ? [
          // An LCM-distilled UNet's guidance embedding moves the target: c + ½ timestep_cond[0, 0].
          node("MatMul", ["ctx", "P"], ["c1"]),
          node("Slice", ["timestep_cond", "zero1", "one1", "one1"], ["g"]),
          node("Mul", ["g", "half"], ["gh"]),
          node("Add", ["c1", "gh"], ["c2"]),
        ]
      : [node("MatMul", ["ctx", "P"], ["c2"])]),
    node("Unsqueeze", ["c2", "axes23"], ["c"]),
    node("Mul", ["sa", "c"], ["sac"]),
    node("Sub", ["sample", "sac"], ["dev"]),
    node("Div", ["dev", "sb"], ["eps"]),
    ...(v
      ? [
          node("Mul", ["sa", "eps"], ["sae"]),
          node("Mul", ["sb", "c"], ["sbc"]),
          node("Sub", ["sae", "sbc"], ["out_sample"]),
        ]
      : [node("Mul", ["eps", "lambda"], ["out_sample"])]),
  ];
  const graph = encodeModel({
    name: "tiny_unet",
    node: nodes,
    initializer: [
      big("abar", [T], w.alphasCumprod),
      big("P", [D, LATENT], w.P),
      floats("one", [], [1]),
      ...(v ? [] : [floats("lambda", [], [w.lambda])]),
      int64s("col", [4], [-1, 1, 1, 1]),
      int64s("axes23", [2], [2, 3]),
      int64s("axis1", [1], [1]),
      ...(o.timestepCond
        ? [int64s("zero1", [1], [0]), int64s("one1", [1], [1]), floats("half", [], [0.5])]
        : []),
    ],
    input: [
      valueInfo("sample", ["batch", LATENT, "height", "width"]),
      valueInfo("timestep", ["steps"], o.timestepType === "float32" ? FLOAT : INT64),
      valueInfo("encoder_hidden_states", ["batch", "sequence", D]),
      ...(o.timestepCond ? [valueInfo("timestep_cond", [1, o.timestepCond])] : []),
    ],
    output: [valueInfo("out_sample", ["batch", LATENT, "height", "width"])],
  });
  if (!o.externalUnet) return { graph };
  return { graph, data: new Uint8Array(Float32Array.from(store.flat()).buffer) };
}

function vaeDecoder(w: TinySdWeights): Uint8Array {
  return encodeModel({
    name: "tiny_vae_decoder",
    node: [
      node("Conv", ["latent_sample", "M", "m"], ["rgb"]),
      node(
        "Resize",
        ["rgb", "", "scales"],
        ["sample"],
        [{ name: "mode", type: ATTR.STRING, s: new TextEncoder().encode("nearest") }],
      ),
    ],
    initializer: [
      floats("M", [3, LATENT, 1, 1], w.M),
      floats("m", [3], w.m),
      floats("scales", [4], [1, 1, 8, 8]),
    ],
    input: [valueInfo("latent_sample", [1, LATENT, "height", "width"])],
    output: [valueInfo("sample", [1, 3, "H", "W"])],
  });
}

/** Writes the folder into `dir`; returns its files by manifest role and its weights. */
export function writeTinySd(dir: string, o: TinySdOptions = {}) {
  const seed = o.seed ?? 7;
  const scheduler = {
    _class_name: "EulerDiscreteScheduler",
    num_train_timesteps: T,
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: "scaled_linear",
    prediction_type: o.prediction === "v" ? "v_prediction" : "epsilon",
    timestep_spacing: "leading",
    steps_offset: 1,
    set_alpha_to_one: true,
    ...o.scheduler,
  };
  const w: TinySdWeights = {
    E: seededUniform(seed, VOCAB.length * D, 1).map((v, i) =>
      Math.floor(i / D) >= SPECIAL_FROM ? v * 0.01 : v,
    ),
    P: seededUniform(seed + 1, D * LATENT, 0.2),
    // Times the VAE scale, so rgb = M · (latent / scale) + m stays about inside −1..1.
    M: seededUniform(seed + 2, 3 * LATENT, 0.25).map((v) => v * (o.vaeScalingFactor ?? 0.18215)),
    m: [0.1, -0.2, 0.05],
    alphasCumprod: cumprod(betasScaledLinear(scheduler.beta_start, scheduler.beta_end)),
    lambda: o.lambda ?? 1,
    scale: o.vaeScalingFactor ?? 0.18215,
  };
  const u = unet(w, o);
  const layout: Record<string, [string, Uint8Array | string | object]> = {
    "model-index": [
      "model_index.json",
      { _class_name: "OnnxStableDiffusionPipeline", _diffusers_version: "0.30.0" },
    ],
    scheduler: ["scheduler/scheduler_config.json", scheduler],
    "text-encoder": ["text_encoder/model.onnx", textEncoder(w.E, o.idsType ?? "int32")],
    "tokenizer-vocab": ["tokenizer/vocab.json", Object.fromEntries(TINY_SD_VOCAB)],
    "tokenizer-merges": ["tokenizer/merges.txt", `#version: 0.2\n${MERGES.join("\n")}\n`],
    "tokenizer-config": [
      "tokenizer/tokenizer_config.json",
      {
        tokenizer_class: "CLIPTokenizer",
        model_max_length: TINY_SD_MAX_TOKENS,
        do_lower_case: true,
        bos_token: {
          content: "<|startoftext|>",
          lstrip: false,
          rstrip: false,
          normalized: true,
          single_word: false,
        },
        eos_token: {
          content: "<|endoftext|>",
          lstrip: false,
          rstrip: false,
          normalized: true,
          single_word: false,
        },
        unk_token: "<|endoftext|>",
        pad_token: "<|endoftext|>",
      },
    ],
    unet: ["unet/model.onnx", u.graph],
    ...(u.data ? { "unet-data": ["unet/model.onnx_data", u.data] as [string, Uint8Array] } : {}),
    "vae-decoder": ["vae_decoder/model.onnx", vaeDecoder(w)],
    "vae-decoder-config": ["vae_decoder/config.json", { scaling_factor: w.scale }],
  };
  writeFolder(dir, Object.fromEntries(Object.values(layout)));
  const files = Object.fromEntries(Object.entries(layout).map(([role, [rel]]) => [role, join(dir, rel)]));
  return { dir, files, weights: w };
}

/** The ids the tokenizer should give: <|startoftext|>, the tokens, <|endoftext|>, padded with it to 77. */
export function tinySdIds(tokens: readonly string[]): number[] {
  const id = (t: string) => {
    const v = TINY_SD_VOCAB.get(t);
    if (v === undefined) throw new Error(`no token ${t}`);
    return v;
  };
  const eos = id("<|endoftext|>");
  const ids = [id("<|startoftext|>"), ...tokens.map(id), eos];
  return [...ids, ...new Array<number>(TINY_SD_MAX_TOKENS - ids.length).fill(eos)];
}

/** The UNet's target latent c for a prompt's ids: P · Σ E[ids]. */
export function tinySdTarget(w: TinySdWeights, ids: readonly number[]): number[] {
  const sum = new Array<number>(D).fill(0);
  for (const i of ids) for (let d = 0; d < D; d++) sum[d]! += w.E[i * D + d]!;
  return Array.from({ length: LATENT }, (_, k) => sum.reduce((a, x, d) => a + x * w.P[d * LATENT + k]!, 0));
}

/** The pixel the VAE decoder and diffusers' post-processing make of one latent pixel (4 values). */
export function tinySdPixel(w: TinySdWeights, latent: readonly number[]): [number, number, number] {
  const rgb = [0, 1, 2].map((ch) => {
    const v = latent.reduce((a, x, k) => a + w.M[ch * LATENT + k]! * (x / w.scale), w.m[ch]!);
    const u = v / 2 + 0.5;
    return u <= 0 ? 0 : u >= 1 ? 255 : Math.round(u * 255);
  });
  return rgb as [number, number, number];
}
