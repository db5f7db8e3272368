import { keccak256 } from "viem";
import { AI_ROUTE_CAPABILITY } from "../../wire/go/capabilities.ts";
import { AI_WORKER_AUTH } from "../../wire/go/headers.ts";
import { GO_TEXT } from "../../wire/go/status.ts";
import type { WireAiSpec } from "../../wire/jobs.ts";
import { pipelineSpec } from "../../wire/pipelines.ts";
import { offeredPrice } from "../services/tickets/offers.ts";
import { type StreamResponse, streamLlm } from "./ai-stream.ts";
import { freeCapacity } from "./capacity.ts";
import type { GoWireContext } from "./context.ts";
import { header, type NodeRequest, type NodeResponse, readBody, sendGoError } from "./http.ts";
import { runJob } from "./jobs.ts";
import {
  billingPrice,
  checkBalance,
  checkSegSignature,
  decodePaidHeaders,
  processPayment,
} from "./payment.ts";

/** The AI routes of go-livepeer's orchestrator that this node can run (a runner executor exists). */
export function isAiRoute(path: string): boolean {
  const name = path.slice(1);
  return name in AI_ROUTE_CAPABILITY && pipelineSpec(name) !== undefined;
}

const EMPTY_HASH = keccak256(new Uint8Array(0), "hex");

interface ParsedBody {
  params: Record<string, unknown>;
  files: { field: string; bytes: Uint8Array; contentType: string }[];
}

/** The ai-runner body: JSON, or multipart with the media in file fields. */
async function parseBody(req: NodeRequest, body: Uint8Array): Promise<ParsedBody> {
  const type = header(req, "content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": type },
    }).formData();
    const out: ParsedBody = { params: {}, files: [] };
    for (const [k, v] of form.entries()) {
      if (typeof v === "string") out.params[k] = v;
      else {
        const file = v as Blob;
        out.files.push({ field: k, bytes: new Uint8Array(await file.arrayBuffer()), contentType: file.type });
      }
    }
    return out;
  }
  const json = JSON.parse(new TextDecoder().decode(body)) as unknown;
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new Error("body must be a JSON object");
  return { params: json as Record<string, unknown>, files: [] };
}

/**
 * POST /{pipeline}: go-livepeer's AI worker route. 402 payment, 403 credentials or a model not
 * advertised, 503 `insufficient capacity` when no runner slot is free, 400 payment processing and
 * balance; then the job runs on a node-runner and the answer takes the ai-runner's shapes, images
 * as /stream/ URLs (data URLs for callers without the AI worker Authorization).
 */
export async function handleAi(ctx: GoWireContext, req: NodeRequest, res: NodeResponse): Promise<void> {
  const pipeline = new URL(req.url ?? "/", "http://x").pathname.slice(1);
  const bit = AI_ROUTE_CAPABILITY[pipeline]!;
  const body = await readBody(req);
  const decoded = decodePaidHeaders(req);
  if ("status" in decoded) return sendGoError(res, decoded.status, decoded.text);
  const { seg, payment } = decoded;
  const sig = await checkSegSignature(
    { ...seg, hash: seg.hash.length ? seg.hash : hexBytes(EMPTY_HASH) },
    payment.sender,
    [],
  );
  if (sig) return sendGoError(res, sig.status, sig.text);
  const token = ctx.tokens.check(seg.authToken);
  if (token) return sendGoError(res, 403, token);
  let parsed: ParsedBody;
  try {
    parsed = await parseBody(req, body);
  } catch (err) {
    return sendGoError(res, 400, (err as Error).message);
  }
  const modelId = String(parsed.params[pipeline === "llm" ? "model" : "model_id"] ?? "");
  // Only a model a live runner registered is offered, and so priced; anything else is not served.
  const own = modelId ? await offeredPrice(ctx.deps, ctx.hosted, pipeline, modelId) : undefined;
  if (!own) return sendGoError(res, 403, GO_TEXT.capCompat);
  if ((await freeCapacity(ctx, pipeline)) <= 0) return sendGoError(res, 503, GO_TEXT.insufficientCapacity);
  const sender = payment.sender!;
  const manifest = `${bit}_${modelId}`;
  const paid = await processPayment(ctx, payment, manifest, pipeline, modelId || undefined);
  if (paid) return sendGoError(res, paid.status, paid.text);
  const balance = checkBalance(ctx, sender, manifest, own);
  if (balance) return sendGoError(res, balance.status, balance.text);

  const files: Record<string, string> = {};
  for (const f of parsed.files) files[f.field] = f.field;
  const { model_id: _m, model: _n, ...params } = parsed.params;
  const spec: WireAiSpec = { kind: "ai", pipeline, modelId, files, params };
  const abort = new AbortController();
  req.once("close", () => abort.abort());
  const input = {
    spec,
    files: parsed.files.map((f) => ({
      name: f.field,
      bytes: f.bytes,
      contentType: f.contentType || "application/octet-stream",
    })),
    sender,
    manifest,
    price: billingPrice(payment, own),
    signal: abort.signal,
  };
  // go-livepeer's orchestrator streams an LLM answer asked for with "stream": true, as it is made.
  if (pipeline === "llm" && (params.stream === true || params.stream === "true")) {
    return streamLlm(ctx, res as StreamResponse, input);
  }
  const { job, outputs } = await runJob(ctx, input);
  if (job.status !== "succeeded") return sendGoError(res, 500, job.error ?? `job ${job.status}`);
  const worker = header(req, "authorization") === AI_WORKER_AUTH;
  const urls: { url: string; contentType: string }[] = [];
  for (const o of outputs) {
    if (worker) {
      const path = `${job.id}/${encodeURIComponent(o.name)}`;
      ctx.streams.put(path, { blobKey: o.blobKey, contentType: o.contentType });
      urls.push({ url: `${ctx.serviceUri}/stream/${path}`, contentType: o.contentType });
    } else {
      const bytes = (await ctx.deps.services.jobs.blobs.get(o.blobKey)) ?? new Uint8Array(0);
      urls.push({
        url: `data:${o.contentType};base64,${Buffer.from(bytes).toString("base64")}`,
        contentType: o.contentType,
      });
    }
  }
  const data = (job.result?.data ?? {}) as Record<string, unknown>;
  if (pipeline === "llm" && Array.isArray(data.choices)) {
    const { deltas: _deltas, ...body } = data;
    const text = JSON.stringify(body);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  // image-to-video's MP4 rides in the same ImageResponse, as go-livepeer's orchestrator returns it.
  const images = urls.filter((u) => u.contentType.startsWith("image/") || u.contentType.startsWith("video/"));
  const audio = urls.find((u) => u.contentType.startsWith("audio/"));
  const reply: Record<string, unknown> =
    images.length > 0
      ? {
          images: images.map((u, i) => {
            // The runner's seed for each image (text-to-image), else 0 as before.
            const seed = (Array.isArray(data.images) ? (data.images[i] as { seed?: unknown }) : undefined)
              ?.seed;
            return {
              url: u.url,
              seed: typeof seed === "number" && Number.isSafeInteger(seed) ? seed : 0,
              nsfw: false,
            };
          }),
        }
      : audio
        ? { audio: { url: audio.url } }
        : { ...data };
  const text = JSON.stringify(reply);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function hexBytes(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), "hex"));
}
