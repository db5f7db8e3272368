import { afterEach, expect, test } from "bun:test";
import { waitForLease } from "../../../src/edge/services/jobs/lease-wait.ts";
import type { Notifier } from "../../../src/edge/services/jobs/notifier.ts";
import { enqueueJob, getQueueJob } from "../../../src/edge/services/jobs/queue.ts";
import { registerRunner } from "../../../src/edge/services/jobs/runners.ts";
import type { Capabilities } from "../../../src/wire/capabilities.ts";
import {
  imageJob,
  type JobsTestEnv,
  jobsTestEnv,
  manualClock,
  ORCH_ADDRESS,
  RUNNER_TOKEN,
} from "../../helpers/jobs.ts";

// The runner's long poll as a service verb: its deadline runs on the injected clock, an enqueue
// wakes it at once, and a runner that hung up gets nothing and holds nothing.

const spec = imageJob("image-classification", "tiny");
const caps: Capabilities = {
  ffmpeg: null,
  gpus: [],
  onnx: [],
  models: [],
  capabilities: ["image-classification"],
  capacity: 1,
};

let env: JobsTestEnv | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

/** Deps on a manual clock whose notifier reports each sleep of the wait loop (its timeout). */
async function setup() {
  const clock = manualClock();
  env = await jobsTestEnv({ jobs: { visibilityTimeoutMs: 1000 } }, { clock });
  const { deps } = env;
  const inner = deps.services.jobs.notifier;
  const sleeps: number[] = [];
  let onSleep: (() => void) | undefined;
  const notifier: Notifier = {
    wake: (topic) => inner.wake(topic),
    wait(topic, timeoutMs, signal) {
      sleeps.push(timeoutMs);
      onSleep?.();
      return inner.wait(topic, timeoutMs, signal);
    },
  };
  deps.services.jobs.notifier = notifier;
  /** Resolves once the loop has gone to sleep with this timeout. */
  const sleptFor = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (sleeps.includes(timeoutMs)) {
          onSleep = undefined;
          resolve();
        }
      };
      onSleep = check;
      check();
    });
  const runner = await registerRunner(deps, RUNNER_TOKEN, caps);
  const topic = `queue:${ORCH_ADDRESS.toLowerCase()}`;
  return { deps, clock, runner, sleeps, sleptFor, wake: () => inner.wake(topic) };
}

test("the wait ends on the injected clock's deadline, not the wall clock's", async () => {
  const { deps, clock, runner, sleeps, sleptFor, wake } = await setup();
  expect(await waitForLease({ deps, input: { runner, waitMs: 0 } })).toBeNull();

  let settled = false;
  const waiting = waitForLease({ deps, input: { runner, waitMs: 10_000 } }).finally(() => {
    settled = true;
  });
  await sleptFor(500); // first sleep: the poll interval, well inside the deadline
  clock.advance(9_999);
  wake();
  await sleptFor(1); // 1 ms left on the injected clock (the wall clock would say ~10 s)
  expect(settled).toBe(false);
  clock.advance(1);
  wake();
  expect(await waiting).toBeNull();
  expect(sleeps.every((ms) => ms === 500 || ms === 1)).toBe(true);
});

test("an enqueue wakes the wait at once with a grant whose expiry is on the injected clock", async () => {
  const { deps, clock, runner, sleptFor } = await setup();
  const waiting = waitForLease({ deps, input: { runner, waitMs: 10_000 } });
  await sleptFor(500);
  const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
  const grant = await waiting;
  expect(grant?.jobId).toBe(job.id);
  expect(grant?.attempt).toBe(1);
  expect(grant?.leaseMs).toBe(1000);
  expect(grant?.leaseExpiresAt).toBe(clock.now() + 1000);
  const stored = await getQueueJob(deps, job.id);
  expect(stored?.status).toBe("leased");
  expect(stored?.leaseRunner).toBe(runner.id);
});

test("a runner that hung up gets no grant and the job stays queued", async () => {
  const { deps, runner } = await setup();
  const job = await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
  const gone = new AbortController();
  gone.abort();
  expect(await waitForLease({ deps, input: { runner, waitMs: 10_000, signal: gone.signal } })).toBeNull();
  const stored = await getQueueJob(deps, job.id);
  expect(stored?.status).toBe("queued");
  expect(stored?.leaseRunner ?? null).toBeNull();
});
