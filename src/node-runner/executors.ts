import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Capabilities } from "../wire/capabilities.ts";
import { LivepeerError } from "../wire/errors.ts";
import { pipelineSpec } from "../wire/pipelines.ts";
import { type ImageCodec, imageCodec } from "./ai/image-codec.ts";
import { findModel, loadManifest, type ModelManifest, PROVIDERS, type Provider } from "./ai/manifest.ts";
import { FOLDER_LOADERS, PIPELINES } from "./ai/pipelines/index.ts";
import { type ProviderState, Runtimes } from "./ai/runtimes.ts";
import { jobModels, ModelStore } from "./ai/store.ts";
import type { ExecContext, ExecResult, Executors, JobSpec, TranscodeSpec } from "./executor.ts";
import { type LadderResult, runLadder } from "./ffmpeg/ladder.ts";
import { type FfmpegLocation, type FfmpegSource, locateFfmpeg } from "./ffmpeg/locate.ts";
import { type FfmpegProbe, probeFfmpeg } from "./ffmpeg/probe.ts";
import { runLadderWasm, WASM_ENCODERS } from "./ffmpeg/wasm.ts";
import { type GpuInfo, probeGpus } from "./gpu.ts";
import { type RunnerLimits, runnerLimits } from "./limits.ts";
import { buildUpscaleModel, writeDefaultModels } from "./models/build.ts";

export interface ExecutorOptions {
  /** An FFmpeg binary to prefer over the one on PATH. */
  ffmpegPath?: string;
  /** Model manifest (a JSON path or a parsed manifest); absent → the built-in tiny models. */
  modelsManifest?: string | ModelManifest;
  /** Jobs the agent may run at once (reported in the capabilities). */
  capacity?: number;
  /**
   * Providers for models that name none: "node" = onnxruntime-node (CUDA when present, else CPU);
   * "web" = onnxruntime-web (wasm); "webgpu" = onnxruntime-web on WebGPU, wasm when it cannot start;
   * or an explicit list, best first.
   */
  onnxBackend?: OnnxBackend | readonly Provider[];
  /** How long a cold model stays loaded after its last job (ms); 0 frees it at once. */
  modelIdleMs?: number;
  /** Scratch directory; the built-in models are written under it. */
  workDir?: string;
  /** Restrict or reorder where FFmpeg may come from (e.g. ["wasm"] to force the wasm path). */
  ffmpegSources?: readonly FfmpegSource[];
  /** Bounds on one job's input and its FFmpeg process; absent fields keep the defaults. */
  limits?: Partial<RunnerLimits>;
  /**
   * Awaited before each generation step of a text model after its first token: a test holds the
   * generation here (e.g. until it has seen the first streamed token). Nothing waits when absent.
   */
  beforeGenerateStep?(step: number, signal: AbortSignal): Promise<void>;
}

/** What the executors found at start, for logs and the runner's /status. */
export interface ExecutorState {
  ffmpeg: FfmpegLocation | null;
  ffmpegProbe: FfmpegProbe | null;
  gpus: GpuInfo[];
  /** Every execution provider probed, with why the missing ones are missing. */
  providers: ProviderState[];
  manifest: ModelManifest;
}

export type OnnxBackend = "node" | "web" | "webgpu";

/** The providers a backend name stands for, best first. */
export function defaultProviders(backend: OnnxBackend | readonly Provider[]): readonly Provider[] {
  if (typeof backend !== "string") return backend;
  return backend === "node" ? ["cuda", "cpu"] : backend === "web" ? ["wasm"] : ["webgpu", "wasm"];
}

/** `--onnx`: a backend name or a comma-separated provider list; undefined when invalid. */
export function parseOnnxOption(value: string): OnnxBackend | Provider[] | undefined {
  if (value === "node" || value === "web" || value === "webgpu") return value;
  const list = value.split(",").map((p) => p.trim());
  const known = PROVIDERS as readonly string[];
  return list.length > 0 && list.every((p) => known.includes(p)) ? (list as Provider[]) : undefined;
}

/** How long a cold model stays loaded after its last job, unless told otherwise. */
export const DEFAULT_MODEL_IDLE_MS = 60_000;

