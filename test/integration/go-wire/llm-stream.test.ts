import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { getQueueJob, waitForJob } from "../../../src/edge/services/jobs/queue.ts";
import { AI_ROUTE_CAPABILITY } from "../../../src/wire/go/capabilities.ts";
import { type GatedRunner, startGatedLlmRunner, TINY_LLM_MODEL } from "../../helpers/gated-llm-runner.ts";
import {
  GO_GATEWAY,
  type GoWireNode,
  h2Request,
  paidAiHeaders,
  startGoWireNode,
} from "../../helpers/go-wire.ts";
import { h2Sse } from "../../helpers/sse.ts";

// go-livepeer's /llm with "stream": true on this orchestrator's wire is live: each piece the
// runner generates reaches the client while generation still runs. The runner runs in this process
// with a gate in its generation loop (the executors' beforeGenerateStep) that the test holds: the
// first piece must arrive while the runner waits before its second token, so an answer sent at the
// end could never pass. Also: the pieces make the non-streamed completion, the last event carries
// its totals and the same fee is charged; a client that leaves cancels the job, the runner stops
// and nothing is charged; a runner that stops answering ends the stream with an error event.

const MODEL = TINY_LLM_MODEL;
const MANIFEST = `${AI_ROUTE_CAPABILITY.llm}_${MODEL}`;
/** The orchestrator's lease: a silent runner's job is requeued this long after its last heartbeat. */
const LEASE_MS = 3_000;

let node: GoWireNode;
let http: ReturnType<typeof Bun.serve>;
let runner: GatedRunner;
/** While true the runner's edge is unreachable (its requests answer 503): a runner gone silent. */
let unreachable = false;
let nonce = 1;
/** The credit one paid request brings (measured by the first test). */
let ticketEv = 0n;

beforeAll(async () => {
  node = await startGoWireNode("https://127.0.0.1:0", {
    runner: false,
    prices: [{ capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" }],
    jobs: { visibilityTimeoutMs: LEASE_MS, maxAttempts: 3, syncTimeoutMs: 120_000, retentionSec: 86_400 },
  });
  http = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => (unreachable ? new Response("unreachable", { status: 503 }) : node.edge.app.fetch(req)),
  });
  const token = node.edge.deps.config.orchestrators[0]!.runnerTokens[0]!;
  runner = await startGatedLlmRunner(
    `http://127.0.0.1:${http.port}`,
    token,
    join(node.edge.dir, "llm-models"),
  );
}, 120_000);
afterAll(async () => {
  unreachable = false;
  await runner?.stop();
  http?.stop(true);
  await node?.stop();
}, 60_000);

const paidHeaders = () => paidAiHeaders(node.go.url, MANIFEST, nonce++);

const body = (extra: Record<string, unknown>) =>
  new TextEncoder().encode(
    JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Hi." }], temperature: 0, ...extra }),
  );

const credit = () => node.go.context.credit.balance(GO_GATEWAY.address, MANIFEST);

/** The id of the queue job created since `before` was listed. */
async function newJob(before: Set<string>): Promise<string> {
  const rows = await node.edge.deps.db.select({ id: queueJobs.id }).from(queueJobs);
  const fresh = rows.map((r) => r.id).filter((id) => !before.has(id));
  expect(fresh).toHaveLength(1);
  return fresh[0]!;
}
async function jobIds(): Promise<Set<string>> {
  return new Set((await node.edge.deps.db.select({ id: queueJobs.id }).from(queueJobs)).map((r) => r.id));
}

interface Chunk {
  id: string;
  choices: { delta: { content: string }; finish_reason: string | null }[];
  usage?: { completion_tokens: number; total_tokens: number };
  error?: { message: string };
}

