import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { CapabilitiesSchema } from "../../../wire/capabilities.ts";
import { uint256Decimal } from "../../../wire/decimal.ts";
import type { HonoEnv } from "../../deps.ts";
import {
  authErrorResponses,
  conflictResponse,
  errorResponses,
  notFoundResponse,
} from "../../http/problem.ts";
import { JobError } from "../../services/jobs/errors.ts";
import { waitForLease } from "../../services/jobs/lease-wait.ts";
import { appendLiveEvents } from "../../services/jobs/live-append.ts";
import {
  completeJob,
  failJob,
  heartbeatJob,
  leasedInput,
  putOutput,
  releaseJob,
} from "../../services/jobs/queue.ts";
import {
  authRunner,
  noteLoadedModels,
  type RunnerSession,
  registerRunner,
} from "../../services/jobs/runners.ts";

// The node-runner's side of the queue: register, long-poll for a lease, heartbeat, fetch inputs,
// send live events, upload outputs, complete / fail / release. Authenticated by a runner token bound to one
// orchestrator (Authorization: Bearer) plus the session id from registration (x-runner-id).

const security = [{ runnerToken: [] }];
const tags = ["runner"];

const RegisteredSchema = z
  .object({
    runnerId: z.string(),
    orchestrator: z.string(),
    leaseMs: z.number().int(),
  })
  .openapi("RunnerRegistered");

const LeaseSchema = z
  .object({
    jobId: z.string(),
    attempt: z.number().int(),
    capability: z.string(),
    spec: z.record(z.string(), z.unknown()),
    inputs: z.array(z.object({ name: z.string(), contentType: z.string(), url: z.string() })),
    leaseMs: z.number().int(),
    leaseExpiresAt: z.number().int(),
  })
  .openapi("RunnerLease");

// Numbers in paths, queries and headers are plain decimal digits: z.coerce would also take "",
// " 1", "1e3" and "0x10" (Number's reading of them), so a typo would act on a guessed value.
const decimalParam = (max: number, what: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, `${what} must be a decimal integer`)
    .transform(Number)
    .pipe(z.number().int().max(max));
const numberHeader = z
  .string()
  .regex(/^\d{1,16}(\.\d{1,30})?(e-\d{1,3})?$/, "must be a non-negative decimal number")
  .transform(Number)
  .pipe(z.number().nonnegative());

const AttemptParams = z.object({
  id: z.string().min(1).max(100),
  attempt: decimalParam(Number.MAX_SAFE_INTEGER, "attempt").pipe(z.number().positive()),
});

function bearer(c: Context<HonoEnv>): string {
  const h = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m?.[1]) throw new JobError("RUNNER_TOKEN_INVALID", "missing runner token (Authorization: Bearer …)");
  return m[1];
}

async function session(c: Context<HonoEnv>): Promise<RunnerSession> {
  const id = c.req.header("x-runner-id");
  if (!id) throw new JobError("RUNNER_NOT_FOUND", "missing x-runner-id header; register first");
  return authRunner(c.get("deps"), bearer(c), id);
}

const register = createRoute({
  method: "post",
  path: "/runner/v1/register",
  tags,
  security,
  summary: "Register a runner session with its probed capabilities",
  request: { body: { required: true, content: { "application/json": { schema: CapabilitiesSchema } } } },
  responses: {
    200: { description: "Session id", content: { "application/json": { schema: RegisteredSchema } } },
    ...errorResponses,
    ...authErrorResponses,
  },
});

const lease = createRoute({
  method: "post",
  path: "/runner/v1/lease",
  tags,
  security,
  summary: "Long-poll for one job lease",
  request: {
    query: z.object({
      waitMs: decimalParam(60_000, "waitMs")
        .optional()
        .openapi({ description: "0 to 60000 ms (default 20000)" }),
      loaded: z
        .string()
        .regex(/^(\d{1,3}(,\d{1,3}){0,255})?$/, "comma-separated model indices")
        .optional()
        .openapi({
          description:
            "Indices (in registration order) of the models loaded now; the others are cold. Absent: unchanged",
        }),
    }),
  },
  responses: {
    200: { description: "A leased job", content: { "application/json": { schema: LeaseSchema } } },
    204: { description: "No job within the wait" },
    ...errorResponses,
    ...authErrorResponses,
  },
});

