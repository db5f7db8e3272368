import type { VideoProfile } from "../../../wire/jobs.ts";
import { resolveProfiles } from "../consumer/inputs.ts";
import { JobError } from "../jobs/errors.ts";

// Which renditions an HTTP-pushed stream gets, as go-livepeer decides it: the gateway's ladder
// (config `gateway.push.profiles`, go-livepeer's -transcodingOptions, default
// P240p30fps16x9,P360p30fps16x9), replaced for one stream by a `Livepeer-Transcode-Configuration`
// header (JSON with `profiles` and/or `presets`, as go-livepeer's auth webhook answers) or by a
// `profiles` query parameter (preset names, comma-separated, or a JSON array). A stream keeps the
// profiles its first segment set until a later segment names others.

/** The header go-livepeer reads a stream's transcode configuration from. */
export const TRANSCODE_CONFIG_HEADER = "livepeer-transcode-configuration";

/** One profile as go-livepeer's JSON carries it (lpms ffmpeg.JsonProfile). */
interface JsonProfile {
  name?: unknown;
  width?: unknown;
  height?: unknown;
  bitrate?: unknown;
  fps?: unknown;
  fpsDen?: unknown;
  encoder?: unknown;
}

const ENCODERS: Record<string, VideoProfile["codec"]> = {
  "": "h264",
  h264: "h264",
  h265: "h265",
  hevc: "h265",
  vp8: "vp8",
  vp9: "vp9",
};

/** Thrown for a header that is not the JSON go-livepeer expects; the route answers 400 with its text. */
export class TranscodeConfigError extends JobError {
  constructor(message: string) {
    super("INVALID_INPUT", `failed to parse transcode config header: ${JSON.stringify(message)}`);
    this.name = "TranscodeConfigError";
  }
}

/**
 * The profiles a `Livepeer-Transcode-Configuration` header names, or undefined when it names none.
 * `sourceFps` fills a profile whose fps is 0 (go-livepeer: keep the source rate).
 */
export function profilesFromHeader(raw: string, sourceFps: number): VideoProfile[] | undefined {
  let config: unknown;
  try {
    config = JSON.parse(raw);
  } catch (err) {
    throw new TranscodeConfigError((err as Error).message);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new TranscodeConfigError("the configuration must be a JSON object");
  }
  const { profiles, presets } = config as { profiles?: unknown; presets?: unknown };
  const list: unknown[] = [];
  if (presets !== undefined && presets !== null) {
    if (!Array.isArray(presets)) throw new TranscodeConfigError("presets must be an array");
    list.push(...presets);
  }
  if (profiles !== undefined && profiles !== null) {
    if (!Array.isArray(profiles)) throw new TranscodeConfigError("profiles must be an array");
    list.push(...profiles.map((p) => fromJsonProfile(p as JsonProfile, sourceFps)));
  }
  return list.length === 0 ? undefined : resolveProfiles(list);
}

function fromJsonProfile(p: JsonProfile, sourceFps: number): Record<string, unknown> {
  if (typeof p !== "object" || p === null) throw new TranscodeConfigError("a profile must be an object");
  const encoder = typeof p.encoder === "string" ? p.encoder.toLowerCase() : "";
  const codec = ENCODERS[encoder];
  if (!codec) throw new TranscodeConfigError(`unknown encoder ${String(p.encoder)}`);
  const fps = typeof p.fps === "number" ? p.fps : 0;
  const den = typeof p.fpsDen === "number" && p.fpsDen > 0 ? p.fpsDen : 1;
  const rate = fps > 0 ? Math.max(1, Math.round(fps / den)) : Math.max(1, Math.round(sourceFps || 30));
  return { name: p.name, width: p.width, height: p.height, bitrate: p.bitrate, fps: rate, codec };
}

/** The profiles a `profiles` query parameter names. */
export function profilesFromQuery(raw: string): VideoProfile[] {
  return resolveProfiles(raw);
}
