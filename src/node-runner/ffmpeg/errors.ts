import { LivepeerError } from "../../protocol/errors.ts";

/** Stable codes raised by the video executor. */
export const TranscodeCodes = {
  failed: "TRANSCODE_FAILED",
  invalidMedia: "INVALID_MEDIA",
  aborted: "JOB_ABORTED",
  unsupportedCodec: "UNSUPPORTED_CODEC",
  noFfmpeg: "FFMPEG_NOT_FOUND",
} as const;

/** FFmpeg exited non-zero: carries its exit code and the tail of stderr. */
export function transcodeFailed(exitCode: number | null, stderrTail: string, engine: string): LivepeerError {
  const last = stderrTail.trim().split("\n").at(-1) ?? "";
  return new LivepeerError(TranscodeCodes.failed, `ffmpeg exited with code ${exitCode}: ${last}`, {
    details: { exitCode, stderrTail, engine },
  });
}

export function invalidMedia(message: string, details?: Record<string, unknown>): LivepeerError {
  return new LivepeerError(TranscodeCodes.invalidMedia, message, details ? { details } : undefined);
}

export function aborted(what: string): LivepeerError {
  return new LivepeerError(TranscodeCodes.aborted, `${what} aborted`);
}
