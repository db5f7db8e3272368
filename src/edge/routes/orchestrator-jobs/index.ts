import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { LivepeerError } from "../../../wire/errors.ts";
import { WireSpecSchema } from "../../../wire/job-schema.ts";
import { capabilityOf, type JobInput, type WireSpec } from "../../../wire/jobs.ts";
import { PaymentSchema, paymentFromJson } from "../../../wire/payment.ts";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses, notFoundResponse, problemResponse } from "../../http/problem.ts";
import { JobError } from "../../services/jobs/errors.ts";
import { newId } from "../../services/jobs/ids.ts";
import {
  enqueueJob,
  getQueueJob,
  jobOutputs,
  type QueueJobView,
  waitForJob,
} from "../../services/jobs/queue.ts";
import { jobsRuntime } from "../../services/jobs/runtime.ts";
import { acceptPayment } from "../../services/tickets/accept.ts";
import { creditLimitFor, getBalance } from "../../services/tickets/balance.ts";
import { findHosted } from "../../services/tickets/hosted.ts";
import { checkExpectedPrice } from "../../services/tickets/price.ts";
import { balanceRoutes } from "./balance.ts";

// The orchestrator's job endpoint: a gateway submits a job with its Payment. The payment is
// validated and credited, the job queued for a runner, and the answer returned when the runner
// is done; the work done is debited from the sender's balance when the result is recorded.

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
  const outputs = await jobOutputs(c.get("deps"), job.id);
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

const getJob = createRoute({
  method: "get",
  path: "/v1/orchestrator/jobs/{id}",
  tags,
  summary: "A queued job's status and outputs",
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
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
    const files: { name: string; file: File }[] = [];
    for (const name of inputNames(spec)) {
      const f = form[name];
      if (!(f instanceof File)) throw new JobError("INVALID_INPUT", `missing input file "${name}"`);
      files.push({ name, file: f });
    }

    const payment = paymentFromJson(payResult.data);
    const recipient = payment.ticketParams.recipient;
    // The HMAC over the ticket params proves this orchestrator offered `expectedPrice`, not for
    // which capability: refuse a payment pinned below this job's price before any ticket is
    // credited or any job queued (a cheap capability's price must not buy an expensive job).
    // A recipient not hosted here is refused by acceptPayment below, with per-ticket errors.
    const priced = findHosted(deps, recipient)
      ? checkExpectedPrice(
          deps,
          recipient,
          capabilityOf(spec),
          spec.kind === "ai" ? spec.modelId : undefined,
          payment.expectedPrice,
        )
      : null;
    if (priced && !priced.ok) {
      const balance = await getBalance(deps, recipient, payment.sender);
      throw new LivepeerError(priced.code, priced.message, {
        details: {
          payment: { accepted: 0, won: 0, credit: "0", balance: balance.toString(), errors: [] },
          expectedPrice: {
            pricePerUnit: payment.expectedPrice.pricePerUnit.toString(),
            pixelsPerUnit: payment.expectedPrice.pixelsPerUnit.toString(),
          },
        },
      });
    }
    const accepted = await acceptPayment(deps, payment);
    const paymentJson = {
      accepted: accepted.accepted,
      won: accepted.won,
      credit: accepted.credit.toString(),
      balance: accepted.balance.toString(),
      errors: accepted.errors,
    };
    if (!accepted.orchestrator) {
      throw new JobError("PAYMENT_REQUIRED", "the payment's recipient is not hosted here", {
        details: { payment: paymentJson },
      });
    }
    if (accepted.accepted === 0 || accepted.balance < -creditLimitFor(deps, accepted.orchestrator)) {
      throw new JobError(
        "PAYMENT_REQUIRED",
        accepted.accepted === 0 ? "no ticket in the payment was valid" : "balance does not cover the debt",
        { details: { payment: paymentJson } },
      );
    }

    const id = newId("ojob");
    const { blobs } = jobsRuntime(deps);
    const inputs: JobInput[] = [];
    for (const { name, file } of files) {
      const blobKey = `queue/${id}/in/${name}`;
      const contentType = file.type || "application/octet-stream";
      await blobs.put(blobKey, new Uint8Array(await file.arrayBuffer()), contentType);
      inputs.push({ name, blobKey, contentType });
    }
    await enqueueJob(deps, {
      id,
      orchestrator: accepted.orchestrator,
      spec,
      inputs,
      sender: payment.sender,
      price: payment.expectedPrice,
    });
    deps.logger.info("job accepted", {
      job: id,
      orchestrator: accepted.orchestrator,
      tickets: accepted.accepted,
    });
    const job = await waitForJob(deps, id, deps.config.jobs.syncTimeoutMs, c.req.raw.signal);
    if (job.status === "succeeded") return c.json({ ...(await jobJson(c, job)), payment: paymentJson }, 200);
    if (job.status === "failed" || job.status === "dead") {
      throw new JobError("JOB_FAILED", job.error ?? "job failed", {
        details: { jobId: id, payment: paymentJson },
      });
    }
    throw new JobError("JOB_TIMEOUT", "the job did not finish in time", {
      details: { jobId: id, payment: paymentJson },
    });
  });

  app.openapi(getJob, async (c) => {
    const { id } = c.req.valid("param");
    const job = await getQueueJob(c.get("deps"), id);
    if (!job) throw new JobError("JOB_NOT_FOUND", `no job ${id}`);
    return c.json(await jobJson(c, job), 200);
  });

  app.openapi(getOutput, async (c) => {
    const deps = c.get("deps");
    const { id, name } = c.req.valid("param");
    const out = (await jobOutputs(deps, id)).find((o) => o.name === name);
    if (!out) throw new JobError("OUTPUT_NOT_FOUND", `job ${id} has no output ${name}`);
    const bytes = await jobsRuntime(deps).blobs.get(out.blobKey);
    if (!bytes) throw new JobError("OUTPUT_NOT_FOUND", `output ${name} is missing from the blob store`);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "content-type": out.contentType });
  });
}
