import type * as OrtNode from "onnxruntime-node";
import { LivepeerError } from "../../wire/errors.ts";
import type { Provider } from "./manifest.ts";
import { probeWebGpu, type WebGpuAdapterInfo } from "./webgpu.ts";

/** The part of the onnxruntime-node / onnxruntime-web module the runner uses (the same API). */
export type Ort = Pick<typeof OrtNode, "InferenceSession" | "Tensor" | "env">;

/** The ONNX Runtime package each provider runs in. */
export const ONNX_RUNTIME_OF: Record<Provider, "onnxruntime-node" | "onnxruntime-web"> = {
  cuda: "onnxruntime-node",
  tensorrt: "onnxruntime-node",
  cpu: "onnxruntime-node",
  wasm: "onnxruntime-web",
  webgpu: "onnxruntime-web",
};

export type ProviderProbe = { ok: true } | { ok: false; reason: string };

/** One provider as reported to the operator and the orchestrator. */
export interface ProviderState {
  provider: Provider;
  runtime: "onnxruntime-node" | "onnxruntime-web";
  available: boolean;
  /** Why it is unavailable; for webgpu, the adapter found. */
  note?: string;
}

export interface RuntimesOptions {
  /** GPUs found on the host: CUDA and TensorRT are only tried when there is one. */
  gpus: number;
  /** A tiny ONNX model a GPU provider must be able to load to count as present. */
  probeModel?: Uint8Array | undefined;
}

/**
 * The ONNX Runtimes and execution providers of one runner, loaded on first use and probed, never
 * assumed: onnxruntime-node (cpu; cuda and tensorrt only when a session really starts on them,
 * their libraries being a separate download), onnxruntime-web (wasm), and onnxruntime-web's JSEP
 * build (`onnxruntime-web/all`) on WebGPU when an adapter can be had (src/node-runner/ai/webgpu.ts).
 */
export class Runtimes {
  readonly #options: RuntimesOptions;
  readonly #probes = new Map<Provider, Promise<ProviderProbe>>();
  readonly #modules = new Map<string, Promise<Ort>>();
  #webgpuInfo: WebGpuAdapterInfo | undefined;

  constructor(options: RuntimesOptions) {
    this.#options = options;
  }

  /** The adapter WebGPU runs on, once probed successfully. */
  get webgpuAdapter(): WebGpuAdapterInfo | undefined {
    return this.#webgpuInfo;
  }

  #module(name: "node" | "web" | "webgpu"): Promise<Ort> {
    let p = this.#modules.get(name);
    if (!p) {
      p = (async () => {
        if (name === "node") return (await import("onnxruntime-node")) as Ort;
        if (name === "web") return (await import("onnxruntime-web")) as unknown as Ort;
        return (await import("onnxruntime-web/all")) as unknown as Ort;
      })();
      this.#modules.set(name, p);
    }
    return p;
  }

  /** The ONNX Runtime module that runs `provider` (after `probe(provider)` said yes). */
  ort(provider: Provider): Promise<Ort> {
    if (ONNX_RUNTIME_OF[provider] === "onnxruntime-node") return this.#module("node");
    return this.#module(provider === "webgpu" ? "webgpu" : "web");
  }

  /** Whether the provider works here; probed once, remembered. */
  probe(provider: Provider): Promise<ProviderProbe> {
    let p = this.#probes.get(provider);
    if (!p) {
      p = this.#probe(provider).catch((err: unknown) => ({
        ok: false as const,
        reason: err instanceof Error ? err.message : String(err),
      }));
      this.#probes.set(provider, p);
    }
    return p;
  }

  async #probe(provider: Provider): Promise<ProviderProbe> {
    switch (provider) {
      case "cpu":
      case "wasm":
        await this.ort(provider);
        return { ok: true };
      case "webgpu":
        return this.#probeWebGpu();
      case "cuda":
      case "tensorrt":
        return this.#probeGpuProvider(provider);
    }
  }

  async #probeGpuProvider(ep: "cuda" | "tensorrt"): Promise<ProviderProbe> {
    const ort = (await this.#module("node")) as typeof OrtNode;
    if (!ort.listSupportedBackends().some((b) => b.name === ep)) {
      return { ok: false, reason: `${ep}: not in this onnxruntime-node build` };
    }
    if (this.#options.gpus === 0 || !this.#options.probeModel) {
      return { ok: false, reason: `${ep}: listed by onnxruntime-node but no GPU was found` };
    }
    const prev = ort.env.logLevel;
    ort.env.logLevel = "fatal";
    try {
      const s = await ort.InferenceSession.create(this.#options.probeModel, { executionProviders: [ep] });
      await s.release();
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: `${ep}: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      ort.env.logLevel = prev ?? "warning";
    }
  }

  async #probeWebGpu(): Promise<ProviderProbe> {
    const ort = await this.#module("webgpu");
    // The JSEP build keeps one WebGPU device per process: a second runner in the same process
    // (tests) reuses the adapter the first one set.
    const existing = ort.env.webgpu.adapter as GPUAdapter | undefined;
    if (!existing) {
      const found = await probeWebGpu();
      if (!found.ok) return { ok: false, reason: `webgpu: ${found.reason}` };
      ort.env.webgpu.adapter = found.adapter as never;
      this.#webgpuInfo = found.info;
    } else {
      this.#webgpuInfo ??= { runtime: "navigator.gpu", vendor: "", device: "(shared)", description: "" };
    }
    // One thread: the JSEP build's kernels run on the main thread; workers only add start-up cost.
    ort.env.wasm.numThreads = 1;
    return { ok: true };
  }

  /** Every provider probed so far, for the capabilities and the runner's status. */
  async states(): Promise<ProviderState[]> {
    const out: ProviderState[] = [];
    for (const [provider, p] of this.#probes) {
      const r = await p;
      const state: ProviderState = { provider, runtime: ONNX_RUNTIME_OF[provider], available: r.ok };
      if (!r.ok) state.note = r.reason;
      else if (provider === "webgpu" && this.#webgpuInfo) {
        state.note =
          `${this.#webgpuInfo.runtime}: ${this.#webgpuInfo.device} ${this.#webgpuInfo.description}`.trim();
      }
      out.push(state);
    }
    return out;
  }
}

/** A provider that cannot run here, with why. */
export function providerUnavailable(provider: string, reason: string): LivepeerError {
  return new LivepeerError("PROVIDER_UNAVAILABLE", `execution provider ${provider} is not available`, {
    details: { provider, reason },
  });
}
