import { PRESETS } from "../../../protocol/profiles.ts";
import type { VideoProfile, WireSpec } from "../../../wire/jobs.ts";
import { PIPELINES } from "../../../wire/pipelines.ts";
import type { AppDeps } from "../../deps.ts";
import { endIdleStreamSessions } from "../../go-gateway/stream-sessions.ts";
import { assertAdvertised } from "../consumer/advertised.ts";
import { probeSegment } from "../consumer/inputs.ts";
import { consumerOutput, submitConsumerJob, waitForConsumerJob } from "../consumer/jobs.ts";
import { JobError } from "../jobs/errors.ts";
import { outputUrl } from "./ai.ts";
import { profilesFromHeader, profilesFromQuery } from "./push-profiles.ts";
import { streamProfiles, touchStream } from "./push-streams.ts";

// go-livepeer's HTTP push ingest (POST/PUT /live/{manifestId}/{seq}.ts): one segment in, its
// renditions out, through this project's job path (selection, tickets, failover).

export interface PushRequest {
  manifestId: string;
  seq: number;
  format: "mpegts" | "mp4";
  body: Uint8Array;
  /** Content-Duration (ms), when sent and a number. */
  durationMs?: number;
  /** Content-Resolution as sent ("WxH"), when sent. */
  resolution?: string;
  /** Livepeer-Transcode-Configuration, when sent. */
  transcodeConfig?: string;
  /** `profiles` query parameter, when sent. */
  profilesParam?: string;
  apiKeyId: string | null;
  origin: string;
  signal?: AbortSignal;
}

export interface PushRendition {
  profile: VideoProfile;
  bytes: Uint8Array;
  contentType: string;
  url: string;
}

export interface PushAnswer {
  jobId: string;
  durationMs: number;
  renditions: PushRendition[];
}

/** The gateway's default ladder (config gateway.push.profiles). */
export function defaultLadder(deps: AppDeps): VideoProfile[] {
  return deps.config.gateway.push.profiles.map((name) => ({ ...PRESETS[name]! }));
}

/**
 * Transcodes one pushed segment into the stream's profiles. Throws JobError NOT_VIDEO (no
 * readable video), INVALID_INPUT (bad configuration), PIPELINE_NOT_ADVERTISED / NO_ORCHESTRATOR
 * (nobody transcodes: go-livepeer's "No sessions available"), JOB_FAILED or JOB_TIMEOUT.
 */
export async function runPush(deps: AppDeps, req: PushRequest): Promise<PushAnswer> {
  const info = await probeSegment(deps.mediaProbe, req.body, deps.config.media);
  const now = deps.clock.now();
  const state = deps.services.push;
  const named =
    (req.transcodeConfig ? profilesFromHeader(req.transcodeConfig, info.fps) : undefined) ??
    (req.profilesParam ? profilesFromQuery(req.profilesParam) : undefined);
  const profiles = named ?? streamProfiles(state, req.manifestId, now) ?? defaultLadder(deps);
  touchStream(state, req.manifestId, profiles, now);
  await assertAdvertised(deps, "transcode");
  const spec: WireSpec = { kind: "transcode", input: "segment", profiles, format: req.format };
  // Other streams that stopped pushing end their go-livepeer sessions (checked on each push).
  const ending = endIdleStreamSessions(deps, { except: req.manifestId }).then(() => undefined);
  const { background } = deps.services.jobs;
  background.add(ending);
  void ending.finally(() => background.delete(ending));
  const id = await submitConsumerJob(deps, {
    spec,
    inputs: [
      { name: "segment", bytes: req.body, contentType: req.format === "mp4" ? "video/mp4" : "video/mp2t" },
    ],
    units: PIPELINES.transcode.units({
      video: { renditions: profiles, durationSec: info.durationSec },
      params: {},
    }),
    apiKeyId: req.apiKeyId,
    stream: { manifestId: req.manifestId, seq: req.seq },
  });
  const job = await waitForConsumerJob(deps, id, deps.config.jobs.syncTimeoutMs, req.signal);
  if (job.status === "failed") {
    const code = job.error?.code;
    const message = job.error?.message ?? "the job failed";
    if (code === "NO_ORCHESTRATOR" || code === "NO_ORCHESTRATOR_AVAILABLE") {
      throw new JobError("NO_ORCHESTRATOR", message, { details: { jobId: id } });
    }
    throw new JobError("JOB_FAILED", message, { details: { jobId: id } });
  }
  if (job.status !== "succeeded") throw new JobError("JOB_TIMEOUT", `job ${id} is still running`);
  const renditions: PushRendition[] = [];
  // Renditions in profile order, as go-livepeer answers them.
  for (const profile of profiles) {
    const out = await consumerOutput(deps, id, profile.name);
    renditions.push({
      profile,
      bytes: out.bytes,
      contentType: out.contentType,
      url: outputUrl(req.origin, id, profile.name),
    });
  }
  return {
    jobId: id,
    durationMs: req.durationMs ?? Math.round(info.durationSec * 1000),
    renditions,
  };
}

/**
 * The renditions as go-livepeer's multipart/mixed answer: one part per rendition, in profile
 * order, named `<profile>_<seq><ext>` with a Rendition-Name header.
 */
export function multipartRenditions(
  renditions: readonly PushRendition[],
  seq: number,
  boundary: string,
): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const r of renditions) {
    const ext = r.contentType === "video/mp4" ? ".mp4" : ".ts";
    const fname = `"${r.profile.name}_${seq}${ext}"`;
    const head =
      `--${boundary}\r\n` +
      `Content-Disposition: attachment; filename=${fname}\r\n` +
      `Content-Length: ${r.bytes.byteLength}\r\n` +
      `Content-Type: ${r.contentType}; name=${fname}\r\n` +
      `Rendition-Name: ${r.profile.name}\r\n\r\n`;
    parts.push(enc.encode(head), r.bytes, enc.encode("\r\n"));
  }
  parts.push(enc.encode(`--${boundary}--\r\n`));
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
