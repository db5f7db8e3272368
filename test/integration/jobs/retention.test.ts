import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { consumerJobs, queueJobs, queueOutputs } from "../../../src/edge/db/schema/jobs.ts";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import { submitConsumerJob, waitForConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { waitForLease } from "../../../src/edge/services/jobs/lease-wait.ts";
import { completeJob, enqueueJob, putOutput } from "../../../src/edge/services/jobs/queue.ts";
import { pruneExpiredBlobs } from "../../../src/edge/services/jobs/retention.ts";
import { imageJob, pngHeaderBytes } from "../../helpers/jobs.ts";
import {
  addressOf,
  type Edge,
  ORCHS,
  orchestratorAndGateway,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// Issue 9, item 6: a retention policy deletes the blobs of finished jobs, on both sides of a job,
// and leaves running or recent jobs alone.

setDefaultTimeout(60_000);

const RETENTION_SEC = 3600;
let net: PaymentsNet;
let orch: Edge;
let gateway: Edge;
const O0 = addressOf(ORCHS[0]!);
const runner = { id: "runner-retention", orchestrator: O0, serves: ["upscale"], capacity: 1 };

beforeAll(async () => {
  net = await paymentsNet();
  ({ orch, gateway } = await orchestratorAndGateway(net, [{ capability: "upscale", pricePerUnit: 1n }]));
});
afterAll(async () => {
  await net?.close();
});

/** A queue job run to success by hand: its input and one output stored as blobs. */
async function finishedQueueJob(id: string): Promise<string[]> {
  const key = `queue/${id}/in/image`;
  await orch.deps.services.jobs.blobs.put(key, pngHeaderBytes(), "image/png");
  await enqueueJob(orch.deps, {
    id,
    orchestrator: O0,
    spec: imageJob("upscale", "m"),
    inputs: [{ name: "image", blobKey: key, contentType: "image/png" }],
  });
  const grant = await waitForLease({ deps: orch.deps, input: { runner, waitMs: 10_000 } });
  expect(grant?.jobId).toBe(id);
  const lease = { jobId: id, attempt: grant!.attempt, runnerId: runner.id };
  await putOutput(orch.deps, {
    ...lease,
    name: "out.png",
    contentType: "image/png",
    bytes: pngHeaderBytes(2, 2),
  });
  await completeJob(orch.deps, { ...lease, result: { engine: "test", units: "4", timings: {} } });
  return [key, `queue/${id}/${grant!.attempt}/out.png`];
}

test("blobs of jobs that ended before the retention window are deleted; newer and running ones stay", async () => {
  const deps = {
    ...orch.deps,
    config: { ...orch.deps.config, jobs: { ...orch.deps.config.jobs, retentionSec: RETENTION_SEC } },
  };
  const { blobs } = orch.deps.services.jobs;
  const oldKeys = await finishedQueueJob("ojob_retention_old");
  net.clock.advance(RETENTION_SEC * 1000 + 1);
  const newKeys = await finishedQueueJob("ojob_retention_new");
  // A job still queued (nobody leases it) keeps its input whatever its age.
  const waitingKey = "queue/ojob_retention_waiting/in/image";
  await blobs.put(waitingKey, pngHeaderBytes(), "image/png");
  await enqueueJob(orch.deps, {
    id: "ojob_retention_waiting",
    orchestrator: O0,
    spec: imageJob("image-to-text", "m"),
    inputs: [{ name: "image", blobKey: waitingKey, contentType: "image/png" }],
  });
  net.clock.advance(1000);

  for (const key of [...oldKeys, ...newKeys, waitingKey]) expect(await blobs.get(key)).not.toBeNull();
  const report = await pruneExpiredBlobs(deps);
  expect(report).toEqual({ jobs: 1, blobs: 2 });
  for (const key of oldKeys) expect(await blobs.get(key)).toBeNull();
  for (const key of [...newKeys, waitingKey]) expect(await blobs.get(key)).not.toBeNull();
  // The job's record stays (its fee and result are history), without inputs or outputs.
  const old = await orch.deps.db.select().from(queueJobs).where(eq(queueJobs.id, "ojob_retention_old"));
  expect(old[0]).toMatchObject({ status: "succeeded", inputs: "[]" });
  expect(
    await orch.deps.db.select().from(queueOutputs).where(eq(queueOutputs.jobId, "ojob_retention_old")),
  ).toEqual([]);
  // Nothing is left to do until more jobs age: a second pass deletes nothing.
  expect(await pruneExpiredBlobs(deps)).toEqual({ jobs: 0, blobs: 0 });
});

test("the gateway side's inputs go too, through the scheduler's tick; retention 0 keeps everything", async () => {
  const g = {
    ...gateway.deps,
    config: { ...gateway.deps.config, gateway: { ...gateway.deps.config.gateway, requestTimeoutMs: 500 } },
  };
  const id = await submitConsumerJob(g, {
    spec: imageJob("image-to-text", "m"),
    inputs: [{ name: "image", bytes: pngHeaderBytes(), contentType: "image/png" }],
    units: 1n,
  });
  const job = await waitForConsumerJob(g, id, 30_000);
  expect(job.status).toBe("failed");
  const key = `consumer/${id}/in/image`;
  const { blobs } = gateway.deps.services.jobs;
  expect(await blobs.get(key)).not.toBeNull();
  net.clock.advance(2 * 86_400_000);

  const keep = { ...g, config: { ...g.config, jobs: { ...g.config.jobs, retentionSec: 0 } } };
  expect(await pruneExpiredBlobs(keep)).toEqual({ jobs: 0, blobs: 0 });
  expect(await blobs.get(key)).not.toBeNull();

  // The default retention (a day) has passed: the scheduler's tick deletes it.
  expect(gateway.deps.config.jobs.retentionSec).toBe(86_400);
  const result = await tick(gateway.deps, { holder: "retention-test" });
  expect(result.led).toBe(true);
  expect(result.pruned?.blobs).toBeGreaterThanOrEqual(1);
  expect(await blobs.get(key)).toBeNull();
  const row = await gateway.deps.db.select().from(consumerJobs).where(eq(consumerJobs.id, id));
  expect(row[0]).toMatchObject({ status: "failed", inputs: "[]" });
});
