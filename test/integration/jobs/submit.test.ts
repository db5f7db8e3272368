import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { payForJob } from "../../../src/edge/services/gateway/pay.ts";
import { waitForLease } from "../../../src/edge/services/jobs/lease-wait.ts";
import { completeJob, failJob } from "../../../src/edge/services/jobs/queue.ts";
import { submitJob } from "../../../src/edge/services/jobs/submit.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";
import { paymentFromJson } from "../../../src/wire/payment.ts";
import { imageJob, pngHeaderBytes } from "../../helpers/jobs.ts";
import {
  addressOf,
  type Edge,
  ORCHS,
  orchestratorAndGateway,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// The orchestrator's job submission as a service verb, called without HTTP: it credits the
// payment, queues the job, waits for the runner and reports what became of it.

setDefaultTimeout(60_000);

let net: PaymentsNet;
let orch: Edge;
let gateway: Edge;
const O0 = addressOf(ORCHS[0]!);

const spec = imageJob("upscale", "tiny-upscale");
const files = [{ name: "image", bytes: pngHeaderBytes(), contentType: "image/png" }];
/** A runner session of O0 (the verbs below need only its id, orchestrator and what it serves). */
const runner = { id: "runner-submit-test", orchestrator: O0, serves: ["upscale"], capacity: 1 };

beforeAll(async () => {
  net = await paymentsNet();
  ({ orch, gateway } = await orchestratorAndGateway(
    net,
    [{ capability: "upscale", pricePerUnit: 50n }],
    [{ pipeline: "upscale", modelId: "tiny-upscale" }],
  ));
});
afterAll(async () => {
  await net?.close();
});

const pay = async () =>
  paymentFromJson((await payForJob(gateway.deps, { capability: "upscale", units: 10n })).payment);

test("a job its runner completes comes back succeeded with the payment's result", async () => {
  const deps = orch.deps;
  const submitted = submitJob({ deps, input: { spec, payment: await pay(), files } });
  const grant = await waitForLease({ deps, input: { runner, waitMs: 30_000 } });
  expect(grant?.capability).toBe("upscale");
  expect(grant?.inputs.map((i) => i.name)).toEqual(["image"]);
  await completeJob(deps, {
    jobId: grant!.jobId,
    attempt: grant!.attempt,
    runnerId: runner.id,
    result: { engine: "test", units: "10", timings: {} },
  });
  const { job, payment } = await submitted;
  expect(job.id).toBe(grant!.jobId);
  expect(job.status).toBe("succeeded");
  expect(job.fee).toBe("500"); // 10 units at 50 wei
  expect(payment.accepted).toBeGreaterThanOrEqual(1);
  expect(payment.errors).toEqual([]);
});

test("a job its runner fails for good rejects with JOB_FAILED naming the job and the payment", async () => {
  const deps = orch.deps;
  const submitted = submitJob({ deps, input: { spec, payment: await pay(), files } }).catch(
    (e: unknown) => e,
  );
  const grant = await waitForLease({ deps, input: { runner, waitMs: 30_000 } });
  await failJob(deps, {
    jobId: grant!.jobId,
    attempt: grant!.attempt,
    runnerId: runner.id,
    error: "model exploded",
    retryable: false,
  });
  const err = await submitted;
  expect(err).toBeInstanceOf(LivepeerError);
  const e = err as LivepeerError;
  expect(e.code).toBe("JOB_FAILED");
  expect(e.message).toBe("model exploded");
  expect(e.details?.jobId).toBe(grant!.jobId);
  expect((e.details?.payment as { accepted: number } | undefined)?.accepted).toBeGreaterThanOrEqual(1);
  const stored = await deps.db.select().from(queueJobs);
  expect(stored.find((j) => j.id === grant!.jobId)?.status).toBe("failed");
});
