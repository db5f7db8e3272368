import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { consumerJobs } from "../../../src/edge/db/schema/jobs.ts";
import { getConsumerJob, waitForConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { getQueueJob, waitForJob } from "../../../src/edge/services/jobs/queue.ts";
import { freePort, genesisKey, makeEdge, type TestEdge, tempDir } from "../../helpers/edge.ts";
import { type GatedRunner, startGatedLlmRunner, TINY_LLM_MODEL } from "../../helpers/gated-llm-runner.ts";
import { fetchSse } from "../../helpers/sse.ts";

// The gateway's own /llm (go-livepeer's app-facing route) with "stream": true is live through
// every hop: runner → orchestrator edge (live events) → the gateway's poll of the orchestrator's
// job (which carries them) → the app's text/event-stream. One edge with both roles hosts the
// orchestrators and pays them over loopback HTTP; the runner runs in this process with a gate in
// its generation loop that the test holds, so the first piece must reach the app while the runner
// waits before its second token. Also: the pieces make the non-streamed completion with its totals
// and fee; an app that leaves cancels the job at the gateway and the orchestrator, the runner stops,
// and nothing is charged.

const TOKEN = "llm-stream-gateway-runner-token";
const blobs = tempDir("llm-stream-gateway-");
let edge: TestEdge;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let runner: GatedRunner;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  edge = await makeEdge({
    roles: ["gateway", "orchestrator"],
    publicUrl: base,
    orchestrators: [1, 2, 3].map((i) => ({
      privateKey: genesisKey(i),
      serviceURI: base,
      prices: i === 1 ? [{ capability: "llm", pricePerUnit: "1000" }] : [],
      runnerTokens: i === 1 ? [TOKEN] : [],
    })),
    gateway: { senderPrivateKey: genesisKey(0) },
    blobs: { kind: "fs", dir: join(blobs.dir, "blobs") },
    jobs: { maxAttempts: 1, visibilityTimeoutMs: 60_000, syncTimeoutMs: 60_000 },
  });
  server = Bun.serve({ hostname: "127.0.0.1", port, fetch: edge.app.fetch });
  runner = await startGatedLlmRunner(base, TOKEN, join(blobs.dir, "models"));
}, 120_000);
afterAll(async () => {
  await runner?.stop();
  server?.stop(true);
  await edge?.close();
  blobs.cleanup();
}, 60_000);

const request = (extra: Record<string, unknown>) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    model: TINY_LLM_MODEL,
    messages: [{ role: "user", content: "Hi." }],
    temperature: 0,
    ...extra,
  }),
});

async function consumerIds(): Promise<Set<string>> {
  return new Set((await edge.deps.db.select({ id: consumerJobs.id }).from(consumerJobs)).map((r) => r.id));
}
async function newConsumerJob(before: Set<string>): Promise<string> {
  const fresh = [...(await consumerIds())].filter((id) => !before.has(id));
  expect(fresh).toHaveLength(1);
  return fresh[0]!;
}

interface Chunk {
  id: string;
  choices: { delta: { content: string }; finish_reason: string | null }[];
  usage?: unknown;
}

test("each piece reaches the app while the runner is still generating; the pieces make the completion", async () => {
  const plainBefore = await consumerIds();
  const plain = await fetch(`${base}/llm`, request({ max_tokens: 12, stream: false }));
  expect(plain.status).toBe(200);
  const answer = (await plain.json()) as {
    choices: { message: { content: string }; finish_reason: string }[];
    usage: unknown;
  };
  const plainJob = (await getConsumerJob(edge.deps, await newConsumerJob(plainBefore)))!;

  runner.gate.arm();
  const before = await consumerIds();
  const sse = await fetchSse(`${base}/llm`, request({ max_tokens: 12, stream: true }));
  expect(sse.status).toBe(200);
  expect(String(sse.headers["content-type"])).toContain("text/event-stream");
  const first = (await sse.next()) as Chunk;
  // The runner is held before its second token: this piece can only have come live.
  await runner.gate.waiting.promise;
  expect(runner.gate.step).toBe(1);
  expect(first.choices[0]!.finish_reason).toBeNull();
  runner.gate.release();
  const events = [first, ...((await sse.rest()) as Chunk[])];
  const last = events.at(-1)!;
  expect(last.choices[0]!.finish_reason).toBe(answer.choices[0]!.finish_reason);
  expect(last.usage).toEqual(answer.usage);
  expect(new Set(events.map((e) => e.id)).size).toBe(1);
  expect(events.map((e) => e.choices[0]!.delta.content).join("")).toBe(answer.choices[0]!.message.content);
  expect(events.length).toBeGreaterThan(2);

  // Paid and booked as the JSON answer was: one attempt, the same fee.
  const job = await waitForConsumerJob(edge.deps, await newConsumerJob(before), 60_000);
  expect(job.status).toBe("succeeded");
  expect(job.attempts).toHaveLength(1);
  expect(job.fee).toBe(plainJob.fee);
  const remote = (await getQueueJob(edge.deps, job.attempts[0]!.remoteJobId!))!;
  expect(remote.fee).toBe((await getQueueJob(edge.deps, plainJob.attempts[0]!.remoteJobId!))!.fee);
}, 120_000);

test("an app that leaves mid-stream cancels the job at the gateway and the orchestrator; the runner stops", async () => {
  // This prompt's greedy completion runs 72 tokens before the model ends it.
  runner.gate.arm({ untilAborted: true });
  const before = await consumerIds();
  const ran = runner.executions.length;
  const sse = await fetchSse(
    `${base}/llm`,
    request({ max_tokens: 200, stream: true, messages: [{ role: "user", content: "Hello there" }] }),
  );
  await sse.next();
  await runner.gate.waiting.promise;
  const id = await newConsumerJob(before);
  sse.close();
  const job = await waitForConsumerJob(edge.deps, id, 60_000);
  expect(job).toMatchObject({ status: "failed", error: { code: "JOB_CANCELLED" } });
  expect(job.attempts).toHaveLength(1);
  const remoteId = job.attempts[0]!.remoteJobId!;
  const remote = await waitForJob(edge.deps, remoteId, 60_000);
  expect(remote).toMatchObject({ status: "failed", error: "cancelled by the gateway", fee: null });
  runner.gate.release();
  // The runner's next piece is refused, it aborts, and generation ends at the next token.
  expect(runner.executions.length).toBe(ran + 1);
  expect(await runner.executions[ran]).toMatchObject({ code: "JOB_ABORTED" });
  expect(runner.gate.step).toBe(2);
}, 120_000);
