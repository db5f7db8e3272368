import { create, fromBinary } from "@bufbuild/protobuf";
import { keccak256 } from "viem";
import { feeForUnits, pricePerPixel } from "../../protocol/pricing.ts";
import { goFailover } from "../../wire/go/failover.ts";
import {
  type VideoProfile as PbVideoProfile,
  SegDataSchema,
  TranscodeResultSchema,
  VideoProfile_Format,
  VideoProfile_VideoCodec,
  VideoProfileSchema,
} from "../../wire/go/gen/net/lp_rpc_pb.ts";
import {
  encodePaymentHeader,
  encodeSegDataHeader,
  PAYMENT_HEADER,
  SEGMENT_HEADER,
} from "../../wire/go/headers.ts";
import { priceFromProto } from "../../wire/go/payment.ts";
import { segDataHash, signHash, transcodeResultHash, verifyHashSignature } from "../../wire/go/signatures.ts";
import type { VideoProfile } from "../../wire/jobs.ts";
import type { AppDeps } from "../deps.ts";
import type { H2Response } from "./h2.ts";
import { adoptInfo, type GoSession, settlePayment, stagePayment } from "./session.ts";

// POST {transcoder}/segment as go-livepeer's gateway sends it, and its checks of the answer.

/** Σ width × height over every decoded frame (the gateway's own decode, e.g. ffprobe). */
export type PixelCounter = (bytes: Uint8Array) => Promise<bigint>;

/** A failed segment, carrying the text go-livepeer's gateway matches on (status 0: no HTTP answer). */
export class SegmentError extends Error {
  override readonly name = "SegmentError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Whether an error means "drop this session and try another orchestrator" (wire/go/failover.ts). */
export function dropsSession(err: unknown): boolean {
  return goFailover(err instanceof Error ? err.message : String(err)) === "drop";
}

/**
 * A result URL, taken only at the orchestrator's own origin (its /stream/ memory store): this
 * gateway negotiates no external storage, and must not be sent to fetch from anywhere else.
 */
export function resultUrl(s: GoSession, href: string): URL {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new SegmentError(`result URL does not parse: ${href.slice(0, 200)}`, 200);
  }
  if (url.origin !== new URL(s.info.transcoder).origin || url.username || url.password) {
    throw new SegmentError(`result URL leaves the orchestrator's origin: ${url.origin}`, 200);
  }
  return url;
}

export interface SegmentInput {
  manifestId: string;
  seq: number;
  body: Uint8Array;
  profiles: readonly VideoProfile[];
  format: "mpegts" | "mp4";
  durationMs: number;
}

export interface SegmentRendition {
  profile: VideoProfile;
  url: string;
  bytes: Uint8Array;
  pixels: bigint;
}

export interface SegmentOutcome {
  renditions: SegmentRendition[];
  /** Wei the orchestrator debits for it: Σ pixels × the session's price. */
  fee: bigint;
  tickets: number;
}

const CODEC: Record<VideoProfile["codec"], VideoProfile_VideoCodec> = {
  h264: VideoProfile_VideoCodec.H264,
  h265: VideoProfile_VideoCodec.H265,
  vp8: VideoProfile_VideoCodec.VP8,
  vp9: VideoProfile_VideoCodec.VP9,
};

function toProto(p: VideoProfile, format: SegmentInput["format"]): PbVideoProfile {
  return create(VideoProfileSchema, {
    name: p.name,
    width: p.width,
    height: p.height,
    bitrate: p.bitrate,
    fps: p.fps,
    fpsDen: 1,
    format: format === "mp4" ? VideoProfile_Format.MP4 : VideoProfile_Format.MPEGTS,
    encoder: CODEC[p.codec],
  });
}

/** go-livepeer's estimate: Σ w×h×(fps, or 60)×ceil(seconds) × 1.02 at the session's price. */
export function estimatedFee(s: GoSession, input: SegmentInput): bigint {
  const seconds = BigInt(Math.max(1, Math.ceil(input.durationMs / 1000)));
  const pixels = input.profiles.reduce(
    (sum, p) =>
      sum + BigInt(p.width) * BigInt(p.height) * BigInt(p.fps > 0 ? Math.ceil(p.fps) : 60) * seconds,
    0n,
  );
  const price = s.price ?? priceFromProto(s.info.priceInfo);
  if (price.pixelsPerUnit === 0n) return 0n;
  return feeForUnits((pixels * 102n + 99n) / 100n, pricePerPixel(price.pricePerUnit, price.pixelsPerUnit));
}