test("each piece reaches the client while the runner is still generating; the pieces make the completion", async () => {
  const jobsBefore = await jobIds();
  const plainCredit = credit();
  const plain = await h2Request(node.go.url, {
    path: "/llm",
    headers: await paidHeaders(),
    body: body({ max_tokens: 12, stream: false }),
  });
  expect(plain.status).toBe(200);
  const answer = JSON.parse(new TextDecoder().decode(plain.body)) as {
    choices: { message: { content: string }; finish_reason: string }[];
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };
  const plainJob = (await getQueueJob(node.edge.deps, await newJob(jobsBefore)))!;
  const plainCharge = credit() - plainCredit;
  // What one ticket credits (the request's credit change plus the fee it paid).
  ticketEv = plainCharge + BigInt(plainJob.fee!);

  runner.gate.arm();
  const streamBefore = await jobIds();
  const streamCredit = credit();
  const sse = await h2Sse(node.go.url, {
    path: "/llm",
    headers: await paidHeaders(),
    body: body({ max_tokens: 12, stream: true }),
  });
  expect(sse.status).toBe(200);
  expect(String(sse.headers["content-type"])).toContain("text/event-stream");
  const first = (await sse.next()) as Chunk;
  // The runner is held before its second token: this piece can only have come live.
  await runner.gate.waiting.promise;
  expect(runner.gate.step).toBe(1);
  expect(first.choices[0]!.finish_reason).toBeNull();
  runner.gate.release();
  const rest = (await sse.rest()) as Chunk[];
  const events = [first, ...rest];
  const last = events.at(-1)!;
  expect(last.choices[0]!.finish_reason).toBe(answer.choices[0]!.finish_reason);
  expect(last.usage).toEqual(answer.usage);
  expect(new Set(events.map((e) => e.id)).size).toBe(1);
  // Greedy decoding is deterministic: the streamed pieces are the JSON answer's completion.
  expect(events.map((e) => e.choices[0]!.delta.content).join("")).toBe(answer.choices[0]!.message.content);
  expect(events.length).toBeGreaterThan(2);

  // Billed as the JSON answer was: the same fee, once, in the queue and in the session's credit.
  const job = (await getQueueJob(node.edge.deps, await newJob(streamBefore)))!;
  expect(job.status).toBe("succeeded");
  expect(job.fee).not.toBeNull();
  expect(job.fee).toBe(plainJob.fee);
  expect(credit() - streamCredit).toBe(plainCharge);
}, 120_000);

test("a client that leaves mid-stream cancels the job: the runner stops generating, nothing is charged", async () => {
  // This prompt's greedy completion runs 72 tokens before the model ends it.
  const prompt = "Hello there";
  // Step 2 waits until the runner has been told to stop: it must be, by the piece of step 1.
  runner.gate.arm({ untilAborted: true });
  const before = await jobIds();
  const ran = runner.executions.length;
  const creditBefore = credit();
  const sse = await h2Sse(node.go.url, {
    path: "/llm",
    headers: await paidHeaders(),
    body: body({ max_tokens: 200, stream: true, messages: [{ role: "user", content: prompt }] }),
  });
  await sse.next();
  await runner.gate.waiting.promise;
  const id = await newJob(before);
  sse.close();
  // The orchestrator cancels the job when the client's stream closes.
  const cancelled = await waitForJob(node.edge.deps, id, 60_000, undefined, (j) => j.status !== "leased");
  expect(cancelled).toMatchObject({ status: "failed", error: "cancelled by the gateway", fee: null });
  runner.gate.release();
  // The runner's next piece is refused, it aborts, and generation ends at the next token.
  expect(runner.executions.length).toBe(ran + 1);
  expect(await runner.executions[ran]).toMatchObject({ code: "JOB_ABORTED" });
  expect(runner.gate.step).toBe(2);
  // The ticket stays with the session as credit: nothing was debited for the cancelled work.
  expect(credit()).toBe(creditBefore + ticketEv);
  expect((await getQueueJob(node.edge.deps, id))!.fee).toBeNull();
}, 120_000);

test("a runner that goes silent mid-stream ends the stream with an error event, not a hang", async () => {
  runner.gate.arm();
  const before = await jobIds();
  const sse = await h2Sse(node.go.url, {
    path: "/llm",
    headers: await paidHeaders(),
    body: body({ max_tokens: 50, stream: true }),
  });
  const first = (await sse.next()) as Chunk;
  expect(first.choices[0]!.finish_reason).toBeNull();
  await runner.gate.waiting.promise;
  // From here no heartbeat or piece reaches the edge: the lease lapses.
  unreachable = true;
  const rest = (await sse.rest()) as Chunk[];
  expect(rest.at(-1)?.error?.message).toMatch(/runner was lost/);
  const job = (await getQueueJob(node.edge.deps, await newJob(before)))!;
  // The job is cancelled rather than run again for a client whose stream is over, and not charged.
  expect(job).toMatchObject({ status: "failed", fee: null });
  unreachable = false;
  runner.gate.release();
}, 120_000);
