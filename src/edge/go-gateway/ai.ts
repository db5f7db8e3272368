import { create } from "@bufbuild/protobuf";
import { keccak256 } from "viem";
import { feeForUnits, pricePerPixel } from "../../protocol/pricing.ts";
import { AI_ROUTE_CAPABILITY } from "../../wire/go/capabilities.ts";
import { SegDataSchema } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import {
  AI_WORKER_AUTH,
  encodePaymentHeader,
  encodeSegDataHeader,
  PAYMENT_HEADER,
  SEGMENT_HEADER,
} from "../../wire/go/headers.ts";
import { priceFromProto } from "../../wire/go/payment.ts";
import { segDataHash, signHash } from "../../wire/go/signatures.ts";
import type { AppDeps } from "../deps.ts";
import type { H2Response } from "./h2.ts";
import { llmSseReader } from "./llm-sse-reader.ts";
import { resultUrl, SegmentError } from "./segment.ts";
import { type GoSession, settlePayment, stagePayment } from "./session.ts";

// POST {transcoder}/{pipeline} as go-livepeer's AI gateway sends it: the ai-runner body, a
// Livepeer-Segment whose manifest is "<capability>_<model>" (seq 0, hash of the empty body, no
// profiles), a Livepeer-Payment for units × the session's price, and the AI worker Authorization
// so that media comes back as /stream/ URLs, which are then downloaded.

export interface AiInput {
  pipeline: string;
  modelId: string;
  params: Record<string, unknown>;
  files: { name: string; bytes: Uint8Array; contentType: string }[];
  /** Billable units (go-livepeer's per-pipeline rule, computed by the caller). */
  units: bigint;
  /**
   * For an llm request with "stream": true: each streamed piece as it arrives (the orchestrator is
   * asked to stream). Absent: it is asked for the whole answer.
   */
  onPiece?: ((chunk: unknown) => void) | undefined;
  /** Aborting it drops the request: the orchestrator cancels the job. */
  signal?: AbortSignal | undefined;
}

export interface AiOutcome {
  /** The answer's non-media members (text, chunks, choices, masks…). */
  data: Record<string, unknown>;
  outputs: { name: string; bytes: Uint8Array; contentType: string }[];
  /** Wei the orchestrator debits: units × the session's price. */
  fee: bigint;
}

/** units × the session's price (the newest one until the first payment fixes it). */
export function aiFee(s: GoSession, units: bigint): bigint {
  const price = s.price ?? priceFromProto(s.info.priceInfo);
  if (price.pixelsPerUnit === 0n) return 0n;
  return feeForUnits(units, pricePerPixel(price.pricePerUnit, price.pixelsPerUnit));
}

const streams = (input: AiInput) =>
  input.pipeline === "llm" && input.onPiece !== undefined && input.params.stream === true;

async function requestBody(input: AiInput): Promise<{ bytes: Uint8Array; contentType: string }> {
  const modelKey = input.pipeline === "llm" ? "model" : "model_id";
  // This gateway answers apps itself: it asks for a stream only when it relays the pieces.
  const params: Record<string, unknown> = {
    ...input.params,
    [modelKey]: input.modelId,
    ...(input.pipeline === "llm" ? { stream: streams(input) } : {}),
  };
  if (input.files.length === 0) {
    return { bytes: new TextEncoder().encode(JSON.stringify(params)), contentType: "application/json" };
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null) form.set(k, typeof v === "string" ? v : JSON.stringify(v));
  }
  for (const f of input.files) {
    form.set(f.name, new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: f.contentType }), f.name);
  }
  const res = new Response(form);
  // Bun drops the header once the body is read: take the boundary first.
  const contentType = res.headers.get("content-type") ?? "multipart/form-data";
  return { bytes: new Uint8Array(await res.arrayBuffer()), contentType };
}

/** The media URLs of an ai-runner answer, in order, with the member each came from. */
function mediaUrls(reply: Record<string, unknown>): { kind: "image" | "audio"; url: string }[] {
  const out: { kind: "image" | "audio"; url: string }[] = [];
  if (Array.isArray(reply.images)) {
    for (const i of reply.images as { url?: unknown }[])
      if (typeof i?.url === "string") out.push({ kind: "image", url: i.url });
  }
  const audio = reply.audio as { url?: unknown } | undefined;
  if (typeof audio?.url === "string") out.push({ kind: "audio", url: audio.url });
  return out;
}

