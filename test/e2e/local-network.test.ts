import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { queueAttempts, queueJobs, runners } from "../../src/edge/db/schema/jobs.ts";
import { type LocalNetwork, makePng, startNetwork } from "../helpers/network.ts";

// `npm start`'s shape: one node-runner process (RUNNERS=1) serving all three hosted orchestrators,
// one runner token and registration each, one shared capacity. Every orchestrator is priced, so
// selection can pick any of them, and whichever it picks has the runner.

let net: LocalNetwork;
beforeAll(async () => {
  net = await startNetwork({ RUNNERS: "1", RUNNER_ORCHESTRATORS: "3", RUNNER_CAPACITY: "2" });
}, 180_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

test("one runner process registers with all three orchestrators, and each is priced", async () => {
  const { db } = await net.db();
  const rows = await db.select().from(runners);
  expect(rows.map((r) => r.orchestrator).sort()).toEqual(
    net.orchestrators.map((o) => o.toLowerCase()).sort(),
  );
  // The sessions share one process: same probed capabilities and the same shared capacity.
  expect(new Set(rows.map((r) => r.capabilities)).size).toBe(1);
  expect(rows.every((r) => r.capacity === 2)).toBe(true);
  // The gateway's own sender (funded in the genesis), as the balance route reports it.
  const { sender } = (await (
    await fetch(`${net.url}/v1/orchestrator/balance?orchestrator=${net.orchestrators[0]}`)
  ).json()) as { sender: string };
  for (const o of net.orchestrators) {
    const res = await fetch(
      `${net.url}/v1/orchestrator/info?sender=${sender}&orchestrator=${o}&capability=transcode`,
    );
    expect(res.status).toBe(200);
    const info = (await res.json()) as { priceInfo: { pricePerUnit: string } };
    expect(BigInt(info.priceInfo.pricePerUnit)).toBeGreaterThan(0n);
  }
});

test("jobs run on whichever orchestrator is picked, through that orchestrator's session", async () => {
  const png = join(net.dataDir, "red.png");
  await makePng(png, "red");
  const bytes = await Bun.file(png).arrayBuffer();
  const runs = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const form = new FormData();
      form.set("image", new Blob([bytes], { type: "image/png" }), "red.png");
      const res = await fetch(`${net.url}/v1/ai/image-to-text`, { method: "POST", body: form });
      return (await res.json()) as { status: string; orchestrator: string };
    }),
  );
  expect(runs.every((r) => r.status === "succeeded")).toBe(true);
  const { db } = await net.db();
  const sessions = new Map((await db.select().from(runners)).map((r) => [r.id, r.orchestrator]));
  const jobs = await db.select().from(queueJobs);
  const attempts = await db.select().from(queueAttempts);
  expect(jobs.length).toBe(4);
  for (const job of jobs) {
    expect(job.status).toBe("succeeded");
    const a = attempts.find((x) => x.jobId === job.id && x.status === "succeeded")!;
    // The lease came through the session registered with the job's own orchestrator.
    expect(sessions.get(a.runnerId)).toBe(job.orchestrator);
  }
});
