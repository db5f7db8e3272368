import { afterAll, beforeAll, expect, test } from "bun:test";
import { enqueueJob, getQueueJob } from "../../../src/edge/services/jobs/queue.ts";
import type { WireSpec } from "../../../src/wire/jobs.ts";
import { type FuzzEdge, makeFuzzEdge } from "../../helpers/fuzz.ts";

// A runner that hangs up (its shutdown aborts the long poll) while the edge takes a lease for it
// must not strand the job until the visibility timeout: the edge hands the lease straight back.
let edge: FuzzEdge;
beforeAll(async () => {
  edge = await makeFuzzEdge();
});
afterAll(async () => {
  await edge?.close();
});

const spec: WireSpec = {
  kind: "transcode",
  input: "segment",
  profiles: [{ name: "P144p30fps16x9", width: 256, height: 144, bitrate: 400_000, fps: 30, codec: "h264" }],
  format: "mpegts",
};

test("a lease taken for a runner whose request was aborted is released at once, and leased next time", async () => {
  const orchestrator = edge.deps.keys.orchestrators.keys().next().value!;
  const job = await enqueueJob(edge.deps, { orchestrator, spec, inputs: [] });
  const gone = new AbortController();
  gone.abort();
  const aborted = await edge.app.request(
    new Request("http://edge/runner/v1/lease?waitMs=0", {
      method: "POST",
      headers: edge.runnerAuth,
      signal: gone.signal,
    }),
  );
  expect(aborted.status).toBe(204);
  const after = await getQueueJob(edge.deps, job.id);
  expect(after?.status).toBe("queued");
  expect(after?.leaseRunner ?? null).toBeNull();

  // The next poll of a live runner gets it, as attempt 2 (the released one is counted, not failed).
  const live = await edge.app.request("/runner/v1/lease?waitMs=0", {
    method: "POST",
    headers: edge.runnerAuth,
  });
  expect(live.status).toBe(200);
  const grant = (await live.json()) as { jobId: string; attempt: number };
  expect(grant.jobId).toBe(job.id);
  expect(grant.attempt).toBe(2);
  expect((await getQueueJob(edge.deps, job.id))?.failures).toBe(0);
});
