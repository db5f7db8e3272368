import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { WireSpecSchema } from "../../../wire/job-schema.ts";
import type { WireSpec } from "../../../wire/jobs.ts";
import { PaymentSchema, paymentFromJson } from "../../../wire/payment.ts";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses, notFoundResponse, problemResponse } from "../../http/problem.ts";
import { assertJobAccess, jobAccessToken } from "../../services/jobs/access.ts";
import { JobError } from "../../services/jobs/errors.ts";
import { liveSince } from "../../services/jobs/live-since.ts";
import {
  cancelJob,
  getQueueJob,
  isTerminal,
  jobOutputs,
  type QueueJobView,
  waitForJob,
} from "../../services/jobs/queue.ts";
import { type SubmitJobInput, submitJob } from "../../services/jobs/submit.ts";
import { balanceRoutes } from "./balance.ts";

// The orchestrator's job endpoint: a gateway submits a job with its Payment. The handlers parse
// the multipart form and answer; services/jobs/submit.ts credits the payment, queues the job
// and waits for the runner.

const tags = ["orchestrator"];

const OutputSchema = z.object({
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  durationSec: z.number().optional(),
  url: z.string(),
});

export const OrchestratorJobSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    orchestrator: z.string(),
    attempts: z.number().int(),
    progress: z.number(),
    /** Wei debited for the work done, once succeeded. */
    fee: z.string().nullable(),
    engine: z.string().nullable(),
    units: z.string().nullable(),
    data: z.unknown().optional(),
    timings: z.record(z.string(), z.number()).optional(),
    error: z.string().nullable(),
    outputs: z.array(OutputSchema),
    accessToken: z.string().optional().openapi({
      description:
        "Only in the submit answer: the job's capability token. GET/DELETE on the job and its outputs need it as `Authorization: Bearer <token>`.",
    }),
    live: z
      .object({ attempt: z.number().int(), from: z.number().int(), events: z.array(z.unknown()) })
      .optional()
      .openapi({
        description:
          "With `events`: the running attempt's live events (an llm's streamed chunks) the caller does not hold yet, from index `from`",
      }),
    payment: z
      .object({
        accepted: z.number().int(),
        won: z.number().int(),
        credit: z.string(),
        balance: z.string(),
        errors: z.array(z.object({ senderNonce: z.string(), code: z.string(), message: z.string() })),
      })
      .optional(),
  })
  .openapi("OrchestratorJob");

type JobJson = z.infer<typeof OrchestratorJobSchema>;

async function jobJson(c: Context<HonoEnv>, job: QueueJobView): Promise<JobJson> {
  const outputs = await jobOutputs(c.get("deps"), job.id, job);
  return {
    id: job.id,
    status: job.status,
    orchestrator: job.orchestrator,
    attempts: job.attempts,
    progress: job.progress,
    fee: job.fee,
    engine: job.result?.engine ?? null,
    units: job.result?.units ?? null,
    ...(job.result?.data === undefined ? {} : { data: job.result.data }),
    ...(job.result ? { timings: job.result.timings } : {}),
    error: job.error,
    outputs: outputs.map(({ blobKey: _, ...o }) => ({
      ...o,
      url: `/v1/orchestrator/jobs/${job.id}/outputs/${encodeURIComponent(o.name)}`,
    })),
  };
}

const submit = createRoute({
  method: "post",
  path: "/v1/orchestrator/jobs",
  tags,
  summary: "Submit a paid job (multipart: job JSON, payment JSON, input files by name)",
  request: {
    query: z.object({
      wait: z.enum(["true", "false"]).optional().openapi({
        description:
          "false: answer 202 with the queued job (its id and the payment result) at once; follow it with GET /v1/orchestrator/jobs/{id}",
      }),
    }),
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({
            job: z.string().openapi({ description: "JSON job spec" }),
            payment: z.string().openapi({ description: "JSON Payment" }),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The finished job",
      content: { "application/json": { schema: OrchestratorJobSchema } },
    },
    202: {
      description: "Queued (wait=false); the payment was accepted",
      content: { "application/json": { schema: OrchestratorJobSchema } },
    },
    402: problemResponse(
      "No valid ticket, the sender's balance does not cover its debt, or the payment's pinned price is below this capability's price (PAYMENT_PRICE_TOO_LOW)",
    ),
    422: problemResponse(
      "This orchestrator has no price for the job's capability/model (CAPABILITY_NOT_FOUND)",
    ),
    502: problemResponse("The job failed on every attempt (JOB_FAILED)"),
    504: problemResponse("The job did not finish in time (JOB_TIMEOUT); poll GET /v1/orchestrator/jobs/{id}"),
    ...errorResponses,
  },
});

/** The job's capability token, given only to the gateway that paid for it (services/jobs/access.ts). */
const security = [{ jobToken: [] }];

const getJob = createRoute({
  method: "get",
  path: "/v1/orchestrator/jobs/{id}",
  tags,
  security,
  summary: "A queued job's status, progress and outputs; with waitMs, a long poll",
  request: {
    params: z.object({ id: z.string().min(1).max(100) }),
    query: z.object({
      waitMs: z
        .string()
        .regex(/^\d{1,5}$/)
        .transform(Number)
        .pipe(z.number().max(60_000))
        .optional()
        .openapi({
          description: "wait up to this long (0-60000 ms) for the job to finish or its progress to move",
        }),
      progress: z
        .string()
        .regex(/^(0(\.\d{1,17})?|1(\.0+)?)$/)
        .transform(Number)
        .optional()
        .openapi({ description: "the progress the caller last saw (default: the current one)" }),
      events: z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number)
        .optional()
        .openapi({
          description:
            "live events the caller holds (of `attempt`): the wait also ends on newer ones, which the answer's `live` carries",
        }),
      attempt: z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number)
        .optional()
        .openapi({
          description: "the attempt the held events came from: the wait also ends when it stops running",
        }),
    }),
  },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: OrchestratorJobSchema } } },
    ...errorResponses,
    ...notFoundResponse,
  },
});

