import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LivepeerError } from "../../../wire/errors.ts";
import type { OutputFile } from "../../executor.ts";
import type { NativeFfmpeg } from "../../ffmpeg/locate.ts";
import type { RunnerLimits } from "../../limits.ts";
import type { ImageCodec } from "../image-codec.ts";
import type { ModelEntry } from "../manifest.ts";
import type { RgbImage } from "../png.ts";
import type { JobModels } from "../store.ts";

/** Everything one AI job needs. */
export interface PipelineRun {
  entry: ModelEntry;
  /** The job's model in the store: `models.onnx(fn, role)` runs an ONNX file of it. */
  models: JobModels;
  files: Record<string, string>;
  params: Record<string, unknown>;
  workDir: string;
  signal: AbortSignal;
  ffmpeg: NativeFfmpeg | null;
  /** Image bounds and FFmpeg's time and memory caps. */
  limits: RunnerLimits;
  /** Image decoding and PNG encoding (sharp where it loads), chosen once for the runner. */
  images: ImageCodec;
  onProgress(fraction: number, note?: string): void;
  /** A live event for the client while the job runs (an llm's streamed chunks), in order. */
  onEvent(event: unknown): void;
  /** Awaited between generation steps of a text model (ExecutorOptions.beforeGenerateStep). */
  beforeStep?: ((step: number) => Promise<void>) | undefined;
}

export interface PipelineResult {
  outputs: OutputFile[];
  data?: unknown;
  /** Units as in docs/protocol.md#pricing-and-work-units. */
  units: bigint;
  timings: Record<string, number>;
}

export type Pipeline = (run: PipelineRun) => Promise<PipelineResult>;

export function invalidInput(message: string, details?: Record<string, unknown>): LivepeerError {
  return new LivepeerError("INVALID_INPUT", message, details ? { details } : undefined);
}

/** The named input file, or the only one given. */
export function inputFile(files: Record<string, string>, field: string): string {
  const named = files[field];
  if (named) return named;
  const all = Object.values(files);
  if (all.length === 1) return all[0]!;
  throw invalidInput(`missing file field "${field}"`, { fields: Object.keys(files) });
}

/** A numeric parameter within [min, max], or the default when absent. */
export function numberParam(
  params: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = params[name];
  if (v === undefined || v === null) return fallback;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
    throw invalidInput(`${name} must be a number in [${min}, ${max}]`, { [name]: v });
  }
  return n;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new LivepeerError("JOB_ABORTED", "job aborted");
}

/** Writes an image output as PNG into the job's work directory. */
export async function writePngOutput(
  images: ImageCodec,
  workDir: string,
  name: string,
  img: RgbImage,
): Promise<OutputFile> {
  const path = join(workDir, `${name}.png`);
  await writeFile(path, await images.encodePng(img));
  return { name, path, contentType: "image/png", width: img.width, height: img.height };
}

/** The first output tensor of a run, by the manifest's name. */
export function outputName(entry: ModelEntry, i = 0): string {
  return entry.outputs[i]!.name;
}

export const ms = (t0: number) => performance.now() - t0;
