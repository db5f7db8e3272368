import type { InferenceSession, Tensor } from "onnxruntime-common";
import { LivepeerError } from "../../../wire/errors.ts";
import type { OnnxModel } from "../store.ts";
import { toHalfBits } from "./half.ts";

// Feeding a diffusers ONNX graph: tensor names and element types are read from the graph, as exports
// differ (int32 or int64 ids, a float or integer timestep, float16 weights).

export type Meta = { name: string; type?: string; shape?: readonly (number | string)[] };
export const metaOf = (s: InferenceSession, which: "inputMetadata" | "outputMetadata"): Meta[] =>
  ((s as unknown as Record<string, unknown>)[which] as Meta[] | undefined) ??
  (which === "inputMetadata" ? s.inputNames : s.outputNames).map((name) => ({ name }));

export function input(s: InferenceSession, name: string, fallback: number): Meta {
  const ins = metaOf(s, "inputMetadata");
  const m = ins.find((i) => i.name === name) ?? ins[fallback];
  if (!m) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `the graph has no input ${name}`, {
      details: { inputs: ins.map((i) => i.name) },
    });
  }
  return m;
}

export function outputName(s: InferenceSession, preferred: string): string {
  return s.outputNames.includes(preferred) ? preferred : s.outputNames[0]!;
}

export function numbers(
  m: OnnxModel,
  type: string | undefined,
  values: readonly number[],
  dims: number[],
): Tensor {
  const { Tensor: T } = m.ort;
  switch (type ?? "float32") {
    case "int64":
      return new T(
        "int64",
        BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
        dims,
      );
    case "int32":
      return new T("int32", Int32Array.from(values, Math.trunc), dims);
    case "float32":
      return new T("float32", Float32Array.from(values), dims);
    case "float16":
      return halfTensor(m, toHalfBits(Float32Array.from(values)), dims);
    default:
      throw new LivepeerError("MODEL_LOAD_FAILED", `inputs of type ${type} are not supported`, {
        details: { type, supported: ["float32", "float16", "int64", "int32"] },
      });
  }
}

/**
 * A float16 tensor holding raw half bits. onnxruntime-common wraps them in a Float16Array where the
 * runtime has one (Bun), which onnxruntime-node's native binding reads as zero bytes; its data is
 * set back to the Uint16Array the binding reads.
 */
export function halfTensor(m: OnnxModel, bits: Uint16Array, dims: number[]): Tensor {
  const t = new m.ort.Tensor("float16", bits, dims);
  if (m.provider !== "wasm" && m.provider !== "webgpu" && !(t.data instanceof Uint16Array)) {
    (t as unknown as { cpuData: Uint16Array }).cpuData = bits;
  }
  return t;
}

export function floats(m: OnnxModel, meta: Meta, data: Float32Array, dims: number[]): Tensor {
  // float16 graphs (fp16 exports) get their inputs converted; the loop stays in float32.
  if (meta.type === "float16") return halfTensor(m, toHalfBits(data), dims);
  if (meta.type !== undefined && meta.type !== "float32") {
    throw new LivepeerError(
      "MODEL_LOAD_FAILED",
      `input ${meta.name} is ${meta.type}: float32 or float16 only`,
      {
        details: { input: meta.name, type: meta.type },
      },
    );
  }
  return new m.ort.Tensor("float32", data, dims);
}

/**
 * Classifier-free guidance over a batch of [unconditional, conditional] predictions of `n` values
 * each: u + scale·(c − u), the scale looked up per value (per frame for video).
 */
export function guide(predicted: Float32Array, n: number, scaleAt: (j: number) => number): Float32Array {
  const guided = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const u = predicted[j]!;
    guided[j] = u + scaleAt(j) * (predicted[n + j]! - u);
  }
  return guided;
}

export function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LivepeerError("JOB_ABORTED", "job aborted");
}
