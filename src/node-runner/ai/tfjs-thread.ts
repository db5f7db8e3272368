import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { isErrorCode, LivepeerError } from "../../wire/errors.ts";
import type { Raster } from "./raster.ts";
import type { Loader } from "./store.ts";
import type { TfjsFailure, TfjsRequest, TfjsResponse } from "./tfjs-protocol.ts";

export interface UpscaleOptions {
  tile?: number;
  pad?: number;
  signal?: AbortSignal;
  onTile?: (done: number, total: number) => void;
}

interface Pending {
  resolve(r: { image: Raster; scale: number }): void;
  reject(err: Error): void;
  onTile: ((done: number, total: number) => void) | undefined;
}

function toError(f: TfjsFailure, fallback: "INFERENCE_FAILED" | "MODEL_LOAD_FAILED"): LivepeerError {
  const code = isErrorCode(f.code) ? f.code : fallback;
  return new LivepeerError(code, f.message, f.details ? { details: f.details } : undefined);
}

/**
 * One TF.js model loaded in a worker thread of its own (tfjs-worker.ts). The runner's event loop
 * only posts the raster and receives tiles' progress and the result, so heartbeats keep going
 * while the model runs. A worker that dies (a wasm abort) fails the run in flight and is started
 * again, with its model, on the next run.
 */
export class TfjsThread {
  readonly #modelJsonPath: string;
  readonly #pending = new Map<number, Pending>();
  #worker: Promise<{ worker: Worker; backend: string }> | undefined;
  #nextId = 1;

  private constructor(modelJsonPath: string) {
    this.#modelJsonPath = modelJsonPath;
  }

  /** Starts a worker and loads the model into it (MODEL_LOAD_FAILED, or ENGINE_UNAVAILABLE). */
  static async load(modelJsonPath: string): Promise<TfjsThread> {
    const t = new TfjsThread(modelJsonPath);
    await t.backend();
    return t;
  }

  /** The TF.js backend the worker runs ("wasm"). */
  async backend(): Promise<string> {
    return (await this.#start()).backend;
  }

  #start(): Promise<{ worker: Worker; backend: string }> {
    this.#worker ??= this.#spawn();
    return this.#worker;
  }

  #spawn(): Promise<{ worker: Worker; backend: string }> {
    const started = new Promise<{ worker: Worker; backend: string }>((resolve, reject) => {
      // node:worker_threads, not the global Worker: other libraries may replace the global.
      const worker = new Worker(fileURLToPath(new URL("./tfjs-worker.ts", import.meta.url)));
      let ready = false;
      worker.on("message", (msg: TfjsResponse) => {
        if (!ready) {
          if (msg.type === "loaded") {
            ready = true;
            this.#idle(worker);
            resolve({ worker, backend: msg.backend });
          } else if (msg.type === "error") {
            void worker.terminate();
            reject(toError(msg, "MODEL_LOAD_FAILED"));
          }
          return;
        }
        this.#onMessage(msg);
      });
      worker.on("error", (e: Error) => this.#died(worker, e.message, reject));
      worker.on("exit", (code) => this.#died(worker, `TF.js worker exited (${code})`, reject));
      worker.postMessage({ type: "load", modelJsonPath: this.#modelJsonPath } satisfies TfjsRequest);
    });
    // A failed start is retried on the next run.
    started.catch(() => {
      if (this.#worker === started) this.#worker = undefined;
    });
    return started;
  }

  #onMessage(msg: TfjsResponse): void {
    if (msg.type === "loaded" || msg.id === undefined) return;
    const p = this.#pending.get(msg.id);
    if (!p) return;
    if (msg.type === "progress") {
      p.onTile?.(msg.done, msg.total);
      return;
    }
    this.#pending.delete(msg.id);
    if (msg.type === "upscaled") p.resolve({ image: msg.image, scale: msg.scale });
    else p.reject(toError(msg, "INFERENCE_FAILED"));
  }

  #died(worker: Worker, reason: string, rejectStart: (e: Error) => void): void {
    rejectStart(new LivepeerError("MODEL_LOAD_FAILED", reason));
    void this.#worker?.then(
      (w) => {
        if (w.worker === worker) this.#worker = undefined;
      },
      () => undefined,
    );
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new LivepeerError("INFERENCE_FAILED", reason));
    }
  }

  /** An idle worker must not keep the process alive; a running one must. */
  #idle(worker: Worker): void {
    if (this.#pending.size === 0) worker.unref();
  }

  /**
   * Upscales an RGB raster in the worker, tile by tile. An abort is seen between tiles (the flag
   * lives in shared memory, read by the worker without waiting for a message) → JOB_ABORTED.
   */
  async upscale(image: Raster, opts: UpscaleOptions = {}): Promise<{ image: Raster; scale: number }> {
    const { worker } = await this.#start();
    const abort = new Int32Array(new SharedArrayBuffer(4));
    const onAbort = () => Atomics.store(abort, 0, 1);
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const id = this.#nextId++;
    worker.ref();
    try {
      return await new Promise((resolve, reject) => {
        this.#pending.set(id, { resolve, reject, onTile: opts.onTile });
        worker.postMessage({
          type: "upscale",
          id,
          image,
          tile: opts.tile,
          pad: opts.pad,
          abort,
        } satisfies TfjsRequest);
      });
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
      this.#idle(worker);
    }
  }

  /** Stops the worker (the model's memory goes with it). */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    const started = await w?.catch(() => undefined);
    await started?.worker.terminate();
  }
}

/**
 * Loads a TF.js model (format tfjs) through the model store: `role` names its model.json (the
 * first file by default); every file of the model is hash-checked first, weight shards included
 * when the manifest lists them. Each model gets its own worker thread; runs on it are queued
 * (exclusive), since a worker runs one at a time anyway.
 */
export function tfjsLoader(role?: string): Loader<TfjsThread> {
  return async (entry, ctx) => {
    for (const f of entry.files) await ctx.verifiedPath(f.role);
    const path = await ctx.verifiedPath(role);
    let thread: TfjsThread;
    try {
      thread = await TfjsThread.load(path);
    } catch (err) {
      if (err instanceof LivepeerError && err.code === "ENGINE_UNAVAILABLE") throw err;
      throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load model ${entry.modelId}`, {
        details: { file: path, reason: err instanceof Error ? err.message : String(err) },
        cause: err,
      });
    }
    return {
      model: thread,
      engine: `tfjs/${await thread.backend()}`,
      exclusive: true,
      release: () => thread.close(),
    };
  };
}
