import { LivepeerError } from "../../../wire/errors.ts";
import { GO_SAME_ORCHESTRATOR_RETRIES, type GoFailover, goFailover } from "../../../wire/go/failover.ts";
import type { WireSpec } from "../../../wire/jobs.ts";
import type { PriceInfo } from "../../../wire/payment.ts";
import type { consumerOutputs } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { aiFee, submitAi } from "../../go-gateway/ai.ts";
import type { GoCandidate } from "../../go-gateway/discovery.ts";
import { estimatedFee, type SegmentInput, submitSegment } from "../../go-gateway/segment.ts";
import {
  endSession,
  type GoSession,
  needsRefresh,
  openSession,
  refreshSession,
} from "../../go-gateway/session.ts";
import {
  dropStreamSession,
  takeStreamSession,
  touchStreamSession,
} from "../../go-gateway/stream-sessions.ts";
import { probeSegment } from "./inputs.ts";
import type { SubmitInput } from "./jobs.ts";

// One attempt of a consumer job at a go-livepeer orchestrator: a one-shot session (GetOrchestrator
// with the job's capabilities), or for an HTTP-pushed stream's segment the stream's kept session
// (go-gateway/stream-sessions.ts); the segment or AI request paid on the shared sender books, go-
// livepeer's retry rules on the orchestrator's error text (refresh and retry the same one up to 3
// times on expired params or a short balance, else hand back the step for the caller); a one-shot
// session is ended afterwards, a stream's is kept unless the failover rules drop it.

export interface GoAttemptOutcome {
  fee: bigint;
  price: PriceInfo;
  engine: string;
  data?: unknown;
  outputs: (typeof consumerOutputs.$inferInsert)[];
  sent: { tickets: number; faceValue: bigint; ev: bigint };
}

/** Whether the job can go over go-livepeer's wire: a segment transcode, or an AI request with a model. */
export function goWireable(spec: WireSpec, modelId: string | undefined): boolean {
  if (spec.kind === "transcode") return spec.profiles.every((p) => p.name !== "");
  return modelId !== undefined && modelId !== "";
}

const NO_SENT = { tickets: 0, faceValue: 0n, ev: 0n };

/** A failed attempt, carrying go-livepeer's step for the caller and the tickets it sent. */
function failed(text: string, step: GoFailover, status: number, sent: Sent): LivepeerError {
  return new LivepeerError("ORCHESTRATOR_FAILED", text, {
    details: { failover: step, status, sent },
  });
}

type Sent = GoAttemptOutcome["sent"];

/** What the session sent since `before` (a stream's session carries earlier segments' tickets). */
function sentSince(s: GoSession, before: Sent): Sent {
  const now = s.sent ?? NO_SENT;
  return {
    tickets: now.tickets - before.tickets,
    faceValue: now.faceValue - before.faceValue,
    ev: now.ev - before.ev,
  };
}

/** The tickets an error from runGoAttempt says were sent. */
export function sentOf(err: unknown): GoAttemptOutcome["sent"] {
  const d =
    err instanceof LivepeerError ? (err.details?.sent as GoAttemptOutcome["sent"] | undefined) : undefined;
  return d ?? NO_SENT;
}

/** The go-livepeer step an error from runGoAttempt calls for. */
export function failoverOf(err: unknown): GoFailover {
  if (err instanceof LivepeerError && typeof err.details?.failover === "string") {
    return err.details.failover as GoFailover;
  }
  return "fail";
}

/**
 * Runs the job at the candidate. Throws LivepeerError ORCHESTRATOR_FAILED (details.failover:
 * "next", "drop" or "fail"; details.sent: the tickets sent), GATEWAY_SPEND_LIMIT when the
 * estimate passes gateway.spend.maxFeePerJob.
 */
