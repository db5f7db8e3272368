import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Capabilities } from "../wire/capabilities.ts";
import { LivepeerError } from "../wire/errors.ts";
import { pipelineSpec } from "../wire/pipelines.ts";
import { findModel, loadManifest, type ModelManifest } from "./ai/manifest.ts";
import { PIPELINES, TFJS_EXECUTORS } from "./ai/pipelines/index.ts";
import {
  type BackendInfo,
  loadBackend,
  type OnnxBackend,
  onnxCapability,
  SessionPool,
} from "./ai/sessions.ts";
import { TfjsPool } from "./ai/tfjs.ts";
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
  /** "node" = onnxruntime-node (CPU, CUDA when present); "web" = onnxruntime-web (wasm). */
  onnxBackend?: OnnxBackend;
  /** Scratch directory; the built-in models are written under it. */
  workDir?: string;
  /** Restrict or reorder where FFmpeg may come from (e.g. ["wasm"] to force the wasm path). */
  ffmpegSources?: readonly FfmpegSource[];
  /** Bounds on one job's input and its FFmpeg process; absent fields keep the defaults. */
  limits?: Partial<RunnerLimits>;
}

/** What the executors found at start, for logs and the runner's /status. */
export interface ExecutorState {
  ffmpeg: FfmpegLocation | null;
  ffmpegProbe: FfmpegProbe | null;
  gpus: GpuInfo[];
  onnx: BackendInfo;
  manifest: ModelManifest;
}

export interface RunnerExecutors extends Executors {
  /** Resolves once FFmpeg, GPUs, ONNX Runtime and warm models are ready. */
  state(): Promise<ExecutorState>;
  /** "pipeline/modelId" of the sessions held loaded now (warm models). */
  loadedModels(): Promise<string[]>;
}

function wasmVersion(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve("@ffmpeg/core/package.json");
    return `ffmpeg.wasm ${(JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version}`;
  } catch {
    return "ffmpeg.wasm";
  }
}

interface Ready {
  state: ExecutorState;
  pool: SessionPool;
  tfjs: TfjsPool;
}

async function init(options: ExecutorOptions): Promise<Ready> {
  const [ffmpeg, gpus] = await Promise.all([
    locateFfmpeg({ ffmpegPath: options.ffmpegPath, sources: options.ffmpegSources }),
    probeGpus(),
  ]);
  const ffmpegProbe = ffmpeg?.kind === "native" ? await probeFfmpeg(ffmpeg) : null;
  const manifestSource =
    options.modelsManifest ??
    (await writeDefaultModels(
      join(options.workDir ?? join(tmpdir(), `livepeer-runner-${process.pid}`), "models"),
    ));
  const manifest = await loadManifest(manifestSource);
  const onnx = await loadBackend(options.onnxBackend ?? "node", {
    gpus: gpus.length,
    probeModel: buildUpscaleModel(),
  });
  const pool = new SessionPool(onnx);
  const tfjs = new TfjsPool();
  const isTfjs = (m: (typeof manifest.models)[number]) => TFJS_EXECUTORS.has(m.kind);
  await Promise.all([
    pool.warmUp(manifest.models.filter((m) => !isTfjs(m))),
    tfjs.warmUp(manifest.models.filter(isTfjs)),
  ]);
  return { state: { ffmpeg, ffmpegProbe, gpus, onnx, manifest }, pool, tfjs };
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
    loadedModels: async () => {
      const { pool, tfjs } = await ready;
      return [...pool.loadedModels(), ...tfjs.loadedModels()];
    },

    async probe(): Promise<Capabilities> {
      const { state, pool } = await ready;
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
        onnx: [onnxCapability(pool.info)],
        models: state.manifest.models.map((m) => ({
          pipeline: m.pipeline,
          modelId: m.modelId,
          warm: m.warm,
        })),
        capabilities: [...(ff ? ["transcode"] : []), ...pipelines],
        capacity: options.capacity ?? 1,
      };
    },

    async execute(spec: JobSpec, ctx: ExecContext): Promise<ExecResult> {
      if (closed) throw new LivepeerError("RUNNER_CLOSED", "executors are closed");
      const { state, pool, tfjs } = await ready;
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
      const r = await PIPELINES[entry.kind]({
        entry,
        pool,
        tfjs,
        files: spec.files,
        params: params.data,
        workDir: ctx.workDir,
        signal: ctx.signal,
        ffmpeg: state.ffmpeg?.kind === "native" ? state.ffmpeg : null,
        limits,
        onProgress: ctx.onProgress,
      });
      return { ...r, engine: r.engine ?? pool.engine };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        const { pool, tfjs } = await ready;
        await Promise.all([pool.close(), tfjs.close()]);
      } catch {
        // init failed: nothing to release
      }
    },
  };
}
