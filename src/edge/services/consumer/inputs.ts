import { PRESETS } from "../../../protocol/profiles.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { VideoProfile } from "../../../wire/jobs.ts";
import {
  imageOverLimits,
  type MediaInfo,
  type MediaLimits,
  type MediaProbe,
  videoOverLimits,
} from "../../../wire/media.ts";
import type { Measured, PipelineSpec } from "../../../wire/pipelines.ts";
import { JobError } from "../jobs/errors.ts";

// Checks of what consumers send, done before any job exists: a bad request creates nothing.

const CODECS = new Set(["h264", "h265", "vp8", "vp9"]);

/** Resolves the `profiles` field: preset names (docs/protocol.md#transcoding-presets) or explicit renditions. */
export function resolveProfiles(raw: unknown): VideoProfile[] {
  let list: unknown = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      // a bare preset name or a comma-separated list
      list = raw.split(",").map((s) => s.trim());
    }
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > 16) {
    throw new JobError("INVALID_INPUT", "profiles must be a JSON array of 1 to 16 presets or renditions");
  }
  return list.map((p, i): VideoProfile => {
    if (typeof p === "string") {
      const preset = PRESETS[p];
      if (!preset) {
        throw new JobError("UNKNOWN_PRESET", `unknown preset ${JSON.stringify(p)}`, {
          details: { known: Object.keys(PRESETS) },
        });
      }
      return { ...preset };
    }
    if (typeof p !== "object" || p === null)
      throw new JobError("INVALID_INPUT", `profiles[${i}] is not valid`);
    const o = p as Record<string, unknown>;
    const int = (k: string, min: number, max: number) => {
      const v = o[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
        throw new JobError("INVALID_INPUT", `profiles[${i}].${k} must be an integer in [${min}, ${max}]`);
      }
      return v;
    };
    const codec = o.codec ?? "h264";
    if (typeof codec !== "string" || !CODECS.has(codec)) {
      throw new JobError("INVALID_INPUT", `profiles[${i}].codec must be one of ${[...CODECS].join(", ")}`);
    }
    const width = int("width", 16, 7680);
    const height = int("height", 16, 4320);
    return {
      name:
        typeof o.name === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(o.name)
          ? o.name
          : `${width}x${height}_${i}`,
      width,
      height,
      bitrate: int("bitrate", 10_000, 200_000_000),
      fps: int("fps", 1, 240),
      codec: codec as VideoProfile["codec"],
    };
  });
}

/** MPEG-TS (0x47 sync every 188 bytes) or an ISO-BMFF box header (MP4 / MOV). */
export function looksLikeSegment(bytes: Uint8Array): boolean {
  if (bytes.length >= 376 && bytes[0] === 0x47 && bytes[188] === 0x47) return true;
  if (bytes.length >= 12) {
    const box = String.fromCharCode(...bytes.subarray(4, 8));
    return ["ftyp", "moov", "mdat", "free", "wide", "styp"].includes(box);
  }
  return false;
}

export interface SegmentInfo {
  width: number;
  height: number;
  durationSec: number;
  fps: number;
}

/**
 * Checks a segment by its magic bytes, then with the injected probe: it must carry a video stream,
 * and its declared duration and pixel rate must be within the limits (MEDIA_TOO_LARGE), so a clip
 * whose frames are hours apart never reaches FFmpeg.
 */
export async function probeSegment(
  probe: MediaProbe,
  bytes: Uint8Array,
  limits: MediaLimits,
): Promise<SegmentInfo & { media: MediaInfo }> {
  if (!looksLikeSegment(bytes)) throw new JobError("NOT_VIDEO", "segment is not MPEG-TS or MP4");
  const info = await probeOrThrow(probe, bytes, "NOT_VIDEO", "segment is not a readable video");
  if (!info.hasVideo) throw new JobError("NOT_VIDEO", "segment is not a readable video: no video stream");
  if (!(info.durationSec > 0)) throw new JobError("NOT_VIDEO", "segment has no duration");
  const segment = { width: info.width, height: info.height, durationSec: info.durationSec, fps: info.fps };
  const over = videoOverLimits(segment, limits);
  if (over) throw new LivepeerError("MEDIA_TOO_LARGE", over, { details: { ...segment } });
  return { ...segment, media: info };
}

async function probeOrThrow(
  probe: MediaProbe,
  bytes: Uint8Array,
  code: "NOT_VIDEO" | "INVALID_INPUT",
  what: string,
): Promise<MediaInfo> {
  try {
    return await probe.probe(bytes);
  } catch (err) {
    throw new JobError(code, `${what}: ${(err as Error).message}`);
  }
}

/** Width and height from a PNG, JPEG, GIF or WebP header, or null when unrecognised. */
export function imageSize(b: Uint8Array): { width: number; height: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) {
    return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1]!;
      const len = dv.getUint16(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
      }
      i += 2 + len;
    }
    return null;
  }
  if (
    b.length >= 30 &&
    String.fromCharCode(...b.subarray(0, 4)) === "RIFF" &&
    String.fromCharCode(...b.subarray(8, 12)) === "WEBP"
  ) {
    const kind = String.fromCharCode(...b.subarray(12, 16));
    if (kind === "VP8X") {
      return {
        width: 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16)),
        height: 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16)),
      };
    }
    if (kind === "VP8 ")
      return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
    if (kind === "VP8L") {
      const bits = dv.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
  }
  return null;
}

/** Seconds of audio in a file, by the injected probe. */
export async function audioSeconds(probe: MediaProbe, bytes: Uint8Array): Promise<number> {
  const info = await probeOrThrow(probe, bytes, "INVALID_INPUT", "audio is not readable");
  if (!info.hasAudio || !(info.durationSec > 0))
    throw new JobError("INVALID_INPUT", "audio has no audio stream");
  return info.durationSec;
}

/**
 * Checks an AI request against its registry entry (file, fields) and counts its billable units.
 * Returns the parsed parameters (defaults filled in) the job carries to the runner.
 */
export async function aiRequestUnits(
  probe: MediaProbe,
  spec: PipelineSpec,
  file: Uint8Array | undefined,
  raw: Record<string, unknown>,
  limits: MediaLimits,
): Promise<{ units: bigint; params: Record<string, unknown> }> {
  const parsed = spec.params.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
    throw new JobError("INVALID_INPUT", `${spec.name}: ${issues.join("; ")}`, { details: { issues } });
  }
  const m: Measured = { params: parsed.data };
  if (spec.file === "image") {
    if (!file) throw new JobError("INVALID_INPUT", `${spec.name} needs an image file`);
    const size = imageSize(file);
    if (!size || size.width === 0 || size.height === 0) {
      throw new JobError("INVALID_INPUT", "image must be PNG, JPEG, GIF or WebP");
    }
    const over = imageOverLimits(size, limits);
    if (over) throw new LivepeerError("MEDIA_TOO_LARGE", over, { details: { ...size } });
    m.image = size;
  } else if (spec.file === "audio") {
    if (!file) throw new JobError("INVALID_INPUT", `${spec.name} needs an audio file`);
    m.audioMs = (await audioSeconds(probe, file)) * 1000;
  }
  try {
    return { units: spec.units(m), params: parsed.data };
  } catch (err) {
    throw new JobError("INVALID_INPUT", `${spec.name}: ${(err as Error).message}`);
  }
}
