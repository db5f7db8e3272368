import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { consumerJobs, queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { waitForConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { getQueueJob, waitForJob } from "../../../src/edge/services/jobs/queue.ts";
import { type GatedRunner, startGatedLlmRunner, TINY_LLM_MODEL } from "../../helpers/gated-llm-runner.ts";
import { type GoWirePair, startGoWirePair } from "../../helpers/go-wire.ts";
import { fetchSse } from "../../helpers/sse.ts";

// The gateway's /llm with "stream": true through a go-livepeer-wire orchestrator is live: the
// gateway asks that orchestrator's /llm to stream (over HTTP/2, paid with tickets), reads each
// event as it arrives and writes it to the app at once. The orchestrator's runner runs in this
// process with a gate the test holds, so the first piece must reach the app while the runner waits
// before its second token. An app that leaves drops the request to the orchestrator, which cancels
// the job: the runner stops and nothing is charged there.

const FACE = 2_000_000_000_000n;
let pair: GoWirePair;
let runner: GatedRunner;
let server: ReturnType<typeof Bun.serve>;
let base: string;

beforeAll(async () => {
  pair = await startGoWirePair("https://127.0.0.1:0", {
    winningFaceValue: FACE,
    runner: false,
    gateway: (go) => ({ goWire: { orchAddr: [go.url], ledgerProbe: false } }),
  });
  const token = pair.orch.deps.config.orchestrators[0]!.runnerTokens[0]!;
  runner = await startGatedLlmRunner(pair.orchUrl, token, join(pair.orch.dir, "llm-models"));
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: pair.gw.app.fetch });
  base = `http://127.0.0.1:${server.port}`;
}, 120_000);
afterAll(async () => {
  await runner?.stop();
  server?.stop(true);
  await pair?.stop();
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

const ids = async (db: GoWirePair["gw"]["deps"]["db"], table: typeof consumerJobs | typeof queueJobs) =>
  new Set((await db.select({ id: table.id }).from(table)).map((r) => r.id));
function only(after: Set<string>, before: Set<string>): string {
  const fresh = [...after].filter((id) => !before.has(id));
  expect(fresh).toHaveLength(1);
  return fresh[0]!;
}

interface Chunk {
  id: string;
  choices: { delta: { content: string }; finish_reason: string | null }[];
  usage?: unknown;
}

test("each piece reaches the app while the orchestrator's runner is still generating", async () => {
  const plain = await fetch(`${base}/llm`, request({ max_tokens: 12, stream: false }));
  expect(plain.status).toBe(200);
  const answer = (await plain.json()) as {
    choices: { message: { content: string }; finish_reason: string }[];
    usage: unknown;
  };

  runner.gate.arm();
  const before = await ids(pair.gw.deps.db, consumerJobs);
  const sse = await fetchSse(`${base}/llm`, request({ max_tokens: 12, stream: true }));
  expect(sse.status).toBe(200);
  const first = (await sse.next()) as Chunk;
  await runner.gate.waiting.promise;
  expect(runner.gate.step).toBe(1);
  expect(first.choices[0]!.finish_reason).toBeNull();
  runner.gate.release();
  const events = [first, ...((await sse.rest()) as Chunk[])];
  expect(events.at(-1)!.choices[0]!.finish_reason).toBe(answer.choices[0]!.finish_reason);
  expect(events.at(-1)!.usage).toEqual(answer.usage);
  expect(events.map((e) => e.choices[0]!.delta.content).join("")).toBe(answer.choices[0]!.message.content);
  expect(events.length).toBeGreaterThan(2);
  const job = await waitForConsumerJob(
    pair.gw.deps,
    only(await ids(pair.gw.deps.db, consumerJobs), before),
    60_000,
  );
  expect(job.status).toBe("succeeded");
  expect(job.engine).toStartWith("go-livepeer wire");
  expect(job.attempts).toHaveLength(1);
}, 120_000);

test("an app that leaves mid-stream drops the request: the orchestrator cancels the job, the runner stops", async () => {
  runner.gate.arm({ untilAborted: true });
  const before = await ids(pair.gw.deps.db, consumerJobs);
  const queued = await ids(pair.orch.deps.db, queueJobs);
  const ran = runner.executions.length;
  const sse = await fetchSse(
    `${base}/llm`,
    request({ max_tokens: 200, stream: true, messages: [{ role: "user", content: "Hello there" }] }),
  );
  await sse.next();
  await runner.gate.waiting.promise;
  sse.close();
  const job = await waitForConsumerJob(
    pair.gw.deps,
    only(await ids(pair.gw.deps.db, consumerJobs), before),
    60_000,
  );
  expect(job).toMatchObject({ status: "failed", error: { code: "JOB_CANCELLED" } });
  const remoteId = only(await ids(pair.orch.deps.db, queueJobs), queued);
  const remote = await waitForJob(pair.orch.deps, remoteId, 60_000);
  expect(remote).toMatchObject({ status: "failed", error: "cancelled by the gateway", fee: null });
  runner.gate.release();
  expect(runner.executions.length).toBe(ran + 1);
  expect(await runner.executions[ran]).toMatchObject({ code: "JOB_ABORTED" });
  expect(runner.gate.step).toBe(2);
  expect((await getQueueJob(pair.orch.deps, remoteId))!.fee).toBeNull();
}, 120_000);
