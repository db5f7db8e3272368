import { create, toBinary } from "@bufbuild/protobuf";
import { keccak256 } from "viem";
import type { Address } from "../../protocol/types.ts";
import { bitstringSubset, capabilityBitstring, DEFAULT_CAPABILITIES } from "../../wire/go/capabilities.ts";
import {
  type VideoProfile as PbVideoProfile,
  type SegData,
  TranscodeResultSchema,
  VideoProfile_Format,
  VideoProfile_VideoCodec,
} from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { signHash, transcodeResultHash } from "../../wire/go/signatures.ts";
import { GO_TEXT } from "../../wire/go/status.ts";
import type { VideoProfile, WireTranscodeSpec } from "../../wire/jobs.ts";
import { offeredPrice } from "../services/tickets/offers.ts";
import type { GoWireContext } from "./context.ts";
import { flushHeaders, type NodeRequest, type NodeResponse, readBody, sendGoError } from "./http.ts";
import { goOrchestratorInfo } from "./info.ts";
import { runJob } from "./jobs.ts";
import {
  billingPrice,
  checkBalance,
  checkSegSignature,
  decodePaidHeaders,
  processPayment,
  type Refusal,
  refusal,
} from "./payment.ts";

const MAX_DURATION_MS = 5 * 60 * 1000;
const TRANSCODE_BITS = capabilityBitstring(DEFAULT_CAPABILITIES);
const CODEC: Record<number, VideoProfile["codec"]> = {
  [VideoProfile_VideoCodec.H264]: "h264",
  [VideoProfile_VideoCodec.H265]: "h265",
  [VideoProfile_VideoCodec.VP8]: "vp8",
  [VideoProfile_VideoCodec.VP9]: "vp9",
};

/** The profiles the gateway asked for: fullProfiles3, else 2, else 1 (go-livepeer's order). */
export function segmentProfiles(seg: SegData): PbVideoProfile[] {
  if (seg.fullProfiles3.length > 0) return seg.fullProfiles3;
  if (seg.fullProfiles2.length > 0) return seg.fullProfiles2;
  return seg.fullProfiles;
}

/** The project's profile for a protobuf one; fps 0 (keep the source's) takes `sourceFps`. */
function toProfile(p: PbVideoProfile, sourceFps: number): VideoProfile | null {
  const codec = CODEC[p.encoder];
  const fps = p.fps === 0 ? sourceFps : Math.round(p.fps / (p.fpsDen || 1));
  if (!codec || p.width <= 0 || p.height <= 0 || p.bitrate <= 0 || !(fps > 0)) return null;
  return { name: p.name, width: p.width, height: p.height, bitrate: p.bitrate, fps, codec };
}

/** Names as signed and as results are named: go-livepeer replaces an empty name. */
const profileName = (p: PbVideoProfile, i: number) => p.name || `net_${i}`;

/**
 * POST /segment: go-livepeer's SubmitSegment. Checks in go-livepeer's order (402 payment, 403
 * credentials, 400 payment processing and balance, 403 body hash), then answers 200 at once and
 * writes the TranscodeResult when the node-runner is done.
 */
export async function handleSegment(ctx: GoWireContext, req: NodeRequest, res: NodeResponse): Promise<void> {
  const body = await readBody(req);
  const decoded = decodePaidHeaders(req);
  if ("status" in decoded) return sendGoError(res, decoded.status, decoded.text);
  const { seg, payment } = decoded;
  const profiles = segmentProfiles(seg).map((p, i) => ({ ...p, name: profileName(p, i) }));
  const creds = await checkCredentials(ctx, seg, payment.sender, profiles);
  if (creds) return sendGoError(res, creds.status, creds.text);
  const sender = payment.sender!;
  const manifest = seg.authToken!.sessionId;
  const own = await offeredPrice(ctx.deps, ctx.hosted, "transcode");
  let info: Awaited<ReturnType<typeof goOrchestratorInfo>>;
  try {
    info = await goOrchestratorInfo(ctx, sender, seg.authToken!, null);
  } catch (err) {
    return sendGoError(res, 500, (err as Error).message);
  }
  const paid = await processPayment(ctx, payment, manifest, "transcode");
  if (paid) return sendGoError(res, paid.status, paid.text);
  const balance = checkBalance(ctx, sender, manifest, own);
  if (balance) return sendGoError(res, balance.status, balance.text);
  if (keccak256(body, "hex") !== bytesHex(seg.hash)) return sendGoError(res, 403, GO_TEXT.forbidden);

  flushHeaders(res, 200, { "content-type": "application/x-protobuf" });
  const result = await transcode(ctx, {
    seg,
    body,
    profiles,
    sender,
    manifest,
    price: billingPrice(payment, own),
    req,
  });
  res.end(
    Buffer.from(
      toBinary(TranscodeResultSchema, create(TranscodeResultSchema, { seq: seg.seq, result, info })),
    ),
  );
}