const getOutput = createRoute({
  method: "get",
  path: "/v1/orchestrator/jobs/{id}/outputs/{name}",
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
    ...notFoundResponse,
  },
});

const cancel = createRoute({
  method: "delete",
  path: "/v1/orchestrator/jobs/{id}",
  tags,
  security,
  summary:
    "Cancel a job its gateway gave up on: it fails as cancelled, its runner stops at the next heartbeat, and nothing is charged",
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    200: {
      description: "The job, cancelled (or as it already ended)",
      content: { "application/json": { schema: OrchestratorJobSchema } },
    },
    ...errorResponses,
    ...notFoundResponse,
  },
});

function parseJson(text: unknown, what: string): unknown {
  if (typeof text !== "string") throw new JobError("INVALID_INPUT", `missing form field "${what}"`);
  try {
    return JSON.parse(text);
  } catch {
    throw new JobError("INVALID_INPUT", `form field "${what}" is not JSON`);
  }
}

/** Input names the spec refers to. */
function inputNames(spec: WireSpec): string[] {
  return spec.kind === "transcode" ? [spec.input] : [...new Set(Object.values(spec.files))];
}

export function orchestratorJobRoutes(app: OpenAPIHono<HonoEnv>): void {
  balanceRoutes(app);

  app.openapi(submit, async (c) => {
    const deps = c.get("deps");
    const form = await c.req.parseBody();
    const specResult = WireSpecSchema.safeParse(parseJson(form.job, "job"));
    if (!specResult.success)
      throw new JobError("INVALID_INPUT", `invalid job spec: ${specResult.error.message}`);
    const spec = specResult.data as WireSpec;
    const payResult = PaymentSchema.safeParse(parseJson(form.payment, "payment"));
    if (!payResult.success) throw new JobError("PAYMENT_REQUIRED", "missing or malformed payment");
    const files: SubmitJobInput["files"] = [];
    for (const name of inputNames(spec)) {
      const f = form[name];
      if (!(f instanceof File)) throw new JobError("INVALID_INPUT", `missing input file "${name}"`);
      files.push({
        name,
        bytes: new Uint8Array(await f.arrayBuffer()),
        contentType: f.type || "application/octet-stream",
      });
    }

    const wait = c.req.valid("query").wait !== "false";
    const { job, payment } = await submitJob({
      deps,
      input: { spec, payment: paymentFromJson(payResult.data), files, signal: c.req.raw.signal, wait },
    });
    if (!wait) c.header("location", `/v1/orchestrator/jobs/${job.id}`);
    const accessToken = jobAccessToken(deps.keys.ticketSecret, job.id);
    return c.json({ ...(await jobJson(c, job)), payment, accessToken }, wait ? 200 : 202);
  });

  app.openapi(getJob, async (c) => {
    const deps = c.get("deps");
    const { id } = c.req.valid("param");
    assertJobAccess(deps, id, c.req.header("authorization"));
    const { waitMs, progress, events, attempt } = c.req.valid("query");
    let job = await getQueueJob(deps, id);
    if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
    const held = { attempt, count: events };
    if (waitMs && !isTerminal(job.status)) {
      const seen = progress ?? job.progress;
      job = await waitForJob(
        deps,
        id,
        waitMs,
        c.req.raw.signal,
        (j) =>
          isTerminal(j.status) ||
          j.progress !== seen ||
          liveSince(deps, j, held) !== undefined ||
          (attempt !== undefined && (j.attempts !== attempt || j.status !== "leased")),
      );
    }
    const live = events === undefined ? undefined : liveSince(deps, job, held);
    return c.json({ ...(await jobJson(c, job)), ...(live ? { live } : {}) }, 200);
  });

  app.openapi(getOutput, async (c) => {
    const deps = c.get("deps");
    const { id, name } = c.req.valid("param");
    assertJobAccess(deps, id, c.req.header("authorization"));
    const out = (await jobOutputs(deps, id)).find((o) => o.name === name);
    if (!out) throw new JobError("OUTPUT_NOT_FOUND", `job ${id} has no output ${name}`);
    const bytes = await deps.services.jobs.blobs.get(out.blobKey);
    if (!bytes) throw new JobError("OUTPUT_NOT_FOUND", `output ${name} is missing from the blob store`);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "content-type": out.contentType });
  });

  app.openapi(cancel, async (c) => {
    const deps = c.get("deps");
    const { id } = c.req.valid("param");
    assertJobAccess(deps, id, c.req.header("authorization"));
    const job = await cancelJob(deps, id);
    deps.logger.info("job cancelled by its gateway", { job: id, status: job.status });
    return c.json(await jobJson(c, job), 200);
  });
}
