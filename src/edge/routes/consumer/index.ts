import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { WireSpec } from "../../../wire/jobs.ts";
import { AI_PIPELINE_NAMES, PIPELINES, pipelineSpec } from "../../../wire/pipelines.ts";
import type { HonoEnv } from "../../deps.ts";
import { authErrorResponses, errorResponses, notFoundResponse, problemResponse } from "../../http/problem.ts";
import { assertAdvertised } from "../../services/consumer/advertised.ts";
import { aiRequestUnits, probeSegment, resolveProfiles } from "../../services/consumer/inputs.ts";
import {
  type ConsumerInput,
  consumerOutput,
  getConsumerJob,
  submitConsumerJob,
  waitForConsumerJob,
} from "../../services/consumer/jobs.ts";
import { assertOwnJob, listConsumerJobs } from "../../services/consumer/list.ts";
import { JobError } from "../../services/jobs/errors.ts";
import { consumerKey } from "./auth.ts";

// The consumer REST API: POST /v1/transcode, POST /v1/ai/{pipeline}, GET /v1/jobs,
// GET /v1/jobs/{id}, GET /v1/jobs/{id}/outputs/{name}. Synchronous by default (up to
// jobs.syncTimeoutMs; 202 with the job when it is still running then; a failed job is a JOB_FAILED
// problem naming the job), asynchronous with ?async=true (202 at once, then poll).

const tags = ["jobs"];
const security = [{ apiKey: [] }];

const JobSchema = z
  .object({
    id: z.string(),
    status: z.enum(["pending", "running", "succeeded", "failed"]),
    capability: z.string(),
    orchestrator: z.string().nullable(),
    fee: z.string().nullable().openapi({ description: "wei" }),
    units: z.string().nullable(),
    price: z.object({ pricePerUnit: z.string(), pixelsPerUnit: z.string() }).nullable(),
    tickets: z.object({
      count: z.number().int(),
      faceValue: z.string().nullable(),
      ev: z.string().nullable(),
    }),
    progress: z.number().openapi({ description: "0..1 as the orchestrator reports it; 1 once succeeded" }),
    attempts: z.array(
      z.object({
        orchestrator: z.string(),
        remoteJobId: z.string().nullable().openapi({
          description: "the orchestrator's id of this attempt's job (GET /v1/orchestrator/jobs/{id} there)",
        }),
        status: z.string(),
        fee: z.string(),
        tickets: z.number().int(),
        error: z.string().nullable(),
      }),
    ),
    engine: z.string().nullable(),
    data: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    timings: z.record(z.string(), z.number()),
    outputs: z.array(
      z.object({
        name: z.string(),
        contentType: z.string(),
        size: z.number().int(),
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        durationSec: z.number().optional(),
        url: z.string(),
      }),
    ),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi("Job");

const AsyncQuery = z.object({
  async: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .openapi({ description: "true: answer 202 at once with the job; poll GET /v1/jobs/{id}" }),
});

const jobResponses = {
  200: { description: "The job, succeeded", content: { "application/json": { schema: JobSchema } } },
  202: {
    description: "Accepted and still running (always so with ?async=true); poll GET /v1/jobs/{id}",
    content: { "application/json": { schema: JobSchema } },
  },
  ...errorResponses,
  ...authErrorResponses,
  404: problemResponse("Unknown pipeline (UNKNOWN_PIPELINE)"),
  415: problemResponse("The segment is not video (NOT_VIDEO)"),
  429: problemResponse("Rate limit of the API key reached (RATE_LIMITED)"),
  502: problemResponse(
    "The job failed (JOB_FAILED): details.jobId names it, details.error says why; GET /v1/jobs/{id} has the record",
  ),
  503: problemResponse(
    "No active orchestrator advertises this pipeline (PIPELINE_NOT_ADVERTISED); no job was created",
  ),
} as const;

const transcode = createRoute({
  method: "post",
  path: "/v1/transcode",
  tags,
  security,
  summary: PIPELINES.transcode.summary,
  request: {
    query: AsyncQuery.extend({ format: z.enum(["mpegts", "mp4"]).optional() }),
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({
            segment: z.any().openapi({ type: "string", format: "binary" }),
            profiles: z.string().openapi({
              description: "JSON array of preset names or {width,height,bitrate,fps,codec}",
              example: '["P144p30fps16x9","P240p30fps16x9","P360p30fps16x9"]',
            }),
          }),
        },
      },
    },
  },
  responses: jobResponses,
});

