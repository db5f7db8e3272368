import { join } from "node:path";
import type { VideoProfile } from "../../wire/jobs.ts";
import { PIPELINES } from "../../wire/pipelines.ts";
import type { OutputFile } from "../executor.ts";
import { CONTENT_TYPE, chooseEncoder, containerFor, EXTENSION, type PlannedOutput } from "./args.ts";
import { invalidMedia } from "./errors.ts";

/** Safe, unique file stems for the renditions ("P360p30fps16x9", "custom-640x360", …). */
function stems(profiles: readonly VideoProfile[]): string[] {
  const seen = new Map<string, number>();
  return profiles.map((p) => {
    const base = (p.name || `${p.width}x${p.height}`).replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64) || "out";
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  });
}

/** Checks the profiles and maps each to an encoder, a container and an output path. */
export function planOutputs(
  profiles: readonly VideoProfile[],
  format: "mpegts" | "mp4",
  outDir: string,
  encoders: ReadonlySet<string> | null,
  gpu: boolean,
): PlannedOutput[] {
  if (profiles.length === 0) throw invalidMedia("no renditions requested");
  for (const p of profiles) {
    const ok = (v: number) => Number.isFinite(v) && v > 0;
    if (!ok(p.width) || !ok(p.height) || !ok(p.fps) || !ok(p.bitrate) || p.width % 2 || p.height % 2) {
      throw invalidMedia(`profile ${p.name}: width/height must be positive and even, fps/bitrate positive`);
    }
  }
  const names = stems(profiles);
  return profiles.map((profile, i) => {
    const container = containerFor(profile.codec, format);
    return {
      profile,
      encoder: chooseEncoder(profile.codec, encoders, gpu),
      container,
      path: join(outDir, `${names[i]}.${EXTENSION[container]}`),
    };
  });
}

/** Pixels encoded, counted by the pipeline registry's transcode units over the renditions. */
export function ladderUnits(outputs: readonly PlannedOutput[], durationSec: number): bigint {
  return PIPELINES.transcode.units({
    video: { renditions: outputs.map((o) => o.profile), durationSec },
    params: {},
  });
}

/** The executor-contract view of a planned output; `name` is the profile's name. */
export function toOutputFile(
  o: PlannedOutput,
  geometry: { width: number; height: number; durationSec: number },
): OutputFile {
  return {
    name: o.profile.name,
    path: o.path,
    contentType: CONTENT_TYPE[o.container],
    width: geometry.width,
    height: geometry.height,
    durationSec: geometry.durationSec,
  };
}
