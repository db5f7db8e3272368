import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Tf from "@tensorflow/tfjs";
import { LivepeerError } from "../../wire/errors.ts";

export type TfModule = typeof Tf;
export type TfModel = Tf.LayersModel | Tf.GraphModel;

/** What a TF.js model.json holds (the converter's format: layers-model or graph-model). */
interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: Tf.io.WeightsManifestEntry[] }[];
}

/**
 * An IO handler that reads a model.json and its weight shards from the local disk: tf.loadLayersModel
 * and tf.loadGraphModel would otherwise fetch() them, and the runner never touches the network.
 */
export function fileModelHandler(modelJsonPath: string): Tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson;
      const dir = dirname(modelJsonPath);
      const shards = await Promise.all(
        json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p)))),
      );
      const all = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        ...(json.format ? { format: json.format } : {}),
        ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
        ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
      };
    },
  };
}

/** Loads a TF.js model from a local model.json, as a layers model or a graph model by its format. */
export async function loadTfModel(tf: TfModule, modelJsonPath: string): Promise<TfModel> {
  const format = (JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson).format;
  const handler = fileModelHandler(modelJsonPath);
  return format === "graph-model" ? tf.loadGraphModel(handler) : tf.loadLayersModel(handler);
}

/**
 * Starts TF.js on its WebAssembly backend, the portable one (tfjs-node is not installed, and the
 * wasm backend needs no native build). Its .wasm files are read from the installed package.
 */
export async function startTf(): Promise<TfModule> {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
  wasm.setWasmPaths(`${join(dirname(pkg), "dist")}/`);
  if (!(await tf.setBackend("wasm"))) {
    throw new LivepeerError("ENGINE_UNAVAILABLE", "the TF.js wasm backend did not start");
  }
  await tf.ready();
  return tf;
}
