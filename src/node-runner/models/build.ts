import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { onnx as Onnx } from "onnx-proto";
import onnxProto from "onnx-proto";
import { MANIFEST_VERSION, type ModelManifestInput } from "../ai/manifest.ts";

// Tiny but real ONNX models, built at run time so nothing is downloaded. Their weights are fixed,
// so tests can predict every output exactly.

// onnx-proto is CommonJS: Node's ESM loader only gives its default export.
const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const OPSET = 13;

type Dim = number | string;

function valueInfo(name: string, dims: readonly Dim[], elemType: number = FLOAT): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function floats(name: string, dims: number[], values: readonly number[]): Onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: [...values] };
}

function attr(name: string, value: string | number | number[]): Onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attrs: Onnx.IAttributeProto[] = [],
): Onnx.INodeProto {
  return { opType, input, output, attribute: attrs, name: `${opType}_${output[0]}` };
}

function model(graph: Onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 7,
    producerName: "livepeer-edge",
    opsetImport: [{ domain: "", version: OPSET }],
    graph,
  }).finish();
}

/** image [1,3,H,W] → upscaled [1,3,2H,2W]: Resize, nearest, each pixel becomes a 2×2 block. */
export function buildUpscaleModel(): Uint8Array {
  return model({
    name: "upscale_nearest_2x",
    node: [
      node(
        "Resize",
        ["image", "", "scales"],
        ["upscaled"],
        [
          attr("mode", "nearest"),
          attr("coordinate_transformation_mode", "asymmetric"),
          attr("nearest_mode", "floor"),
        ],
      ),
    ],
    initializer: [floats("scales", [4], [1, 1, 2, 2])],
    input: [valueInfo("image", [1, 3, "H", "W"])],
    output: [valueInfo("upscaled", [1, 3, "H2", "W2"])],
  });
}

/** The sepia matrix the image-to-image model applies (rows: out R, G, B; columns: in R, G, B). */
export const SEPIA: readonly (readonly [number, number, number])[] = [
  [0.393, 0.769, 0.189],
  [0.349, 0.686, 0.168],
  [0.272, 0.534, 0.131],
];

/**
 * image [1,3,H,W], strength [1] → styled [1,3,H,W] = clip(x + strength·(sepia(x) − x), 0, 1), where
 * sepia is a per-pixel 1×1 convolution with the fixed colour matrix above.
 */
export function buildSepiaModel(): Uint8Array {
  return model({
    name: "sepia_colour_transform",
    node: [
      node("Conv", ["image", "weight"], ["toned"], [attr("kernel_shape", [1, 1])]),
      node("Sub", ["toned", "image"], ["delta"]),
      node("Mul", ["delta", "strength"], ["scaled"]),
      node("Add", ["image", "scaled"], ["mixed"]),
      node("Clip", ["mixed", "lo", "hi"], ["styled"]),
    ],
    initializer: [floats("weight", [3, 3, 1, 1], SEPIA.flat()), floats("lo", [], [0]), floats("hi", [], [1])],
    input: [valueInfo("image", [1, 3, "H", "W"]), valueInfo("strength", [1])],
    output: [valueInfo("styled", [1, 3, "H", "W"])],
  });
}

export const COLOR_LABELS = ["red", "green", "blue"] as const;

/**
 * image [1,3,32,32] → probs [1,3]: GlobalAveragePool → Flatten → Gemm → Softmax. Logit k is
 * 10·(2·mean_k − Σ other means), so a solid red image scores red ≈ 1 and a blue one blue ≈ 1.
 */