export async function runGoAttempt(
  deps: AppDeps,
  jobId: string,
  cand: GoCandidate,
  input: SubmitInput,
  onPiece?: (chunk: unknown) => void,
  cancel?: AbortSignal,
): Promise<GoAttemptOutcome> {
  const spec = input.spec;
  const stream = spec.kind === "transcode" ? input.stream : undefined;
  const infoTimeoutMs = deps.config.gateway.outbound.infoTimeoutMs;
  let session: GoSession;
  try {
    session = stream
      ? await takeStreamSession(deps, stream.manifestId, cand, infoTimeoutMs)
      : await openSession(deps, cand.url, cand.capabilities, infoTimeoutMs);
  } catch (err) {
    const text = (err as Error).message;
    throw failed(text, goFailover(text) === "fail" ? "drop" : goFailover(text), 0, NO_SENT);
  }
  const before = { ...(session.sent ?? NO_SENT) };
  // Whether a stream's session stays open for its next segment.
  let keep = true;
  try {
    const maxFee = deps.config.gateway.spend.maxFeePerJob;
    let segment: SegmentInput | undefined;
    if (spec.kind === "transcode") {
      const bytes = input.inputs.find((i) => i.name === spec.input)?.bytes;
      if (!bytes) throw new LivepeerError("INVALID_INPUT", `the job has no input ${spec.input}`);
      const probed = await probeSegment(deps.mediaProbe, bytes, deps.config.media);
      segment = {
        manifestId: stream?.manifestId ?? jobId,
        seq: stream?.seq ?? 0,
        body: bytes,
        profiles: spec.profiles,
        format: spec.format,
        durationMs: Math.max(1, Math.round(probed.durationSec * 1000)),
      };
      if (estimatedFee(session, segment) > maxFee) {
        throw new LivepeerError(
          "GATEWAY_SPEND_LIMIT",
          "the segment's estimated fee is above the per-job cap",
        );
      }
    } else if (aiFee(session, input.units) > maxFee) {
      throw new LivepeerError("GATEWAY_SPEND_LIMIT", "the request's fee is above the per-job cap");
    }
    for (let retry = 0; ; retry++) {
      keep = true;
      try {
        if (await needsRefresh(deps, session)) await refreshSession(deps, session);
        const engine = `go-livepeer wire ${session.info.capabilities?.version ?? ""}`.trim();
        if (segment) {
          const out = await submitSegment(deps, session, segment, deps.pixelCounter);
          const outputs = out.renditions.map((r) => ({
            jobId,
            name: r.profile.name,
            blobKey: `consumer/${jobId}/out/${r.profile.name}`,
            contentType: segment.format === "mp4" ? "video/mp4" : "video/mp2t",
            size: r.bytes.byteLength,
            width: r.profile.width,
            height: r.profile.height,
            durationSec: segment.durationMs / 1000,
            bytes: r.bytes,
          }));
          return await stored(deps, {
            fee: out.fee,
            price: session.price!,
            engine,
            outputs,
            sent: sentSince(session, before),
          });
        }
        const ai = spec as Extract<WireSpec, { kind: "ai" }>;
        const files = Object.entries(ai.files).map(([field, name]) => {
          const i = input.inputs.find((x) => x.name === name);
          if (!i) throw new LivepeerError("INVALID_INPUT", `the job has no input ${name}`);
          return { name: field, bytes: i.bytes, contentType: i.contentType };
        });
        const out = await submitAi(deps, session, {
          pipeline: ai.pipeline,
          modelId: input.modelId ?? ai.modelId,
          params: ai.params,
          files,
          units: input.units,
          onPiece,
          signal: cancel,
        });
        const outputs = out.outputs.map((o) => ({
          jobId,
          name: o.name,
          blobKey: `consumer/${jobId}/out/${o.name}`,
          contentType: o.contentType,
          size: o.bytes.byteLength,
          width: null,
          height: null,
          durationSec: null,
          bytes: o.bytes,
        }));
        return await stored(deps, {
          fee: out.fee,
          price: session.price!,
          engine,
          data: out.data,
          outputs,
          sent: sentSince(session, before),
        });
      } catch (err) {
        if (err instanceof LivepeerError) throw err;
        const text = (err as Error).message;
        const status = (err as { status?: number }).status ?? 0;
        const step = goFailover(text);
        // go-livepeer keeps the session only when it sends the segment on to the next one.
        keep = step === "next";
        if ((step === "refresh-retry" || step === "repay-retry") && retry < GO_SAME_ORCHESTRATOR_RETRIES) {
          deps.logger.info("go-livepeer orchestrator asked for fresh params", { url: cand.url, error: text });
          // A short balance: the orchestrator holds less than this gateway counted; pay it afresh.
          if (step === "repay-retry") session.credit = 0n;
          try {
            await refreshSession(deps, session);
            keep = true;
          } catch (refreshErr) {
            throw failed((refreshErr as Error).message, "drop", 0, sentSince(session, before));
          }
          continue;
        }
        throw failed(
          text,
          step === "refresh-retry" || step === "repay-retry" ? "fail" : step,
          status,
          sentSince(session, before),
        );
      }
    }
  } finally {
    if (!stream) await endSession(session).catch(() => undefined);
    else if (keep) touchStreamSession(deps, stream.manifestId, cand.url);
    else await dropStreamSession(deps, stream.manifestId, cand.url);
  }
}

/** Puts the outputs' bytes in the blob store; the rows keep only their keys. */
async function stored(
  deps: AppDeps,
  o: Omit<GoAttemptOutcome, "outputs"> & {
    outputs: (typeof consumerOutputs.$inferInsert & { bytes: Uint8Array })[];
  },
): Promise<GoAttemptOutcome> {
  const rows: (typeof consumerOutputs.$inferInsert)[] = [];
  for (const { bytes, ...row } of o.outputs) {
    await deps.services.jobs.blobs.put(row.blobKey, bytes, row.contentType);
    rows.push(row);
  }
  return { ...o, outputs: rows };
}