/**
 * Sends one AI request on the session and downloads the media it names. Throws SegmentError
 * with the orchestrator's text and status (503 `insufficient capacity`, 400 `TicketParams
 * expired`, …), which go-livepeer's retry rules read.
 */
export async function submitAi(deps: AppDeps, s: GoSession, input: AiInput): Promise<AiOutcome> {
  const bit = AI_ROUTE_CAPABILITY[input.pipeline];
  if (bit === undefined) throw new SegmentError(`no go-livepeer route for ${input.pipeline}`, 0);
  const sender = deps.keys.sender!;
  const manifestId = new TextEncoder().encode(`${bit}_${input.modelId}`);
  const hash = keccak256(new Uint8Array(0), "bytes");
  const sig = await signHash(sender, segDataHash({ manifestId, seq: 0n, hash, profileNames: [] }));
  const seg = create(SegDataSchema, {
    manifestId,
    seq: 0n,
    hash,
    sig,
    capabilities: s.capabilities,
    authToken: s.info.authToken!,
  });
  const body = await requestBody(input);
  const fee = aiFee(s, input.units);
  const staged = await stagePayment(deps, s, fee);
  const timeout = deps.config.gateway.requestTimeoutMs;
  const sse = streams(input) && input.onPiece ? llmSseReader(input.onPiece) : undefined;
  let res: H2Response;
  try {
    res = await deps.goHttp(new URL(`${s.info.transcoder}/${input.pipeline}`), {
      method: "POST",
      headers: {
        [SEGMENT_HEADER]: encodeSegDataHeader(seg),
        [PAYMENT_HEADER]: encodePaymentHeader(staged.proto),
        authorization: AI_WORKER_AUTH,
        "content-type": body.contentType,
      },
      body: body.bytes,
      // The orchestrator answers once the job ran: one deadline for both.
      headerTimeoutMs: timeout,
      totalTimeoutMs: timeout,
      maxBytes: deps.config.gateway.outbound.answerMaxBytes,
      ...(sse ? { onData: (chunk: Uint8Array) => sse.push(chunk) } : {}),
      signal: input.signal,
    });
  } catch (err) {
    await settlePayment(deps, s, staged, 0n, false);
    throw new SegmentError((err as Error).message, 0);
  }
  if (res.status !== 200) {
    await settlePayment(deps, s, staged, 0n, false);
    throw new SegmentError(new TextDecoder().decode(res.body).trim() || `HTTP ${res.status}`, res.status);
  }
  let reply: Record<string, unknown>;
  if (sse && (res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
    try {
      reply = sse.finish();
    } catch (err) {
      // A stream that broke off: the orchestrator cancels such a job and charges nothing.
      await settlePayment(deps, s, staged, 0n, false);
      throw new SegmentError((err as Error).message, 200);
    }
  } else {
    try {
      reply = JSON.parse(new TextDecoder().decode(res.body)) as Record<string, unknown>;
    } catch {
      await settlePayment(deps, s, staged, fee, true);
      throw new SegmentError("the AI answer is not JSON", 200);
    }
  }
  // Work done: the orchestrator debited units × the session's price.
  await settlePayment(deps, s, staged, fee, true);
  const outputs: AiOutcome["outputs"] = [];
  const o = deps.config.gateway.outbound;
  for (const [i, m] of mediaUrls(reply).entries()) {
    const got = await deps.goHttp(resultUrl(s, m.url), {
      method: "GET",
      headerTimeoutMs: o.outputTimeoutMs,
      totalTimeoutMs: o.outputTimeoutMs,
      maxBytes: o.outputMaxBytes,
    });
    if (got.status !== 200) throw new SegmentError(`download ${m.url}: HTTP ${got.status}`, got.status);
    outputs.push({
      name: m.kind === "audio" ? "audio" : i === 0 ? "image" : `image-${i}`,
      bytes: got.body,
      contentType: got.headers["content-type"] ?? (m.kind === "audio" ? "audio/wav" : "image/png"),
    });
  }
  const { images: _i, audio: _a, ...data } = reply;
  return { data, outputs, fee };
}