/**
 * Sends one segment on the session and checks the answer: 200, a TranscodeResult with data, a
 * result signature by the session's signer over the renditions it downloads, and (when
 * `countPixels` is given) each rendition's pixel count equal to its own decode's. Adopts the
 * result's fresh OrchestratorInfo. Throws SegmentError with the orchestrator's text.
 */
export async function submitSegment(
  deps: AppDeps,
  s: GoSession,
  input: SegmentInput,
  countPixels?: PixelCounter,
): Promise<SegmentOutcome> {
  const sender = deps.keys.sender!;
  const hash = keccak256(input.body, "bytes");
  const manifestId = new TextEncoder().encode(input.manifestId);
  const sig = await signHash(
    sender,
    segDataHash({
      manifestId,
      seq: BigInt(input.seq),
      hash,
      profileNames: input.profiles.map((p) => p.name),
    }),
  );
  const profiles = input.profiles.map((p) => toProto(p, input.format));
  const seg = create(SegDataSchema, {
    manifestId,
    seq: BigInt(input.seq),
    hash,
    profiles: new TextEncoder().encode("invalid"),
    sig,
    duration: input.durationMs,
    capabilities: s.capabilities,
    authToken: s.info.authToken!,
    ...(input.format === "mp4" ? { fullProfiles2: profiles } : { fullProfiles: profiles }),
  });
  const staged = await stagePayment(deps, s, estimatedFee(s, input));
  let res: H2Response;
  try {
    res = await deps.goHttp(new URL(`${s.info.transcoder}/segment`), {
      method: "POST",
      headers: {
        [SEGMENT_HEADER]: encodeSegDataHeader(seg),
        [PAYMENT_HEADER]: encodePaymentHeader(staged.proto),
        "content-type": "video/MP2T",
      },
      body: input.body,
      headerTimeoutMs: Math.max(2_000, input.durationMs / 2),
      totalTimeoutMs: Math.max(8_000, input.durationMs * 4),
      maxBytes: 16 * 1024 * 1024,
    });
  } catch (err) {
    await settlePayment(deps, s, staged, 0n, false);
    throw new SegmentError((err as Error).message, 0);
  }
  if (res.status !== 200) {
    await settlePayment(deps, s, staged, 0n, false);
    throw new SegmentError(new TextDecoder().decode(res.body).trim() || `HTTP ${res.status}`, res.status);
  }
  const result = fromBinary(TranscodeResultSchema, res.body);
  // The fresh info comes with every answer, the error ones included.
  if (result.info) adoptInfo(deps, s, result.info);
  if (result.result.case !== "data") {
    await settlePayment(deps, s, staged, 0n, true);
    throw new SegmentError(
      result.result.case === "error" ? result.result.value : "empty transcode result",
      200,
    );
  }
  const data = result.result.value;
  if (data.segments.length !== input.profiles.length) {
    await settlePayment(deps, s, staged, 0n, true);
    throw new SegmentError("MismatchedSegments", 200);
  }
  const renditions: SegmentRendition[] = [];
  for (const [i, out] of data.segments.entries()) {
    const got = await deps.goHttp(resultUrl(s, out.url), {
      method: "GET",
      headerTimeoutMs: 4_000,
      totalTimeoutMs: 8_000,
      maxBytes: 256 * 1024 * 1024,
    });
    if (got.status !== 200) throw new SegmentError(`download ${out.url}: HTTP ${got.status}`, got.status);
    renditions.push({ profile: input.profiles[i]!, url: out.url, bytes: got.body, pixels: out.pixels });
  }
  const price = s.price!;
  const pixels = renditions.reduce((sum, r) => sum + r.pixels, 0n);
  const fee = feeForUnits(pixels, pricePerPixel(price.pricePerUnit, price.pixelsPerUnit));
  await settlePayment(deps, s, staged, fee, true);
  const signed = await verifyHashSignature(
    transcodeResultHash(renditions.map((r) => r.bytes)),
    data.sig,
    s.signer,
  );
  if (!signed) throw new SegmentError("result signature does not match the orchestrator", 200);
  if (countPixels) {
    for (const r of renditions) {
      const own = await countPixels(r.bytes);
      if (own !== r.pixels) {
        throw new SegmentError(
          `pixel count mismatch for ${r.profile.name}: ${r.pixels} claimed, ${own} decoded`,
          200,
        );
      }
    }
  }
  return { renditions, fee, tickets: staged.created.tickets };
}
