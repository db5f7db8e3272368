import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { count } from "drizzle-orm";
import { consumerJobs } from "../../../src/edge/db/schema/jobs.ts";
import { encodePng } from "../../../src/node-runner/ai/png.ts";
import { freePort, genesisKey, json, makeEdge, type TestEdge, tempDir } from "../../helpers/edge.ts";

// Honest answers from the consumer API, over real HTTP on loopback: one edge with both roles
// hosts the three active orchestrators; only the first prices image-to-text, and this test is
// its runner (the runner HTTP API, step by step), so each job's fate is the test's choice.

const TOKEN = "consumer-answers-runner-token";
const blobs = tempDir("consumer-answers-");
let edge: TestEdge;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let runnerId: string;

const png = encodePng({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(200) });

function imageForm(): FormData {
  const form = new FormData();
  form.set("image", new Blob([png as Uint8Array<ArrayBuffer>], { type: "image/png" }), "x.png");
  return form;
}

const runner = (path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TOKEN}`,
      "x-runner-id": runnerId,
      "content-type": "application/json",
    },
    body: JSON.stringify(body ?? {}),
  });

/** Long-polls for the next lease, as a runner does. */
async function lease(): Promise<{ jobId: string; attempt: number }> {
  for (;;) {
    const res = await fetch(`${base}/runner/v1/lease?waitMs=20000`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "x-runner-id": runnerId },
    });
    if (res.status === 200) return (await res.json()) as { jobId: string; attempt: number };
    expect(res.status).toBe(204);
  }
}

const consumerJobCount = async () => (await edge.deps.db.select({ n: count() }).from(consumerJobs))[0]!.n;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  edge = await makeEdge({
    roles: ["gateway", "orchestrator"],
    publicUrl: base,
    orchestrators: [1, 2, 3].map((i) => ({
      privateKey: genesisKey(i),
      serviceURI: base,
      prices: i === 1 ? [{ capability: "image-to-text", pricePerUnit: "50000" }] : [],
      runnerTokens: i === 1 ? [TOKEN] : [],
    })),
    gateway: { senderPrivateKey: genesisKey(0) },
    blobs: { kind: "fs", dir: join(blobs.dir, "blobs") },
    jobs: { maxAttempts: 1, visibilityTimeoutMs: 60_000, syncTimeoutMs: 60_000 },
  });
  server = Bun.serve({ hostname: "127.0.0.1", port, fetch: edge.app.fetch });
  const reg = await fetch(`${base}/runner/v1/register`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [{ backend: "onnxruntime-node", executionProviders: ["cpu"] }],
      models: [{ pipeline: "image-to-text", modelId: "tiny", warm: true }],
      capabilities: ["image-to-text"],
      capacity: 1,
    }),
  });
  expect(reg.status).toBe(200);
  runnerId = ((await reg.json()) as { runnerId: string }).runnerId;
}, 60_000);

afterAll(async () => {
  server?.stop(true);
  await edge?.close();
  blobs.cleanup();
});

test("a pipeline no orchestrator advertises is refused with 503 PIPELINE_NOT_ADVERTISED, and no job is created", async () => {
  const before = await consumerJobCount();
  for (const [path, init] of [
    [
      "/v1/ai/llm",
      { body: JSON.stringify({ prompt: "hi" }), headers: { "content-type": "application/json" } },
    ],
    [
      "/v1/ai/text-to-image",
      { body: JSON.stringify({ prompt: "a cat" }), headers: { "content-type": "application/json" } },
    ],
  ] as const) {
    const res = await fetch(`${base}${path}`, { method: "POST", ...init });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = await json<{ code: string; details: { capability: string } }>(res);
    expect(body.code).toBe("PIPELINE_NOT_ADVERTISED");
    expect(body.details.capability).toBe(path.slice("/v1/ai/".length));
  }
  expect(await consumerJobCount()).toBe(before);
});

test("a text-to-image request the registry refuses is 400 INVALID_INPUT problem+json naming the field, before any job", async () => {
  const before = await consumerJobCount();
  for (const [body, field] of [
    [{}, "prompt"],
    [{ prompt: "a cat", width: 100 }, "width"],
    [{ prompt: "a cat", num_inference_steps: 500 }, "num_inference_steps"],
    [{ prompt: "a cat", seed: -1 }, "seed"],
  ] as const) {
    const res = await fetch(`${base}/v1/ai/text-to-image`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = await json<{ code: string; details: { issues: string[] } }>(res);
    expect(problem.code).toBe("INVALID_INPUT");
    expect(problem.details.issues.join(" ")).toContain(field);
  }
  expect(await consumerJobCount()).toBe(before);
});

test("a job that fails answers 502 JOB_FAILED problem+json with its id; the job view says why", async () => {
  const answer = fetch(`${base}/v1/ai/image-to-text`, { method: "POST", body: imageForm() });
  const leased = await lease();
  const failed = await runner(`/runner/v1/jobs/${leased.jobId}/attempts/${leased.attempt}/fail`, {
    error: "model crashed",
    retryable: false,
  });
  expect(failed.status).toBe(200);
  const res = await answer;
  expect(res.status).toBe(502);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = await json<{
    code: string;
    details: { jobId: string; job: string; error: { code: string } };
  }>(res);
  expect(problem.code).toBe("JOB_FAILED");
  expect(problem.details.jobId).toMatch(/^job_/);
  expect(problem.details.job).toBe(`/v1/jobs/${problem.details.jobId}`);

  const view = await json<{
    status: string;
    error: { code: string; message: string };
    attempts: { remoteJobId: string | null; status: string }[];
  }>(await fetch(`${base}/v1/jobs/${problem.details.jobId}`));
  expect(view.status).toBe("failed");
  expect(view.error.message).toContain("model crashed");
  expect(problem.details.error.code).toBe(view.error.code);
  // The attempt names the orchestrator-side job the runner failed.
  expect(view.attempts.map((a) => [a.remoteJobId, a.status])).toEqual([[leased.jobId, "failed"]]);
}, 60_000);

test("asynchronous mode: 202 at once, and the job view follows progress to the result", async () => {
  const res = await fetch(`${base}/v1/ai/image-to-text?async=true`, { method: "POST", body: imageForm() });
  expect(res.status).toBe(202);
  const { id } = await json<{ id: string }>(res);
  const leased = await lease();
  const view = async () =>
    json<{ status: string; progress: number; attempts: { remoteJobId: string | null }[]; data?: unknown }>(
      await fetch(`${base}/v1/jobs/${id}`),
    );
  const hb = await runner(`/runner/v1/jobs/${leased.jobId}/attempts/${leased.attempt}/heartbeat`, {
    progress: 0.5,
  });
  expect(hb.status).toBe(200);
  // The gateway follows the orchestrator's job; wait on the view, not on a clock.
  let seen = await view();
  while (seen.progress !== 0.5) seen = await view();
  expect(seen.status).toBe("running");
  expect(seen.attempts[0]!.remoteJobId).toBe(leased.jobId);

  const done = await runner(`/runner/v1/jobs/${leased.jobId}/attempts/${leased.attempt}/complete`, {
    engine: "test-runner",
    units: "64",
    data: { text: "grey" },
  });
  expect(done.status).toBe(200);
  while (seen.status === "running") seen = await view();
  expect(seen.status).toBe("succeeded");
  expect(seen.progress).toBe(1);
  expect(seen.data).toEqual({ text: "grey" });
}, 60_000);
