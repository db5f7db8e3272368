import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { onnx as Onnx } from "onnx-proto";
import onnxProto from "onnx-proto";

// What the tiny model folders the tests build share: ONNX graph pieces (value infos, initializers,
// nodes, the model wrapper), seeded weights, and writing a folder of JSON and binary files.

// onnx-proto is CommonJS: Node's ESM loader only gives its default export.
export const { onnx } = onnxProto;
export type { Onnx };
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const INT32 = onnx.TensorProto.DataType.INT32;
/** AttributeProto types. */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

export function valueInfo(
  name: string,
  dims: readonly (number | string)[],
  elemType = FLOAT,
): Onnx.IValueInfoProto {
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

export const floats = (name: string, dims: number[], values: readonly number[]): Onnx.ITensorProto => ({
  name,
  dims,
  dataType: FLOAT,
  floatData: [...values],
});

export const int64s = (name: string, dims: number[], values: readonly number[]): Onnx.ITensorProto => ({
  name,
  dims,
  dataType: INT64,
  int64Data: [...values],
});

export const node = (
  opType: string,
  input: string[],
  output: string[],
  attribute: Onnx.IAttributeProto[] = [],
): Onnx.INodeProto => ({ opType, input, output, attribute, name: `${opType}_${output[0]}` });

/** An ONNX model (IR 8, opset 17) around `graph`. */
export function encodeModel(graph: Onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: "livepeer-edge-tests",
    opsetImport: [{ domain: "", version: 17 }],
    graph,
  }).finish();
}

/** Deterministic weights: a 32-bit xorshift generator, uniform in [−scale, scale). */
export function seededUniform(seed: number, n: number, scale: number): number[] {
  let s = seed >>> 0 || 1;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/**
 * Writes a model folder: each path (relative to `dir`, subfolders made) gets its bytes, its text, or
 * its value as indented JSON. Returns `dir`.
 */
export function writeFolder(dir: string, files: Record<string, Uint8Array | string | object>): string {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      content instanceof Uint8Array || typeof content === "string"
        ? content
        : JSON.stringify(content, null, 2),
    );
  }
  return dir;
}
