import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { queueAttempts, queueJobs } from "../../src/edge/db/schema/jobs.ts";
import { type LocalNetwork, makeClip, startNetwork } from "../helpers/network.ts";

// A runner killed with SIGKILL in the middle of a job stops heartbeating; its lease expires
// (visibility timeout) and the job is run by another runner, and recorded exactly once.

let net: LocalNetwork;
beforeAll(async () => {
  // No runner of main.ts's own; orchestrator 0 is priced for runners started here.
  net = await startNetwork({ RUNNERS: "0", EXTERNAL_RUNNERS: "1", VISIBILITY_TIMEOUT_MS: "1500" });
}, 180_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

test("a runner killed mid-job loses its lease and the job completes on another runner exactly once", async () => {
  const clip = join(net.dataDir, "long.ts");
  await makeClip(clip, { width: 1280, height: 720, seconds: 4 });
  const first = await net.startRunner(0);
  const form = new FormData();
  form.set("segment", new Blob([await Bun.file(clip).arrayBuffer()], { type: "video/mp2t" }), "long.ts");
  form.set("profiles", JSON.stringify(["P720p30fps16x9", "P360p30fps16x9", "P240p30fps16x9"]));
  const res = await fetch(`${net.url}/v1/transcode?async=true`, { method: "POST", body: form });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };

  const { db } = await net.db();
  // Wait until the first runner holds the lease, then kill it without warning.
  let leased: typeof queueJobs.$inferSelect | undefined;
  for (let i = 0; i < 300 && !leased; i++) {
    [leased] = await db.select().from(queueJobs).where(eq(queueJobs.status, "leased"));
    if (!leased) await Bun.sleep(20);
  }
  expect(leased).toBeDefined();
  first.kill("SIGKILL");
  await first.exited;
  const second = await net.startRunner(0);

  let job: { status: string; outputs: { name: string }[] } | undefined;
  for (let i = 0; i < 600; i++) {
    job = (await (await fetch(`${net.url}/v1/jobs/${id}`)).json()) as typeof job;
    if (job?.status === "succeeded" || job?.status === "failed") break;
    await Bun.sleep(100);
  }
  expect(job?.status).toBe("succeeded");
  expect(job?.outputs.length).toBe(3);

  const attempts = await db
    .select()
    .from(queueAttempts)
    .where(eq(queueAttempts.jobId, leased!.id))
    .orderBy(asc(queueAttempts.attempt));
  expect(attempts.map((a) => a.status)).toEqual(["expired", "succeeded"]);
  expect(attempts[0]!.runnerId).not.toBe(attempts[1]!.runnerId);
  const [final] = await db.select().from(queueJobs).where(eq(queueJobs.id, leased!.id));
  expect(final!.status).toBe("succeeded");
  expect(final!.attempts).toBe(2);
  expect(final!.failures).toBe(1);
  second.kill("SIGTERM");
  await second.exited;
}, 120_000);

test("SIGTERM past the grace period releases the lease: the next runner takes the job, no failure counted", async () => {
  const clip = join(net.dataDir, "long2.ts");
  await makeClip(clip, { width: 1280, height: 720, seconds: 4 });
  const first = await net.startRunner(0, { graceMs: 100 });
  const form = new FormData();
  form.set("segment", new Blob([await Bun.file(clip).arrayBuffer()], { type: "video/mp2t" }), "long2.ts");
  form.set("profiles", JSON.stringify(["P720p30fps16x9", "P360p30fps16x9"]));
  const res = await fetch(`${net.url}/v1/transcode?async=true`, { method: "POST", body: form });
  const { id } = (await res.json()) as { id: string };
  const { db } = await net.db();
  let leased: typeof queueJobs.$inferSelect | undefined;
  for (let i = 0; i < 300 && !leased; i++) {
    [leased] = await db.select().from(queueJobs).where(eq(queueJobs.status, "leased"));
    if (!leased) await Bun.sleep(20);
  }
  expect(leased).toBeDefined();
  // "leased" is written before the grant reaches the runner: a SIGTERM in between aborts the
  // long poll, the runner never learns of the job and only the visibility timeout frees it. Wait
  // for the attempt's first heartbeat, proof that the runner is running the job.
  let heartbeat = false;
  for (let i = 0; i < 600 && !heartbeat; i++) {
    const [a] = await db
      .select()
      .from(queueAttempts)
      .where(and(eq(queueAttempts.jobId, leased!.id), eq(queueAttempts.attempt, 1)));
    heartbeat = a !== undefined && a.heartbeatAt > a.startedAt;
    if (!heartbeat) await Bun.sleep(20);
  }
  expect(heartbeat).toBe(true);
  first.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  const [afterStop] = await db.select().from(queueJobs).where(eq(queueJobs.id, leased!.id));
  expect(afterStop!.status).toBe("queued");
  const second = await net.startRunner(0);
  let job: { status: string } | undefined;
  for (let i = 0; i < 600; i++) {
    job = (await (await fetch(`${net.url}/v1/jobs/${id}`)).json()) as typeof job;
    if (job?.status === "succeeded" || job?.status === "failed") break;
    await Bun.sleep(100);
  }
  expect(job?.status).toBe("succeeded");
  const attempts = await db
    .select()
    .from(queueAttempts)
    .where(eq(queueAttempts.jobId, leased!.id))
    .orderBy(asc(queueAttempts.attempt));
  expect(attempts.map((a) => a.status)).toEqual(["released", "succeeded"]);
  const [final] = await db.select().from(queueJobs).where(eq(queueJobs.id, leased!.id));
  expect(final!.failures).toBe(0);
  second.kill("SIGTERM");
  await second.exited;
}, 120_000);
