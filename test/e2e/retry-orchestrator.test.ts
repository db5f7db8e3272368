import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { and, desc, eq } from "drizzle-orm";
import { consumerAttempts, queueAttempts, queueJobs, runners } from "../../src/edge/db/schema/jobs.ts";
import { gatewayBalances } from "../../src/edge/db/schema/payments.ts";
import { ffmpegTools } from "../helpers/ffmpeg-tools.ts";
import { ffprobe } from "../helpers/media.ts";
import { type LocalNetwork, makeClip, startNetwork } from "../helpers/network.ts";

// "Retried on another orchestrator if one fails", end to end with real processes. All three
// hosted orchestrators are priced. Orchestrator 0's only runner has a broken FFmpeg: it probes
// like the real one, but every encode exits 187. Orchestrators 1 and 2 share ONE healthy runner
// process (two tokens, one capacity). A job whose first pick is orchestrator 0 fails there (its
// queue dead-letters the job after maxAttempts), and the gateway retries it on 1 or 2.

let net: LocalNetwork;
let clip: string;
let brokenRunner: Subprocess;
let sharedRunner: Subprocess;
let A: string; // orchestrator 0, lower-cased
let sender: string;

interface ConsumerJob {
  id: string;
  status: string;
  orchestrator: string;
  fee: string;
  tickets: { count: number; ev: string };
  attempts: { orchestrator: string; status: string; fee: string; tickets: number; error: string | null }[];
  outputs: { name: string; height?: number; url: string }[];
}

beforeAll(async () => {
  // No runner of main.ts's own; all three orchestrators priced for the runners started here.
  // One failed job is enough for the gateway to suspend an orchestrator.
  net = await startNetwork({ RUNNERS: "0", EXTERNAL_RUNNERS: "3", SUSPEND_AFTER_FAILURES: "1" });
  A = net.orchestrators[0]!.toLowerCase();
  const tools = await ffmpegTools();
  const broken = join(net.dataDir, "broken-ffmpeg");
  // Probes (-version, -encoders, -hwaccels) pass through; anything with an input fails.
  writeFileSync(
    broken,
    `#!/bin/sh\nfor a in "$@"; do if [ "$a" = "-i" ]; then echo "simulated encoder crash: device lost" >&2; exit 187; fi; done\nexec ${tools.ffmpeg} "$@"\n`,
  );
  // A working ffprobe beside it (the runner looks there first), so the input probes as video and
  // the crash comes from the encoder, a retryable failure, as on a host with a faulty GPU.
  const gconv = tools.env.GCONV_PATH ? `GCONV_PATH=${tools.env.GCONV_PATH} ` : "";
  writeFileSync(join(net.dataDir, "ffprobe"), `#!/bin/sh\n${gconv}exec ${tools.ffprobe} "$@"\n`);
  chmodSync(broken, 0o755);
  chmodSync(join(net.dataDir, "ffprobe"), 0o755);
  brokenRunner = await net.startRunner(0, { ffmpeg: broken });
  sharedRunner = await net.startRunner([1, 2], { capacity: 2 });
  clip = join(net.dataDir, "clip.ts");
  await makeClip(clip, { width: 320, height: 180, seconds: 1 });
  sender = (
    (await (await fetch(`${net.url}/v1/orchestrator/balance?orchestrator=${A}`)).json()) as {
      sender: string;
    }
  ).sender;
}, 120_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

async function balances(): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const o of net.orchestrators) {
    const r = await fetch(`${net.url}/v1/orchestrator/balance?orchestrator=${o}&sender=${sender}`);
    out[o.toLowerCase()] = BigInt(((await r.json()) as { balance: string }).balance);
  }
  return out;
}

async function transcode(): Promise<ConsumerJob> {
  const form = new FormData();
  form.set("segment", new Blob([await Bun.file(clip).arrayBuffer()], { type: "video/mp2t" }), "clip.ts");
  form.set("profiles", JSON.stringify(["P144p30fps16x9"]));
  const res = await fetch(`${net.url}/v1/transcode`, { method: "POST", body: form });
  const { id } = (await res.json()) as { id: string };
  return (await (await fetch(`${net.url}/v1/jobs/${id}`)).json()) as ConsumerJob;
}

async function skippedSuspended(orchestrator: string): Promise<number> {
  const text = await (await fetch(`${net.url}/metrics`)).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("livepeer_gateway_orchestrator_skipped_total{") &&
        l.includes(`orchestrator="${orchestrator}"`) &&
        l.includes('reason="suspended"'),
    );
  return line ? Number(line.split(" ").pop()) : 0;
}