function bytesHex(b: Uint8Array): string {
  return `0x${Buffer.from(b).toString("hex")}`;
}

async function checkCredentials(
  ctx: GoWireContext,
  seg: SegData,
  sender: Address | null,
  profiles: PbVideoProfile[],
): Promise<Refusal | null> {
  const sig = await checkSegSignature(
    seg,
    sender,
    profiles.map((p) => p.name),
  );
  if (sig) return sig;
  if (seg.capabilities) {
    // Transcoding needs only the default set; a bit outside it is work this node does not do.
    if (!bitstringSubset(seg.capabilities.bitstring, TRANSCODE_BITS)) return refusal(403, GO_TEXT.capCompat);
  }
  const token = ctx.tokens.check(seg.authToken);
  if (token) return refusal(403, token);
  if (seg.duration < 0 || seg.duration > MAX_DURATION_MS) return refusal(403, GO_TEXT.invalidDuration);
  if (profiles.length === 0) return refusal(403, GO_TEXT.segEncoding);
  return null;
}

type Result =
  | { case: "error"; value: string }
  | { case: "data"; value: { segments: { url: string; pixels: bigint }[]; sig: Uint8Array } };

async function transcode(
  ctx: GoWireContext,
  input: {
    seg: SegData;
    body: Uint8Array;
    profiles: PbVideoProfile[];
    sender: Address;
    manifest: string;
    price: { pricePerUnit: bigint; pixelsPerUnit: bigint };
    req: NodeRequest;
  },
): Promise<Result> {
  const { deps } = ctx;
  try {
    let sourceFps = 0;
    if (input.profiles.some((p) => p.fps === 0)) {
      sourceFps = Math.round((await deps.mediaProbe.probe(input.body).catch(() => null))?.fps ?? 0) || 30;
    }
    const profiles: VideoProfile[] = [];
    for (const p of input.profiles) {
      const converted = toProfile(p, sourceFps);
      if (!converted) return { case: "error", value: `unsupported profile ${p.name}` };
      profiles.push(converted);
    }
    const mp4 = input.profiles[0]!.format === VideoProfile_Format.MP4;
    const spec: WireTranscodeSpec = {
      kind: "transcode",
      input: "segment",
      profiles,
      format: mp4 ? "mp4" : "mpegts",
    };
    const abort = new AbortController();
    input.req.once("close", () => abort.abort());
    const { job, outputs } = await runJob(ctx, {
      spec,
      files: [{ name: "segment", bytes: input.body, contentType: "video/mp2t" }],
      sender: input.sender,
      manifest: input.manifest,
      price: input.price,
      signal: abort.signal,
    });
    if (job.status !== "succeeded") return { case: "error", value: job.error ?? `transcode ${job.status}` };
    const renditions: Uint8Array[] = [];
    const segments: { url: string; pixels: bigint }[] = [];
    const ext = mp4 ? "mp4" : "ts";
    for (const p of profiles) {
      const out = outputs.find((o) => o.name === p.name);
      const bytes = out && (await deps.services.jobs.blobs.get(out.blobKey));
      if (!out || !bytes) return { case: "error", value: `missing rendition ${p.name}` };
      renditions.push(bytes);
      const path = `${input.manifest}/${encodeURIComponent(p.name)}/${input.seg.seq}.${ext}`;
      ctx.streams.put(path, { blobKey: out.blobKey, contentType: out.contentType });
      segments.push({ url: `${ctx.serviceUri}/stream/${path}`, pixels: await ctx.countPixels(bytes) });
    }
    const sig = await signHash(ctx.hosted.account, transcodeResultHash(renditions));
    return { case: "data", value: { segments, sig } };
  } catch (err) {
    deps.logger.warn("go-wire: transcode failed", { error: String(err) });
    return { case: "error", value: (err as Error).message };
  }
}
