import { LivepeerError } from "../../wire/errors.ts";
import { TENSOR_TYPES, type TensorType } from "../ai/manifest.ts";

/** A tensor as the manifest records it. */
export interface TensorInfo {
  name: string;
  shape: (number | string)[];
  type: TensorType;
}

/**
 * The input and output tensors of an ONNX file, read from the graph by onnxruntime-node: names,
 * element types, and shapes (a dynamic axis without a name becomes "d0", "d1", … by position).
 */
export async function onnxTensors(path: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  const ort = await import("onnxruntime-node");
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(path);
  } catch (err) {
    throw new LivepeerError("MODEL_LOAD_FAILED", `${path} is not an ONNX model onnxruntime can read`, {
      details: { path, reason: err instanceof Error ? err.message : String(err) },
      cause: err,
    });
  }
  const known = TENSOR_TYPES as readonly string[];
  const tensors = (meta: readonly unknown[]): TensorInfo[] =>
    meta.map((raw) => {
      const m = raw as {
        name: string;
        isTensor: boolean;
        type?: string;
        shape?: readonly (number | string)[];
      };
      return {
        name: m.name,
        shape: (m.shape ?? []).map((d, i) =>
          typeof d === "number" && d >= 0 ? d : typeof d === "string" && d ? d : `d${i}`,
        ),
        type: (m.type && known.includes(m.type) ? m.type : "float32") as TensorType,
      };
    });
  try {
    return { inputs: tensors(session.inputMetadata), outputs: tensors(session.outputMetadata) };
  } finally {
    await session.release();
  }
}