const ai = createRoute({
  method: "post",
  path: "/v1/ai/{pipeline}",
  tags,
  security,
  summary: "Run an AI pipeline (multipart with an image/audio file, or JSON for text pipelines)",
  description: aiPipelinesDoc(),
  request: {
    params: z.object({
      pipeline: z.string().min(1).max(64).openapi({ enum: AI_PIPELINE_NAMES, example: "image-to-text" }),
    }),
    query: AsyncQuery,
  },
  responses: jobResponses,
});

const getJob = createRoute({
  method: "get",
  path: "/v1/jobs/{id}",
  tags,
  security,
  summary: "Status, orchestrator, fee, tickets, timings and outputs of a job",
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: JobSchema } } },
    ...errorResponses,
    ...authErrorResponses,
    ...notFoundResponse,
  },
});

const JobStatus = z.enum(["pending", "running", "succeeded", "failed"]);

const JobSummarySchema = z
  .object({
    id: z.string(),
    status: JobStatus,
    capability: z.string(),
    orchestrator: z.string().nullable(),
    fee: z.string().nullable().openapi({ description: "wei" }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi("JobSummary");

const listJobs = createRoute({
  method: "get",
  path: "/v1/jobs",
  tags,
  security,
  summary: "The caller's own jobs (those of its API key), newest first, a page at a time",
  request: {
    query: z.object({
      status: JobStatus.optional().openapi({ description: "only jobs in this status" }),
      limit: z
        .string()
        .regex(/^\d{1,3}$/, "a decimal number")
        .transform(Number)
        .pipe(z.number().int().min(1).max(100))
        .optional()
        .openapi({ description: "page size, 1-100 (default 20)" }),
      cursor: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .openapi({ description: "nextCursor of the previous page" }),
    }),
  },
  responses: {
    200: {
      description: "One page; nextCursor is null on the last",
      content: {
        "application/json": {
          schema: z.object({ jobs: z.array(JobSummarySchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses,
    ...authErrorResponses,
  },
});

const getOutput = createRoute({
  method: "get",
  path: "/v1/jobs/{id}/outputs/{name}",
  tags,
  security,
  summary: "The bytes of one output",
  request: { params: z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(100) }) },
  responses: {
    200: {
      description: "Output bytes",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...notFoundResponse,
  },
});

/** Each AI pipeline of the registry with its file and fields, for the API docs. */
function aiPipelinesDoc(): string {
  const rows = AI_PIPELINE_NAMES.map((name) => {
    const p = PIPELINES[name];
    const schema = z.toJSONSchema(p.params, { io: "input", unrepresentable: "any" }) as {
      properties?: Record<string, unknown>;
    };
    const fields = [...(p.file ? [`${p.file} (file)`] : []), ...Object.keys(schema.properties ?? {})];
    return `| \`${name}\` | ${p.summary} | ${fields.join(", ") || "none"} |`;
  });
  return ["| pipeline | what it does | fields |", "| --- | --- | --- |", ...rows].join("\n");
}

async function respond(c: Context<HonoEnv>, id: string, asyncMode: boolean) {
  const deps = c.get("deps");
  const job = asyncMode
    ? await getConsumerJob(deps, id)
    : await waitForConsumerJob(deps, id, deps.config.jobs.syncTimeoutMs, c.req.raw.signal);
  if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
  c.header("location", `/v1/jobs/${id}`);
  if (job.status === "failed") {
    // The answer says the job failed; the id lets the caller fetch the full record.
    throw new JobError("JOB_FAILED", job.error?.message ?? "the job failed", {
      details: { jobId: id, error: job.error, job: `/v1/jobs/${id}` },
    });
  }
  return c.json(job, job.status === "succeeded" ? 200 : 202);
}

const isAsync = (v: string | undefined) => v === "true" || v === "1";

async function fileBytes(v: unknown, field: string): Promise<{ bytes: Uint8Array; type: string }> {
  if (!(v instanceof File)) throw new JobError("INVALID_INPUT", `form field "${field}" must be a file`);
  const bytes = new Uint8Array(await v.arrayBuffer());
  if (bytes.length === 0) throw new JobError("INVALID_INPUT", `form field "${field}" is empty`);
  return { bytes, type: v.type || "application/octet-stream" };
}

export function consumerRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(transcode, async (c) => {
    const apiKeyId = await consumerKey(c);
    const q = c.req.valid("query");
    const form = await c.req.parseBody().catch(() => {
      throw new JobError("INVALID_INPUT", "body must be multipart/form-data with segment and profiles");
    });
    const profiles = resolveProfiles(form.profiles);
    const segment = await fileBytes(form.segment, "segment");
    const info = await probeSegment(c.get("deps").mediaProbe, segment.bytes, c.get("deps").config.media);
    await assertAdvertised(c.get("deps"), "transcode");
    const spec: WireSpec = { kind: "transcode", input: "segment", profiles, format: q.format ?? "mpegts" };
    const id = await submitConsumerJob(c.get("deps"), {
      spec,
      inputs: [{ name: "segment", bytes: segment.bytes, contentType: segment.type }],
      units: PIPELINES.transcode.units({
        video: { renditions: profiles, durationSec: info.durationSec },
        params: {},
      }),
      apiKeyId,
    });
    return respond(c, id, isAsync(q.async)) as never;
  });

  app.openapi(ai, async (c) => {
    const apiKeyId = await consumerKey(c);
    const { pipeline } = c.req.valid("param");
    const q = c.req.valid("query");
    const known = pipelineSpec(pipeline);
    if (known?.kind !== "ai") {
      throw new JobError("UNKNOWN_PIPELINE", `unknown pipeline ${pipeline}`, {
        details: { known: AI_PIPELINE_NAMES },
      });
    }
    const type = c.req.header("content-type") ?? "";
    const params: Record<string, unknown> = {};
    const inputs: ConsumerInput[] = [];
    const files: Record<string, string> = {};
    if (type.startsWith("multipart/form-data")) {
      const form = await c.req.parseBody();
      for (const [k, v] of Object.entries(form)) {
        if (v instanceof File) {
          if (!/^[A-Za-z0-9_-]{1,64}$/.test(k)) throw new JobError("INVALID_INPUT", `bad file field ${k}`);
          const f = await fileBytes(v, k);
          inputs.push({ name: k, bytes: f.bytes, contentType: f.type });
          files[k] = k;
        } else if (typeof v === "string") {
          params[k] = v;
        }
      }
    } else if (type.startsWith("application/json")) {
      const body = await c.req.json().catch(() => {
        throw new JobError("INVALID_INPUT", "body is not valid JSON");
      });
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new JobError("INVALID_INPUT", "JSON body must be an object");
      }
      Object.assign(params, body);
    } else {
      throw new JobError("INVALID_INPUT", "send multipart/form-data (with a file) or application/json");
    }
    if (known.file && !files[known.file]) {
      throw new JobError("INVALID_INPUT", `${pipeline} needs a "${known.file}" file field`);
    }
    const modelId = typeof params.model_id === "string" ? params.model_id : undefined;
    delete params.model_id;
    const main = known.file ? inputs.find((i) => i.name === known.file)?.bytes : undefined;
    const checked = await aiRequestUnits(
      c.get("deps").mediaProbe,
      known,
      main,
      params,
      c.get("deps").config.media,
    );
    const units = checked.units;
    await assertAdvertised(c.get("deps"), pipeline, modelId);
    const spec: WireSpec = { kind: "ai", pipeline, modelId: modelId ?? "", files, params: checked.params };
    const id = await submitConsumerJob(c.get("deps"), {
      spec,
      inputs,
      units,
      apiKeyId,
      ...(modelId ? { modelId } : {}),
    });
    return respond(c, id, isAsync(q.async)) as never;
  });

  app.openapi(listJobs, async (c) => {
    const apiKeyId = await consumerKey(c);
    const q = c.req.valid("query");
    const page = await listConsumerJobs(c.get("deps"), {
      apiKeyId,
      limit: q.limit ?? 20,
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return c.json(page, 200);
  });

  app.openapi(getJob, async (c) => {
    const apiKeyId = await consumerKey(c);
    const { id } = c.req.valid("param");
    await assertOwnJob(c.get("deps"), id, apiKeyId);
    const job = await getConsumerJob(c.get("deps"), id);
    if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
    return c.json(job, 200);
  });

  app.openapi(getOutput, async (c) => {
    const apiKeyId = await consumerKey(c);
    const { id, name } = c.req.valid("param");
    await assertOwnJob(c.get("deps"), id, apiKeyId);
    const out = await consumerOutput(c.get("deps"), id, name);
    return c.body(out.bytes as Uint8Array<ArrayBuffer>, 200, { "content-type": out.contentType });
  });
}
