import type { InferenceSession } from "onnxruntime-common";
import type * as OrtNode from "onnxruntime-node";
import type { Capabilities } from "../../wire/capabilities.ts";
import { LivepeerError } from "../../wire/errors.ts";
import type { ModelEntry } from "./manifest.ts";

export type OnnxBackend = "node" | "web";

/** The part of the onnxruntime-node / onnxruntime-web module the runner uses (the same API). */
export type Ort = Pick<typeof OrtNode, "InferenceSession" | "Tensor" | "env">;

export interface BackendInfo {
  backend: OnnxBackend;
  ort: Ort;
  /** Execution providers that actually created a session here, best first. */
  executionProviders: string[];
  /** Providers the package lists but that failed to load (CUDA without its libraries, …). */
  unavailable: string[];
  /** Why a listed provider is missing, for the operator. */
  notes: string[];
}

const GPU_EPS = ["tensorrt", "cuda", "webgpu"] as const;

/**
 * Loads a backend and finds which execution providers work. onnxruntime-node lists providers with
 * `listSupportedBackends()`; a GPU one is kept only if a session really starts on it (its shared
 * libraries are a separate download). onnxruntime-web runs wasm; WebGPU needs `navigator.gpu`,
 * which Bun and Node do not have.
 */
export async function loadBackend(
  backend: OnnxBackend,
  opts: { gpus: number; probeModel?: Uint8Array | undefined },
): Promise<BackendInfo> {
  if (backend === "web") {
    const ort = (await import("onnxruntime-web")) as unknown as Ort;
    const hasWebGpu = typeof navigator !== "undefined" && "gpu" in navigator && Boolean(navigator.gpu);
    return {
      backend,
      ort,
      executionProviders: hasWebGpu ? ["webgpu", "wasm"] : ["wasm"],
      unavailable: hasWebGpu ? [] : ["webgpu"],
      notes: hasWebGpu ? [] : ["webgpu: navigator.gpu is not available in this runtime (Bun/Node)"],
    };
  }
  const ort = await import("onnxruntime-node");
  const listed = ort.listSupportedBackends().map((b) => b.name);
  const eps: string[] = [];
  const unavailable: string[] = [];
  const notes: string[] = [];
  for (const ep of GPU_EPS) {
    if (!listed.includes(ep)) continue;
    if (opts.gpus === 0 || !opts.probeModel) {
      unavailable.push(ep);
      notes.push(`${ep}: listed by onnxruntime-node but no GPU was found`);
      continue;
    }
    const prev = ort.env.logLevel;
    ort.env.logLevel = "fatal";
    try {
      const s = await ort.InferenceSession.create(opts.probeModel, { executionProviders: [ep] });
      await s.release();
      eps.push(ep);
    } catch (err) {
      unavailable.push(ep);
      notes.push(`${ep}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      ort.env.logLevel = prev ?? "warning";
    }
  }
  eps.push("cpu");
  return { backend, ort, executionProviders: eps, unavailable, notes };
}

/** The engine name recorded with a job: "onnxruntime-node/cpu", "onnxruntime-web/wasm", … */
export function engineName(info: BackendInfo): string {
  return `onnxruntime-${info.backend}/${info.executionProviders[0]}`;
}

export function onnxCapability(info: BackendInfo): Capabilities["onnx"][number] {
  return { backend: `onnxruntime-${info.backend}`, executionProviders: [...info.executionProviders] };
}

interface Loaded {
  session: InferenceSession;
  /** Serialises runs on one session: onnxruntime-web refuses concurrent runs on a session. */
  queue: Promise<unknown>;
}

/**
 * Owns the inference sessions. Warm models are loaded once and kept; cold models are loaded for
 * one job and released in `finally`, whatever happens.
 */
export class SessionPool {
  readonly info: BackendInfo;
  private readonly warm = new Map<string, Promise<Loaded>>();
  private closed = false;

  constructor(info: BackendInfo) {
    this.info = info;
  }

  get ort(): Ort {
    return this.info.ort;
  }

  get engine(): string {
    return engineName(this.info);
  }

  private async create(entry: ModelEntry): Promise<InferenceSession> {
    try {
      return await this.info.ort.InferenceSession.create(entry.file, {
        executionProviders: this.info.executionProviders,
        graphOptimizationLevel: "all",
      });
    } catch (err) {
      throw new LivepeerError("MODEL_LOAD_FAILED", `cannot load model ${entry.modelId}`, {
        details: { file: entry.file, reason: err instanceof Error ? err.message : String(err) },
        cause: err,
      });
    }
  }

  private key(entry: ModelEntry): string {
    return `${entry.pipeline}/${entry.modelId}`;
  }

  /** Loads every warm model now, so the first job does not pay for it. */
  async warmUp(entries: readonly ModelEntry[]): Promise<void> {
    await Promise.all(entries.filter((e) => e.warm).map((e) => this.loadWarm(e)));
  }

  private loadWarm(entry: ModelEntry): Promise<Loaded> {
    const k = this.key(entry);
    let p = this.warm.get(k);
    if (!p) {
      p = this.create(entry).then((session) => ({ session, queue: Promise.resolve() }));
      // A failed load is not cached: the next job retries.
      p.catch(() => this.warm.delete(k));
      this.warm.set(k, p);
    }
    return p;
  }

  /** Runs `fn` with the model's session; a cold session is released when `fn` settles. */
  async use<T>(entry: ModelEntry, fn: (session: InferenceSession) => Promise<T>): Promise<T> {
    if (this.closed) throw new LivepeerError("RUNNER_CLOSED", "session pool is closed");
    if (entry.warm) {
      const loaded = await this.loadWarm(entry);
      if (this.info.backend === "node") return fn(loaded.session);
      const run = loaded.queue.then(
        () => fn(loaded.session),
        () => fn(loaded.session),
      );
      loaded.queue = run.catch(() => undefined);
      return run;
    }
    const session = await this.create(entry);
    try {
      return await fn(session);
    } finally {
      await session.release();
    }
  }

  loadedModels(): string[] {
    return [...this.warm.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.warm.values()];
    this.warm.clear();
    await Promise.all(
      all.map(async (p) => {
        try {
          await (await p).session.release();
        } catch {
          // already gone
        }
      }),
    );
  }
}
