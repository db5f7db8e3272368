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

interface Entry {
  pipeline: string;
  modelId: string;
  file: string;
  warm: boolean;
}

/**
 * The TF.js twin of the ONNX session pool: TF.js starts on first use; warm models are loaded once
 * and kept, cold ones are loaded per job and disposed of when it settles. TF.js runs one op at a
 * time on its wasm backend, so jobs on it are queued one after another.
 */
export class TfjsPool {
  private tf: Promise<TfModule> | null = null;
  private readonly warm = new Map<string, Promise<TfModel>>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** "tfjs/wasm": the engine recorded with a job. */
  readonly engine = "tfjs/wasm";

  module(): Promise<TfModule> {
    if (!this.tf) {
      this.tf = startTf();
      this.tf.catch(() => {
        this.tf = null;
      });
    }
    return this.tf;
  }

  private async create(entry: Entry): Promise<TfModel> {
    const tf = await this.module();
    try {
      return await loadTfModel(tf, entry.file);
    } catch (err) {
      throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load model ${entry.modelId}`, {
        details: { file: entry.file, reason: err instanceof Error ? err.message : String(err) },
        cause: err,
      });
    }
  }

  private loadWarm(entry: Entry): Promise<TfModel> {
    const k = `${entry.pipeline}/${entry.modelId}`;
    let p = this.warm.get(k);
    if (!p) {
      p = this.create(entry);
      p.catch(() => this.warm.delete(k));
      this.warm.set(k, p);
    }
    return p;
  }

  async warmUp(entries: readonly Entry[]): Promise<void> {
    await Promise.all(entries.filter((e) => e.warm).map((e) => this.loadWarm(e)));
  }

  /** Runs `fn` with the model (queued behind other TF.js jobs); a cold model is disposed of after. */
  use<T>(entry: Entry, fn: (model: TfModel, tf: TfModule) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LivepeerError("RUNNER_CLOSED", "TF.js pool is closed"));
    const run = async () => {
      const tf = await this.module();
      if (entry.warm) return fn(await this.loadWarm(entry), tf);
      const model = await this.create(entry);
      try {
        return await fn(model, tf);
      } finally {
        model.dispose();
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  loadedModels(): string[] {
    return [...this.warm.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.warm.values()];
    this.warm.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.dispose()));
  }
}