export function buildColorClassifier(): Uint8Array {
  const w = [
    [20, -10, -10],
    [-10, 20, -10],
    [-10, -10, 20],
  ];
  return model({
    name: "colour_classifier",
    node: [
      node("GlobalAveragePool", ["image"], ["pooled"]),
      node("Flatten", ["pooled"], ["features"], [attr("axis", 1)]),
      node("Gemm", ["features", "weight", "bias"], ["logits"]),
      node("Softmax", ["logits"], ["probs"], [attr("axis", 1)]),
    ],
    // Gemm computes features[1,3] × weight[3,3] + bias: column k holds label k's weights.
    initializer: [floats("weight", [3, 3], w.flat()), floats("bias", [3], [0, 0, 0])],
    input: [valueInfo("image", [1, 3, 32, 32])],
    output: [valueInfo("probs", [1, 3])],
  });
}

/**
 * Writes the tiny models and a manifest.json describing them (plus Silero VAD from
 * @ricky0123/vad-web when that package is installed) into `dir`; returns the manifest path.
 */
export async function writeDefaultModels(
  dir: string,
  opts: { vadModelPath?: string | null } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const built = {
    "upscale-nearest-2x.onnx": buildUpscaleModel(),
    "sepia.onnx": buildSepiaModel(),
    "color-classifier.onnx": buildColorClassifier(),
  };
  await Promise.all(Object.entries(built).map(([name, bytes]) => writeFile(join(dir, name), bytes)));
  const file = (name: keyof typeof built) => ({ role: "model", path: name, sha256: sha256Hex(built[name]) });
  const price = { pricePerUnit: "1000", pixelsPerUnit: "1" };
  const manifest: ModelManifestInput = {
    version: MANIFEST_VERSION,
    models: [
      {
        pipeline: "upscale",
        modelId: "tiny/upscale-nearest-2x",
        kind: "upscale",
        format: "onnx",
        files: [file("upscale-nearest-2x.onnx")],
        inputs: [{ name: "image", shape: [1, 3, "H", "W"] }],
        outputs: [{ name: "upscaled", shape: [1, 3, "H2", "W2"] }],
        warm: true,
        price,
      },
      {
        pipeline: "image-to-image",
        modelId: "tiny/sepia",
        kind: "image-to-image",
        format: "onnx",
        files: [file("sepia.onnx")],
        inputs: [
          { name: "image", shape: [1, 3, "H", "W"] },
          { name: "strength", shape: [1] },
        ],
        outputs: [{ name: "styled", shape: [1, 3, "H", "W"] }],
        warm: false,
        price,
      },
      {
        pipeline: "image-to-text",
        modelId: "tiny/color-classifier",
        kind: "image-classification",
        format: "onnx",
        files: [file("color-classifier.onnx")],
        inputs: [{ name: "image", shape: [1, 3, 32, 32] }],
        outputs: [{ name: "probs", shape: [1, 3] }],
        labels: [...COLOR_LABELS],
        warm: true,
        price,
      },
    ],
  };
  const vad = opts.vadModelPath === undefined ? findSileroVad() : opts.vadModelPath;
  if (vad) manifest.models.push(sileroVadEntry(vad, sha256Hex(await readFile(vad)), price));
  const path = join(dir, "manifest.json");
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/** The manifest entry of Silero VAD v5 (audio-to-text's voice-activity stage). */
export function sileroVadEntry(
  path: string,
  sha256: string,
  price: { pricePerUnit: string; pixelsPerUnit?: string },
): ModelManifestInput["models"][number] {
  return {
    pipeline: "audio-to-text",
    modelId: "silero/vad-v5",
    kind: "vad",
    format: "onnx",
    files: [{ role: "model", path, sha256 }],
    inputs: [
      { name: "input", shape: [1, 576] },
      { name: "state", shape: [2, 1, 128] },
      { name: "sr", shape: [], type: "int64" },
    ],
    outputs: [
      { name: "output", shape: [1, 1] },
      { name: "stateN", shape: [2, 1, 128] },
    ],
    warm: false,
    price,
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Silero VAD v5 as shipped by @ricky0123/vad-web, or null when the package is absent. */
export function findSileroVad(): string | null {
  try {
    const main = createRequire(import.meta.url).resolve("@ricky0123/vad-web");
    const file = join(dirname(main), "silero_vad_v5.onnx");
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}
