// Bounds on the work one job may ask of the runner, checked before any decode (issue 9, item 4).

export interface RunnerLimits {
  /** Longest input segment accepted, in seconds (a gap between two frames counts in full). */
  maxSegmentSec: number;
  /** Most input pixels per second of video (width × height × fps). */
  maxPixelsPerSec: number;
  /** Widest or tallest image accepted, in pixels. */
  maxImageDim: number;
  /** Most pixels in one image (width × height). */
  maxImagePixels: number;
  /** Wall-clock limit of one FFmpeg process, in milliseconds. */
  jobTimeoutMs: number;
  /** Address-space cap of one FFmpeg process, in bytes (0: none). */
  jobMemoryBytes: number;
}

export const DEFAULT_RUNNER_LIMITS: RunnerLimits = {
  maxSegmentSec: 60,
  maxPixelsPerSec: 3840 * 2160 * 60,
  maxImageDim: 8192,
  maxImagePixels: 4096 * 4096,
  jobTimeoutMs: 10 * 60_000,
  jobMemoryBytes: 4 * 1024 ** 3,
};

/** The defaults with the given fields replaced (undefined keeps the default). */
export function runnerLimits(overrides: Partial<RunnerLimits> = {}): RunnerLimits {
  const out = { ...DEFAULT_RUNNER_LIMITS };
  for (const [k, v] of Object.entries(overrides) as [keyof RunnerLimits, number | undefined][]) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}
