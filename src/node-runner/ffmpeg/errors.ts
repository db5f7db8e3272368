import { LivepeerError } from "../../wire/errors.ts";

/** FFmpeg exited non-zero: carries its exit code and the tail of stderr. */
export function transcodeFailed(exitCode: number | null, stderrTail: string, engine: string): LivepeerError {
  const last = stderrTail.trim().split("\n").at(-1) ?? "";
  return new LivepeerError("TRANSCODE_FAILED", `ffmpeg exited with code ${exitCode}: ${last}`, {
    details: { exitCode, stderrTail, engine },
  });
}

export function invalidMedia(message: string, details?: Record<string, unknown>): LivepeerError {
  return new LivepeerError("INVALID_MEDIA", message, details ? { details } : undefined);
}

export function aborted(what: string): LivepeerError {
  return new LivepeerError("JOB_ABORTED", `${what} aborted`);
}