export interface RunnerExecutors extends Executors {
  /** Resolves once FFmpeg, GPUs, ONNX Runtime and warm models are ready. */
  state(): Promise<ExecutorState>;
  /** "pipeline/modelId#part" of everything loaded now (warm models, and cold ones not yet idle). */
  loadedModels(): Promise<string[]>;
  /** The model store (hash-checked files, loaded sessions). */
  store(): Promise<ModelStore>;
}

function wasmVersion(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve("@ffmpeg/core/package.json");
    return `ffmpeg.wasm ${(JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version}`;
  } catch {
    return "ffmpeg.wasm";
  }
}

async function init(
  options: ExecutorOptions,
): Promise<{ state: ExecutorState; store: ModelStore; images: ImageCodec }> {
  const [ffmpeg, gpus, images] = await Promise.all([
    locateFfmpeg({ ffmpegPath: options.ffmpegPath, sources: options.ffmpegSources }),
    probeGpus(),
    // Once per runner: looking sharp up per image cost a module lookup per decode and encode.
    imageCodec(),
  ]);
  const ffmpegProbe = ffmpeg?.kind === "native" ? await probeFfmpeg(ffmpeg) : null;
  const manifestSource =
    options.modelsManifest ??
    (await writeDefaultModels(
      join(options.workDir ?? join(tmpdir(), `livepeer-runner-${process.pid}`), "models"),
    ));
  const manifest = await loadManifest(manifestSource);
  const runtimes = new Runtimes({ gpus: gpus.length, probeModel: buildUpscaleModel() });
  const defaults = defaultProviders(options.onnxBackend ?? "node");
  const store = new ModelStore(manifest, runtimes, {
    defaultProviders: defaults,
    idleMs: options.modelIdleMs ?? DEFAULT_MODEL_IDLE_MS,
  });
  // A file that does not match its hash stops the runner here, naming the file.
  await store.verifyAll();
  // Probe every provider a model may use, so the capabilities say what is really there.
  const wanted = new Set<Provider>(defaults);
  for (const m of manifest.models) for (const p of store.providersOf(m)) wanted.add(p);
  await Promise.all([...wanted].map((p) => runtimes.probe(p)));
  await store.warmUp((m) => FOLDER_LOADERS[m.kind]);
  return {
    state: { ffmpeg, ffmpegProbe, gpus, providers: await runtimes.states(), manifest },
    store,
    images,
  };
}

/** The capabilities' ONNX section: each runtime with the providers that work in it, best first. */
function onnxCapabilities(providers: readonly ProviderState[]): Capabilities["onnx"] {
  const out: Capabilities["onnx"] = [];
  for (const p of providers) {
    if (!p.available) continue;
    let rt = out.find((o) => o.backend === p.runtime);
    if (!rt) {
      rt = { backend: p.runtime, executionProviders: [] };
      out.push(rt);
    }
    rt.executionProviders.push(p.provider);
  }
  return out;
}

function toExecResult(r: LadderResult, source: string): ExecResult {
  return {
    outputs: r.outputs,
    data: {
      source,
      input: {
        width: r.input.width,
        height: r.input.height,
        durationSec: r.input.durationSec,
        codec: r.input.codec,
      },
    },
    engine: r.engine,
    units: r.units,
    timings: r.timings,
  };
}

/**
 * The runner's executors: video ladders on native FFmpeg (or ffmpeg.wasm when there is none) and
 * AI pipelines on ONNX Runtime. Discovery (FFmpeg, GPUs, execution providers, warm models) starts
 * at once and every method waits for it.
 *
 * @example
 * const ex = createExecutors({ capacity: 2 });
 * const caps = await ex.probe();
 * const res = await ex.execute({ kind: "transcode", input, profiles, format: "mpegts" }, ctx);
 * await ex.close();
 */
