import type { Capabilities } from "../wire/capabilities.ts";
import type { WireAiSpec, WireSpec, WireTranscodeSpec } from "../wire/jobs.ts";

// The contract between the runner's pull loop (agent) and its executors (video, AI).

// The wire specs as the runner hands them over: the same shapes, with every input name (the
// segment, the AI files by field) replaced by the local path of the file it downloaded.
export type TranscodeSpec = WireTranscodeSpec;
export type AiSpec = WireAiSpec;
export type JobSpec = WireSpec;

export interface ExecContext {
  /** Directory for outputs; created by the caller, removed by the caller. */
  workDir: string;
  signal: AbortSignal;
  /** Fraction 0..1 and an optional note. */
  onProgress(fraction: number, note?: string): void;
  /**
   * A live event for the client, sent on while the job runs (an llm's chunks when `stream` is
   * asked for); events keep their order. Absent: the pipeline's events are dropped.
   */
  onEvent?(event: unknown): void;
}

export interface OutputFile {
  name: string;
  path: string;
  contentType: string;
  /** Video renditions carry their geometry. */
  width?: number;
  height?: number;
  durationSec?: number;
}

export interface ExecResult {
  outputs: OutputFile[];
  /** Structured result for pipelines that return data (labels, segments, …). */
  data?: unknown;
  /** Which engine actually ran: "ffmpeg-native", "ffmpeg-wasm", "onnxruntime-node/cpu", … */
  engine: string;
  /** Units of work done (pixels for video; pipeline units for AI), for billing. */
  units: bigint;
  timings: Record<string, number>;
}

/** Raised by executors with a stable code; carries exit code and stderr tail for FFmpeg. */
export interface Executors {
  probe(): Promise<Capabilities>;
  /** Per model of `probe().models`, in that order: whether it is loaded now (warm, or cold not yet freed). */
  modelsLoaded?(): Promise<boolean[]>;
  execute(spec: JobSpec, ctx: ExecContext): Promise<ExecResult>;
  close(): Promise<void>;
}
