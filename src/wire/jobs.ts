// What travels between gateway, orchestrator and runner. Specs name inputs instead of local
// paths; the runner maps names to the files it downloaded.
import type { MediaInfo } from "./media.ts";

/** A rendition to produce (go-livepeer's VideoProfile). bitrate in bits per second. */
export interface VideoProfile {
  name: string;
  width: number;
  height: number;
  bitrate: number;
  fps: number;
  codec: "h264" | "h265" | "vp8" | "vp9";
}

export interface WireTranscodeSpec {
  kind: "transcode";
  /** Name of the input that holds the segment. */
  input: string;
  profiles: VideoProfile[];
  format: "mpegts" | "mp4";
  /**
   * The segment as the orchestrator's edge read it with ffprobe when it accepted the job, so the
   * runner need not probe it again. Set by the edge only: the schema a gateway's spec passes
   * through has no such field, so a gateway cannot supply one.
   */
  probe?: MediaInfo;
}

export interface WireAiSpec {
  kind: "ai";
  pipeline: string;
  modelId: string;
  /** Request field name → input name. */
  files: Record<string, string>;
  params: Record<string, unknown>;
}

export type WireSpec = WireTranscodeSpec | WireAiSpec;

/** An input of a job as stored: its name, blob key and content type. */
export interface JobInput {
  name: string;
  blobKey: string;
  contentType: string;
}

/** An output of a job as reported to callers. */
export interface JobOutputView {
  name: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  durationSec?: number;
}

/** The result of a successful attempt, without its files. */
export interface JobResultView {
  engine: string;
  /** Decimal string (bigint on the wire). */
  units: string;
  data?: unknown;
  timings: Record<string, number>;
}

/** What a runner receives with a lease. */
export interface LeaseGrant {
  jobId: string;
  attempt: number;
  capability: string;
  spec: WireSpec;
  inputs: { name: string; contentType: string; url: string }[];
  leaseMs: number;
  leaseExpiresAt: number;
}

/** The capability a spec needs: "transcode" or the pipeline name. */
export function capabilityOf(spec: WireSpec): string {
  return spec.kind === "transcode" ? "transcode" : spec.pipeline;
}

/**
 * The name of a job's input or output: it becomes part of a blob key and a URL path segment, so
 * letters, digits, `. _ -` only, and never starting with a dot (no `.`, `..` or hidden names).
 */
export const IO_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;