test("one node-runner process serves two orchestrators, one registration per token", async () => {
  const { db } = await net.db();
  const rows = await db.select().from(runners);
  const byOrchestrator = new Map<string, number>();
  for (const r of rows) byOrchestrator.set(r.orchestrator, (byOrchestrator.get(r.orchestrator) ?? 0) + 1);
  expect(byOrchestrator.get(A)).toBe(1);
  expect(byOrchestrator.get(net.orchestrators[1]!.toLowerCase())).toBe(1);
  expect(byOrchestrator.get(net.orchestrators[2]!.toLowerCase())).toBe(1);
  expect(sharedRunner.exitCode).toBeNull();
  expect(brokenRunner.exitCode).toBeNull();
});

test("a job that fails on its first orchestrator completes on another, which alone is paid for the work", async () => {
  // Selection is a stake-weighted draw: orchestrator 0 (the largest stake) is the first pick about
  // half the time. Submit jobs until one's first attempt lands there (bounded).
  let job: ConsumerJob | undefined;
  let before: Record<string, bigint> = {};
  for (let i = 0; i < 16; i++) {
    before = await balances();
    const j = await transcode();
    expect(j.status).toBe("succeeded");
    if (j.attempts[0]?.orchestrator === A) {
      job = j;
      break;
    }
    // A job that went straight to a healthy orchestrator never touches orchestrator 0.
    expect(j.attempts.length).toBe(1);
  }
  expect(job).toBeDefined();
  const after = await balances();
  const j = job!;

  // The record shows both attempts: orchestrator 0 failed, another one did the work.
  expect(j.attempts.length).toBe(2);
  expect(j.attempts[0]!.status).toBe("failed");
  expect(j.attempts[0]!.error).toContain("JOB_FAILED");
  const B = j.attempts[1]!.orchestrator;
  expect(B).not.toBe(A);
  expect(j.attempts[1]!.status).toBe("succeeded");
  expect(j.orchestrator).toBe(B);
  expect(j.attempts.every((a) => a.tickets >= 1)).toBe(true);
  expect(j.tickets.count).toBe(j.attempts[0]!.tickets + j.attempts[1]!.tickets);

  // The rendition is real.
  expect(j.outputs.length).toBe(1);
  const out = join(net.dataDir, "out.ts");
  await Bun.write(out, await (await fetch(`${net.url}${j.outputs[0]!.url}`)).arrayBuffer());
  const probed = await ffprobe(out);
  expect(probed.height).toBe(144);

  const { db } = await net.db();
  // Orchestrator 0's queue ran the job on its runner until the dead letter, every attempt failing.
  const [deadJob, ...more] = await db.select().from(queueJobs).where(eq(queueJobs.orchestrator, A));
  expect(more).toEqual([]);
  expect(deadJob!.status).toBe("dead");
  expect(deadJob!.fee).toBeNull();
  const deadAttempts = await db.select().from(queueAttempts).where(eq(queueAttempts.jobId, deadJob!.id));
  expect(deadAttempts.length).toBe(deadJob!.maxAttempts);
  expect(deadAttempts.every((a) => a.status === "failed" && a.error?.includes("187"))).toBe(true);

  // The one that did the work debited its fee; orchestrator 0 only credited the tickets it got.
  const attemptRows = await db.select().from(consumerAttempts).where(eq(consumerAttempts.jobId, j.id));
  const ev = (o: string) => BigInt(attemptRows.find((r) => r.orchestrator === o)!.ticketsEv);
  const [doneJob] = await db
    .select()
    .from(queueJobs)
    .where(and(eq(queueJobs.orchestrator, B), eq(queueJobs.status, "succeeded")))
    .orderBy(desc(queueJobs.createdAt))
    .limit(1);
  expect(doneJob!.fee).toBe(j.fee);
  expect(BigInt(j.fee)).toBeGreaterThan(0n);
  expect(after[A]! - before[A]!).toBe(ev(A));
  expect(after[B]! - before[B]!).toBe(ev(B) - BigInt(j.fee));
  const third = net.orchestrators.map((o) => o.toLowerCase()).find((o) => o !== A && o !== B)!;
  expect(after[third]).toBe(before[third]);

  // The gateway's own ledger of its credit agrees with each orchestrator's, to the wei: the fee it
  // reserved for the failed attempt came back, since orchestrator 0 never charged it.
  const gateway = await db
    .select()
    .from(gatewayBalances)
    .where(eq(gatewayBalances.sender, sender.toLowerCase()));
  for (const o of [A, B, third]) {
    const row = gateway.find((g) => g.orchestrator === o);
    expect(BigInt(row?.balance ?? "0")).toBe(after[o]!);
  }

  // Selection penalised orchestrator 0: suspended after its failure, the next discovery skips it
  // (the metric counts each time selection passed it over as suspended).
  const skippedBefore = await skippedSuspended(A);
  const next = await transcode();
  expect(next.status).toBe("succeeded");
  expect(next.attempts.map((a) => a.orchestrator)).not.toContain(A);
  expect(await skippedSuspended(A)).toBeGreaterThan(skippedBefore);
}, 180_000);
