import { afterEach, describe, expect, test } from "bun:test";
import type { AppDeps } from "../../../src/edge/deps.ts";
import { JobError } from "../../../src/edge/services/jobs/errors.ts";
import {
  completeJob,
  enqueueJob,
  expireLeases,
  failJob,
  getQueueJob,
  heartbeatJob,
  jobAttempts,
  jobOutputs,
  leaseJob,
  putOutput,
  releaseJob,
  waitForJob,
} from "../../../src/edge/services/jobs/queue.ts";
import { imageJob, type JobsTestEnv, jobsTestEnv, manualClock, ORCH_ADDRESS } from "../../helpers/jobs.ts";

const spec = imageJob("image-classification", "tiny");
const result = { engine: "test", units: "42", timings: { run: 1 } };

let env: JobsTestEnv | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

async function setup(clock = manualClock(), overrides = {}) {
  env = await jobsTestEnv({ jobs: { visibilityTimeoutMs: 1000, maxAttempts: 2, ...overrides } }, { clock });
  return { deps: env.deps, clock };
}

const claim = (deps: AppDeps, runnerId: string, capabilities = ["image-classification"]) =>
  leaseJob(deps, { runnerId, orchestrator: ORCH_ADDRESS, capabilities });

const errorCode = async (p: Promise<unknown>) => {
  try {
    await p;
    return "no error";
  } catch (err) {
    return err instanceof JobError ? err.code : String(err);
  }
};

describe("job queue", () => {
  test("lease hands out only jobs of the runner's capabilities and orchestrator", async () => {
    const { deps } = await setup();
    const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    expect(await claim(deps, "r1", ["transcode"])).toBeNull();
    expect(
      await leaseJob(deps, {
        runnerId: "r1",
        orchestrator: "0x0000000000000000000000000000000000000001",
        capabilities: ["image-classification"],
      }),
    ).toBeNull();
    const lease = await claim(deps, "r1");
    expect(lease?.job.id).toBe(job.id);
    expect(lease?.attempt).toBe(1);
    expect(await claim(deps, "r2")).toBeNull();
  });

  test("complete is idempotent per (job, attempt) and records outputs of the winning attempt", async () => {
    const { deps } = await setup();
    const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    const lease = (await claim(deps, "r1"))!;
    await putOutput(deps, {
      jobId: job.id,
      attempt: lease.attempt,
      runnerId: "r1",
      name: "labels.json",
      contentType: "application/json",
      bytes: new TextEncoder().encode("[1]"),
    });
    expect(await completeJob(deps, { jobId: job.id, attempt: 1, runnerId: "r1", result })).toEqual({
      duplicate: false,
    });
    expect(await completeJob(deps, { jobId: job.id, attempt: 1, runnerId: "r1", result })).toEqual({
      duplicate: true,
    });
    const done = await getQueueJob(deps, job.id);
    expect(done?.status).toBe("succeeded");
    expect(done?.result?.units).toBe("42");
    const outputs = await jobOutputs(deps, job.id);
    expect(outputs.map((o) => [o.name, o.size])).toEqual([["labels.json", 3]]);
  });

  test("a lease past its visibility timeout goes to the next runner; the old attempt cannot complete", async () => {
    const { deps, clock } = await setup();
    const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    await claim(deps, "r1");
    clock.advance(500);
    await heartbeatJob(deps, { jobId: job.id, attempt: 1, runnerId: "r1", progress: 0.5 });
    clock.advance(900); // still inside the extended lease
    expect(await claim(deps, "r2")).toBeNull();
    clock.advance(200); // now past it
    const second = await claim(deps, "r2");
    expect(second?.attempt).toBe(2);
    expect(await errorCode(completeJob(deps, { jobId: job.id, attempt: 1, runnerId: "r1", result }))).toBe(
      "LEASE_LOST",
    );
    expect(await errorCode(heartbeatJob(deps, { jobId: job.id, attempt: 1, runnerId: "r1" }))).toBe(
      "LEASE_LOST",
    );
    await completeJob(deps, { jobId: job.id, attempt: 2, runnerId: "r2", result });
    const attempts = await jobAttempts(deps, job.id);
    expect(attempts.map((a) => [a.attempt, a.runnerId, a.status])).toEqual([
      [1, "r1", "expired"],
      [2, "r2", "succeeded"],
    ]);
    expect((await getQueueJob(deps, job.id))?.failures).toBe(1);
  });

  test("after maxAttempts failures the job goes to the dead letter", async () => {
    const { deps, clock } = await setup();
    const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    await claim(deps, "r1");
    expect(
      await failJob(deps, { jobId: job.id, attempt: 1, runnerId: "r1", error: "boom", retryable: true }),
    ).toEqual({
      status: "queued",
    });
    expect(await claim(deps, "r1")).toBeNull(); // backoff
    clock.advance(1000);
    await claim(deps, "r1");
    clock.advance(5000); // second attempt's lease expires
    expect(await expireLeases(deps)).toEqual([job.id]);
    const dead = await getQueueJob(deps, job.id);
    expect(dead?.status).toBe("dead");
    expect(dead?.attempts).toBe(2);
    expect(dead?.error).toContain("dead letter");
    expect(await claim(deps, "r3")).toBeNull();
  });

  test("a permanent failure fails the job at once; release returns it without counting a failure", async () => {
    const { deps } = await setup();
    const a = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    await claim(deps, "r1");
    await releaseJob(deps, { jobId: a.id, attempt: 1, runnerId: "r1" });
    const again = await claim(deps, "r2");
    expect(again?.attempt).toBe(2);
    expect((await getQueueJob(deps, a.id))?.failures).toBe(0);
    await failJob(deps, { jobId: a.id, attempt: 2, runnerId: "r2", error: "bad input", retryable: false });
    expect((await getQueueJob(deps, a.id))?.status).toBe("failed");
  });

  test("waitForJob wakes when the job completes", async () => {
    env = await jobsTestEnv();
    const deps = env.deps;
    const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    const waiting = waitForJob(deps, job.id, 10_000);
    const lease = (await claim(deps, "r1"))!;
    await completeJob(deps, { jobId: job.id, attempt: lease.attempt, runnerId: "r1", result });
    expect((await waiting).status).toBe("succeeded");
    const pending = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
    expect((await waitForJob(deps, pending.id, 50)).status).toBe("queued");
  });
});
