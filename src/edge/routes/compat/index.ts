import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LivepeerError } from "../../../wire/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { GO_AI_ROUTES, type GoAiRoute, runGoAi } from "../../services/compat/ai.ts";
import { goAiError } from "../../services/compat/errors.ts";
import { streamGoLlm } from "../../services/compat/llm-stream.ts";
import { multipartRenditions, runPush } from "../../services/compat/push.ts";
import { TRANSCODE_CONFIG_HEADER } from "../../services/compat/push-profiles.ts";
import type { ConsumerInput } from "../../services/consumer/jobs.ts";
import { JobError } from "../../services/jobs/errors.ts";
import { consumerKey } from "../consumer/auth.ts";

// The app-facing routes of a go-livepeer gateway, beside /v1/...: the AI routes with the
// ai-runner bodies and go-livepeer's `{"error":{"message":…}}` errors, and HTTP push ingest
// (POST/PUT /live/{manifestId}/{seq}.ts) answering multipart/mixed renditions or JSON.
// docs/go-livepeer-gateway.md describes both.

/** This gateway's origin for result URLs: the configured public URL, else the request's. */
function originOf(c: Context<HonoEnv>): string {
  return c.get("deps").config.publicUrl ?? new URL(c.req.url).origin;
}

async function readAiBody(
  c: Context<HonoEnv>,
): Promise<{ params: Record<string, unknown>; files: ConsumerInput[] }> {
  const type = c.req.header("content-type") ?? "";
  const params: Record<string, unknown> = {};
  const files: ConsumerInput[] = [];
  if (type.startsWith("multipart/form-data")) {
    const form = await c.req.parseBody().catch((err: unknown) => {
      throw new JobError("INVALID_INPUT", (err as Error).message || "multipart body does not parse");
    });
    for (const [k, v] of Object.entries(form)) {
      if (v instanceof File) {
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(k)) throw new JobError("INVALID_INPUT", `bad file field ${k}`);
        const bytes = new Uint8Array(await v.arrayBuffer());
        if (bytes.length === 0) throw new JobError("INVALID_INPUT", `file field ${k} is empty`);
        files.push({ name: k, bytes, contentType: v.type || "application/octet-stream" });
      } else if (typeof v === "string") {
        params[k] = v;
      }
    }
    return { params, files };
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new JobError("INVALID_INPUT", (err as Error).message);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new JobError("INVALID_INPUT", "request body must be a JSON object");
  }
  return { params: body as Record<string, unknown>, files };
}

function aiRoute(app: OpenAPIHono<HonoEnv>, pipeline: GoAiRoute): void {
  app.post(`/${pipeline}`, async (c) => {
    try {
      const apiKeyId = await consumerKey(c);
      const { params, files } = await readAiBody(c);
      const request = { pipeline, params, files, apiKeyId, origin: originOf(c), signal: c.req.raw.signal };
      // Streamed live: each piece is written as the orchestrator relays it.
      if (pipeline === "llm" && params.stream === true) return await streamGoLlm(c.get("deps"), request);
      const answer = await runGoAi(c.get("deps"), request);
      return c.json(answer.body as Record<string, unknown>, 200);
    } catch (err) {
      const { status, body } = goAiError(err);
      if (status >= 500)
        c.get("deps").logger.warn("go-livepeer AI route failed", { pipeline, error: String(err) });
      return c.json(body, status as ContentfulStatusCode);
    }
  });
}

/** go-livepeer's push errors are text/plain (http.Error). */
function pushError(c: Context<HonoEnv>, err: unknown, url: string, manifestId: string): Response {
  let status = 500;
  let text = `http push error processing segment url=${url} manifestID=${manifestId} err=${JSON.stringify(String((err as Error)?.message ?? err))}`;
  if (err instanceof LivepeerError) {
    if (err.code === "NOT_VIDEO") {
      status = 422;
      text = `Error getting codec info url=${url}`;
    } else if (
      err.code === "PIPELINE_NOT_ADVERTISED" ||
      err.code === "NO_ORCHESTRATOR" ||
      err.code === "NO_ORCHESTRATOR_AVAILABLE" ||
      err.code === "JOB_TIMEOUT"
    ) {
      status = 503;
      text = "No sessions available";
    } else if (err.status >= 400 && err.status < 500) {
      status = err.status;
      text = err.message;
    }
  }
  if (status >= 500) c.get("deps").logger.warn("push ingest failed", { manifestId, error: String(err) });
  return c.text(`${text}\n`, status as ContentfulStatusCode);
}

const SEGMENT_FILE = /^(\d{1,18})\.(ts|mp4)$/;

export function compatRoutes(app: OpenAPIHono<HonoEnv>): void {
  for (const pipeline of GO_AI_ROUTES) aiRoute(app, pipeline);

  app.all("/live/:manifestId/:file", async (c) => {
    const { manifestId, file } = c.req.param();
    const url = new URL(c.req.url).pathname;
    if (c.req.method !== "POST" && c.req.method !== "PUT") {
      return c.text(`http push request wrong method=${c.req.method} url=${url}\n`, 405);
    }
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(manifestId)) return c.text(`Bad URL url=${url}\n`, 400);
    const m = SEGMENT_FILE.exec(file);
    if (!m) {
      const dot = file.lastIndexOf(".");
      return c.text(`ignoring file extension: ${dot >= 0 ? file.slice(dot) : ""}\n`, 400);
    }
    try {
      const apiKeyId = await consumerKey(c);
      const body = new Uint8Array(await c.req.arrayBuffer());
      const duration = Number.parseInt(c.req.header("content-duration") ?? "", 10);
      const resolution = c.req.header("content-resolution");
      const config = c.req.header(TRANSCODE_CONFIG_HEADER);
      const profilesParam = c.req.query("profiles");
      const seq = Number(m[1]);
      const answer = await runPush(c.get("deps"), {
        manifestId,
        seq,
        format: m[2] === "mp4" ? "mp4" : "mpegts",
        body,
        ...(Number.isSafeInteger(duration) && duration > 0 ? { durationMs: duration } : {}),
        ...(resolution ? { resolution } : {}),
        ...(config ? { transcodeConfig: config } : {}),
        ...(profilesParam ? { profilesParam } : {}),
        apiKeyId,
        origin: originOf(c),
        signal: c.req.raw.signal,
      });
      const accept = c.req.header("accept") ?? "";
      if (accept.toLowerCase().startsWith("multipart/mixed")) {
        const boundary = crypto.randomUUID().replaceAll("-", "");
        const bytes = multipartRenditions(answer.renditions, seq, boundary);
        return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
          "content-type": `multipart/mixed; boundary=${boundary}`,
        });
      }
      return c.json(
        {
          manifestId,
          seq,
          durationMs: answer.durationMs,
          ...(resolution ? { resolution } : {}),
          job: answer.jobId,
          renditions: answer.renditions.map((r) => ({
            name: r.profile.name,
            width: r.profile.width,
            height: r.profile.height,
            bitrate: r.profile.bitrate,
            fps: r.profile.fps,
            contentType: r.contentType,
            size: r.bytes.byteLength,
            url: r.url,
          })),
        },
        200,
      );
    } catch (err) {
      return pushError(c, err, url, manifestId);
    }
  });
}
