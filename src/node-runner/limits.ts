// Bounds on the work one job may ask of the runner, checked before any decode (issue 9, item 4).

import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from "../wire/media.ts";

/** The media bounds (shared with the edge, which checks them first) and the process caps. */
export interface RunnerLimits extends MediaLimits {
  /** Wall-clock limit of one FFmpeg process, in milliseconds. */
  jobTimeoutMs: number;
  /** Address-space cap of one FFmpeg process, in bytes (0: none). */
  jobMemoryBytes: number;
}

export const DEFAULT_RUNNER_LIMITS: RunnerLimits = {
  ...DEFAULT_MEDIA_LIMITS,
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