export function createExecutors(options: ExecutorOptions = {}): RunnerExecutors {
  const ready = init(options);
  // Keep an early failure from being an unhandled rejection; callers see it on first use.
  ready.catch(() => undefined);
  const limits = runnerLimits(options.limits);
  let closed = false;

  async function transcode(spec: TranscodeSpec, ctx: ExecContext, state: ExecutorState): Promise<ExecResult> {
    const req = {
      input: spec.input,
      profiles: spec.profiles,
      format: spec.format,
      outDir: ctx.workDir,
      signal: ctx.signal,
      onProgress: (f: number) => ctx.onProgress(f, "transcode"),
      limits,
      probe: spec.probe,
    };
    const ff = state.ffmpeg;
    if (ff?.kind === "native") {
      const r = await runLadder(ff, {
        ...req,
        encoders: new Set(state.ffmpegProbe?.encoders ?? []),
        gpu: state.gpus.length > 0,
      });
      return toExecResult(r, ff.source);
    }
    if (ff?.kind === "wasm") return toExecResult(await runLadderWasm(ff, req), "wasm");
    throw new LivepeerError("FFMPEG_NOT_FOUND", "no FFmpeg on this runner (native or wasm)");
  }

  return {
    state: async () => (await ready).state,
    loadedModels: async () => (await ready).store.loaded(),
    modelsLoaded: async () => (await (await ready).store.status()).map((m) => m.loaded.length > 0),
    store: async () => (await ready).store,

    async probe(): Promise<Capabilities> {
      const { state, store } = await ready;
      const ff = state.ffmpeg;
      const pipelines = [...new Set(state.manifest.models.map((m) => m.pipeline))];
      return {
        ffmpeg:
          ff === null
            ? null
            : ff.kind === "native"
              ? {
                  path: ff.ffmpegPath,
                  version: state.ffmpegProbe?.version ?? "unknown",
                  source: ff.source,
                  encoders: state.ffmpegProbe?.encoders ?? [],
                  hwaccels: state.ffmpegProbe?.hwaccels ?? [],
                }
              : {
                  path: ff.corePath,
                  version: wasmVersion(),
                  source: "wasm",
                  encoders: [...WASM_ENCODERS],
                  hwaccels: [],
                },
        gpus: state.gpus,
        onnx: onnxCapabilities(state.providers),
        models: (await store.status()).map((m) => ({
          pipeline: m.pipeline,
          modelId: m.modelId,
          warm: m.warm,
          format: m.format,
          loaded: m.loaded.length > 0,
          price: m.price,
        })),
        capabilities: [...(ff ? ["transcode"] : []), ...pipelines],
        capacity: options.capacity ?? 1,
      };
    },

    async execute(spec: JobSpec, ctx: ExecContext): Promise<ExecResult> {
      if (closed) throw new LivepeerError("RUNNER_CLOSED", "executors are closed");
      const { state, store, images } = await ready;
      if (spec.kind === "transcode") return transcode(spec, ctx, state);
      if (!state.manifest.models.some((m) => m.pipeline === spec.pipeline)) {
        throw new LivepeerError("UNKNOWN_PIPELINE", `this runner does not serve ${spec.pipeline}`, {
          details: { pipeline: spec.pipeline },
        });
      }
      const entry = findModel(state.manifest, spec.pipeline, spec.modelId || undefined);
      // The registry's fields for the pipeline: the edge checked them too, but a runner trusts no one.
      const params = pipelineSpec(spec.pipeline)?.params.safeParse(spec.params);
      if (!params?.success) {
        throw new LivepeerError("INVALID_INPUT", `invalid parameters for ${spec.pipeline}`, {
          details: { issues: params?.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [] },
        });
      }
      const models = jobModels(store, entry);
      const gate = options.beforeGenerateStep;
      const r = await PIPELINES[entry.kind]({
        entry,
        models,
        files: spec.files,
        params: params.data,
        workDir: ctx.workDir,
        signal: ctx.signal,
        ffmpeg: state.ffmpeg?.kind === "native" ? state.ffmpeg : null,
        limits,
        images,
        onProgress: ctx.onProgress,
        onEvent: ctx.onEvent ?? (() => undefined),
        beforeStep: gate && ((step: number) => gate(step, ctx.signal)),
      });
      // The engines that really ran it ("onnxruntime-web/webgpu", "onnxruntime-node/cpu+tfjs/wasm").
      return { ...r, engine: models.engines.join("+") || "none" };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await (await ready).store.close();
      } catch {
        // init failed: nothing to release
      }
    },
  };
}