const input = createRoute({
  method: "get",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/inputs/{name}",
  tags,
  security,
  summary: "Download an input of a leased job",
  request: { params: AttemptParams.extend({ name: z.string().min(1).max(100) }) },
  responses: {
    200: {
      description: "The input bytes",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...notFoundResponse,
    ...conflictResponse,
  },
});

const heartbeat = createRoute({
  method: "post",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/heartbeat",
  tags,
  security,
  summary: "Extend the lease and report progress",
  request: {
    params: AttemptParams,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({
            progress: z.number().min(0).max(1).optional(),
            note: z.string().max(200).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The new lease expiry",
      content: { "application/json": { schema: z.object({ leaseExpiresAt: z.number().int() }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...conflictResponse,
  },
});

const events = createRoute({
  method: "post",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/events",
  tags,
  security,
  summary: "Send live events of a running attempt (an llm's streamed chunks), in order from `from`",
  request: {
    params: AttemptParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            from: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
            events: z.array(z.unknown()).max(10_000),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "How many events of the attempt the edge holds",
      content: { "application/json": { schema: z.object({ received: z.number().int() }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...conflictResponse,
  },
});

const upload = createRoute({
  method: "put",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/outputs/{name}",
  tags,
  security,
  summary: "Upload one output file (raw body); geometry in x-output-width/-height/-duration",
  request: {
    params: AttemptParams.extend({ name: z.string().min(1).max(100) }),
    headers: z.object({
      "x-output-width": decimalParam(Number.MAX_SAFE_INTEGER, "x-output-width").optional(),
      "x-output-height": decimalParam(Number.MAX_SAFE_INTEGER, "x-output-height").optional(),
      "x-output-duration": numberHeader.optional(),
    }),
  },
  responses: {
    200: {
      description: "Stored",
      content: { "application/json": { schema: z.object({ name: z.string(), size: z.number().int() }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...conflictResponse,
  },
});

const ResultSchema = z.object({
  engine: z.string().max(200),
  units: uint256Decimal,
  data: z.unknown().optional(),
  timings: z.record(z.string(), z.number()).default({}),
});

const complete = createRoute({
  method: "post",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/complete",
  tags,
  security,
  summary: "Record the result of an attempt (idempotent per job and attempt)",
  request: {
    params: AttemptParams,
    body: { required: true, content: { "application/json": { schema: ResultSchema } } },
  },
  responses: {
    200: {
      description: "Recorded",
      content: { "application/json": { schema: z.object({ duplicate: z.boolean() }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...conflictResponse,
  },
});

const fail = createRoute({
  method: "post",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/fail",
  tags,
  security,
  summary: "Report a failed attempt",
  request: {
    params: AttemptParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            error: z.string().max(8000),
            code: z.string().max(100).optional(),
            retryable: z.boolean().default(true),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "What became of the job",
      content: { "application/json": { schema: z.object({ status: z.string() }) } },
    },
    ...errorResponses,
    ...authErrorResponses,
    ...conflictResponse,
  },
});

const release = createRoute({
  method: "post",
  path: "/runner/v1/jobs/{id}/attempts/{attempt}/release",
  tags,
  security,
  summary: "Give a lease back (runner shutting down); not counted as a failure",
  request: { params: AttemptParams },
  responses: {
    204: { description: "Released" },
    ...errorResponses,
    ...authErrorResponses,
    ...conflictResponse,
  },
});

/** Routes under /runner/v1 for node-runners. */
export function runnerRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(register, async (c) => {
    const deps = c.get("deps");
    const s = await registerRunner(deps, bearer(c), c.req.valid("json"));
    return c.json(
      { runnerId: s.id, orchestrator: s.orchestrator, leaseMs: deps.config.jobs.visibilityTimeoutMs },
      200,
    );
  });

  app.openapi(lease, async (c) => {
    const runner = await session(c);
    const query = c.req.valid("query");
    if (query.loaded !== undefined) {
      const indices = query.loaded === "" ? [] : query.loaded.split(",").map(Number);
      await noteLoadedModels(c.get("deps"), runner.id, new Set(indices));
    }
    const grant = await waitForLease({
      deps: c.get("deps"),
      input: { runner, waitMs: query.waitMs ?? 20_000, signal: c.req.raw.signal },
    });
    if (!grant) return c.body(null, 204);
    return c.json({ ...grant, spec: grant.spec as unknown as Record<string, unknown> }, 200);
  });

  app.openapi(input, async (c) => {
    const s = await session(c);
    const { id, attempt, name } = c.req.valid("param");
    const got = await leasedInput(c.get("deps"), { jobId: id, attempt, runnerId: s.id, name });
    return c.body(got.bytes as Uint8Array<ArrayBuffer>, 200, { "content-type": got.contentType });
  });

  app.openapi(heartbeat, async (c) => {
    const s = await session(c);
    const { id, attempt } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const r = await heartbeatJob(c.get("deps"), {
      jobId: id,
      attempt,
      runnerId: s.id,
      ...(body.progress === undefined ? {} : { progress: body.progress }),
      ...(body.note === undefined ? {} : { note: body.note }),
    });
    return c.json(r, 200);
  });

  app.openapi(events, async (c) => {
    const s = await session(c);
    const { id, attempt } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await appendLiveEvents(c.get("deps"), {
      jobId: id,
      attempt,
      runnerId: s.id,
      from: body.from,
      events: body.events,
    });
    return c.json(r, 200);
  });

  app.openapi(upload, async (c) => {
    const s = await session(c);
    const { id, attempt, name } = c.req.valid("param");
    const h = c.req.valid("header");
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const out = await putOutput(c.get("deps"), {
      jobId: id,
      attempt,
      runnerId: s.id,
      name,
      contentType: c.req.header("content-type") ?? "application/octet-stream",
      bytes,
      ...(h["x-output-width"] === undefined ? {} : { width: h["x-output-width"] }),
      ...(h["x-output-height"] === undefined ? {} : { height: h["x-output-height"] }),
      ...(h["x-output-duration"] === undefined ? {} : { durationSec: h["x-output-duration"] }),
    });
    return c.json({ name: out.name, size: out.size }, 200);
  });

  app.openapi(complete, async (c) => {
    const s = await session(c);
    const { id, attempt } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await completeJob(c.get("deps"), {
      jobId: id,
      attempt,
      runnerId: s.id,
      result: {
        engine: body.engine,
        units: body.units,
        timings: body.timings,
        ...(body.data === undefined ? {} : { data: body.data }),
      },
    });
    return c.json(r, 200);
  });

  app.openapi(fail, async (c) => {
    const s = await session(c);
    const { id, attempt } = c.req.valid("param");
    const body = c.req.valid("json");
    const error = body.code ? `${body.code}: ${body.error}` : body.error;
    const r = await failJob(c.get("deps"), {
      jobId: id,
      attempt,
      runnerId: s.id,
      error,
      retryable: body.retryable,
    });
    return c.json(r, 200);
  });

  app.openapi(release, async (c) => {
    const s = await session(c);
    const { id, attempt } = c.req.valid("param");
    await releaseJob(c.get("deps"), { jobId: id, attempt, runnerId: s.id });
    return c.body(null, 204);
  });
}
