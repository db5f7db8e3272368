import { rm } from "node:fs/promises";
import { LivepeerError } from "../../wire/errors.ts";
import type { VideoProfile } from "../../wire/jobs.ts";
import type { MediaInfo } from "../../wire/media.ts";
import type { OutputFile } from "../executor.ts";
import { DEFAULT_RUNNER_LIMITS, type RunnerLimits } from "../limits.ts";
import { ladderArgs, type PlannedOutput, progressMicros, singleArgs } from "./args.ts";
import { transcodeFailed } from "./errors.ts";
import { probeMedia, probeVideo } from "./ffprobe.ts";
import type { NativeFfmpeg } from "./locate.ts";
import { ladderUnits, planOutputs, toOutputFile } from "./plan.ts";
import { runProcess } from "./process.ts";

export interface LadderRequest {
  input: string;
  profiles: readonly VideoProfile[];
  format: "mpegts" | "mp4";
  /** Existing directory for the renditions. */
  outDir: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
  onSpawn?: ((pid: number) => void) | undefined;
  /** Encoders this FFmpeg has (from probeFfmpeg); null skips the check. */
  encoders?: ReadonlySet<string> | null | undefined;
  /** Use NVENC when the build has it. */
  gpu?: boolean | undefined;
  /**
   * ffprobe every rendition and report what was written (one extra process each). Off by default:
   * the scale filter forces each profile's exact size and the duration is the input's.
   */
  verifyOutputs?: boolean | undefined;
  /** Bounds checked on the probe before FFmpeg starts, and the process's time and memory caps. */
  limits?: RunnerLimits | undefined;
  /**
   * The input as the edge's ffprobe read it (carried by the job): used instead of probing again,
   * which would cost one more process before FFmpeg starts. Without a video stream it is ignored.
   */
  probe?: MediaInfo | undefined;
}

/** Refuses a segment longer, or with more pixels per second, than the limits allow (MEDIA_TOO_LARGE). */
export function checkSegment(input: MediaInfo, limits: RunnerLimits): void {
  const pixelsPerSec = input.width * input.height * input.fps;
  if (!(input.durationSec <= limits.maxSegmentSec) || pixelsPerSec > limits.maxPixelsPerSec) {
    throw new LivepeerError(
      "MEDIA_TOO_LARGE",
      `segment too large: ${input.durationSec} s, ${pixelsPerSec} px/s`,
      {
        details: {
          durationSec: input.durationSec,
          pixelsPerSec,
          maxSegmentSec: limits.maxSegmentSec,
          maxPixelsPerSec: limits.maxPixelsPerSec,
        },
      },
    );
  }
}

export interface LadderResult {
  outputs: OutputFile[];
  engine: "ffmpeg-native" | "ffmpeg-wasm";
  input: MediaInfo;
  units: bigint;
  timings: { probeMs: number; transcodeMs: number; verifyMs: number };
}

const now = () => performance.now();

async function removeAll(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })));
}

/**
 * Runs the whole ladder in ONE native FFmpeg process (decode once, encode every rendition),
 * reporting progress from `-progress pipe:1`. The input must be video (else INVALID_MEDIA);
 * a non-zero exit is a TRANSCODE_FAILED carrying the exit code and the stderr tail. Partial
 * outputs are removed on any failure, including an abort (which SIGKILLs FFmpeg).
 */
export async function runLadder(ff: NativeFfmpeg, req: LadderRequest): Promise<LadderResult> {
  const t0 = now();
  const limits = req.limits ?? DEFAULT_RUNNER_LIMITS;
  const input = req.probe?.hasVideo ? req.probe : await probeVideo(req.input, ff);
  checkSegment(input, limits);
  const planned = planOutputs(req.profiles, req.format, req.outDir, req.encoders ?? null, req.gpu ?? false);
  const t1 = now();
  let ok = false;
  try {
    const totalUs = input.durationSec * 1e6;
    const args = ladderArgs(req.input, planned, { hasAudio: input.hasAudio, progress: true });
    const r = await runProcess(ff.ffmpegPath, args, {
      signal: req.signal,
      onSpawn: req.onSpawn,
      timeoutMs: limits.jobTimeoutMs,
      memoryBytes: limits.jobMemoryBytes,
      onStdoutLine: (line) => {
        const us = progressMicros(line);
        if (us !== null && totalUs > 0) req.onProgress?.(Math.min(1, us / totalUs));
        else if (line === "progress=end") req.onProgress?.(1);
      },
    });
    if (r.exitCode !== 0) throw transcodeFailed(r.exitCode, r.stderrTail, "ffmpeg-native");
    const t2 = now();
    const outputs = req.verifyOutputs
      ? await Promise.all(planned.map(async (o) => toOutputFile(o, await probeMedia(o.path, ff))))
      : planned.map((o) =>
          toOutputFile(o, {
            width: o.profile.width,
            height: o.profile.height,
            durationSec: input.durationSec,
          }),
        );
    ok = true;
    return {
      outputs,
      engine: "ffmpeg-native",
      input,
      units: ladderUnits(planned, input.durationSec),
      timings: { probeMs: t1 - t0, transcodeMs: t2 - t1, verifyMs: now() - t2 },
    };
  } finally {
    if (!ok) await removeAll(planned.map((o) => o.path));
  }
}

/**
 * The baseline the ladder is measured against: one FFmpeg process per rendition, each decoding
 * the input again. Run sequentially (as a naive runner would) unless `parallel` is set.
 */
export async function transcodeRenditionsSeparately(
  ff: NativeFfmpeg,
  req: Omit<LadderRequest, "onProgress" | "onSpawn"> & { parallel?: boolean },
): Promise<PlannedOutput[]> {
  const input = await probeVideo(req.input, ff);
  const planned = planOutputs(req.profiles, req.format, req.outDir, req.encoders ?? null, req.gpu ?? false);
  const one = async (o: PlannedOutput) => {
    const r = await runProcess(ff.ffmpegPath, singleArgs(req.input, o, { hasAudio: input.hasAudio }), {
      signal: req.signal,
    });
    if (r.exitCode !== 0) throw transcodeFailed(r.exitCode, r.stderrTail, "ffmpeg-native");
  };
  if (req.parallel) await Promise.all(planned.map(one));
  else for (const o of planned) await one(o);
  return planned;
}
