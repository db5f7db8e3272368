import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { acceptedTickets } from "../../../src/edge/db/schema/payments.ts";
import { submitConsumerJob, waitForConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { payForJob } from "../../../src/edge/services/gateway/pay.ts";
import { waitForLease } from "../../../src/edge/services/jobs/lease-wait.ts";
import {
  cancelJob,
  completeJob,
  getQueueJob,
  heartbeatJob,
  isTerminal,
  waitForJob,
} from "../../../src/edge/services/jobs/queue.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import type { WireSpec } from "../../../src/wire/jobs.ts";
import { imageJob, pngHeaderBytes } from "../../helpers/jobs.ts";
import {
  addressOf,
  type Edge,
  GATEWAY,
  ORCHS,
  orchestratorAndGateway,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// Issue 9, items 3, 4 and 5 at the orchestrator's job routes: input names are checked before any
// credit, a job's expected fee must be covered before it is queued, a job and its outputs are
// reachable only with the capability token its gateway was given, and a gateway that gives up
// cancels the job there. No runner serves O0, so submitted jobs stay queued.

setDefaultTimeout(60_000);

let net: PaymentsNet;
let orch: Edge;
let gateway: Edge;
const O0 = addressOf(ORCHS[0]!);
const sender = addressOf(GATEWAY);
const upscale = imageJob("upscale", "tiny-upscale");

function jobForm(spec: WireSpec, payment: unknown, files: Record<string, Uint8Array<ArrayBuffer>>): FormData {
  const form = new FormData();
  form.set("job", JSON.stringify(spec));
  form.set("payment", JSON.stringify(payment));
  for (const [name, bytes] of Object.entries(files))
    form.set(name, new Blob([bytes], { type: "image/png" }), name);
  return form;
}

async function problem(
  res: Response,
): Promise<{ status: number; code: string; details?: Record<string, unknown> }> {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; code: string; details?: Record<string, unknown> };
}

/** A fair upscale job of a 1×1 image, queued (wait=false): its id and access token. */
async function queuedJob(): Promise<{ id: string; token: string }> {
  const fair = await payForJob(gateway.deps, { capability: "upscale", units: 10n });
  const res = await fetch(`${orch.url}/v1/orchestrator/jobs?wait=false`, {
    method: "POST",
    body: jobForm(upscale, fair.payment, { image: pngHeaderBytes() }),
  });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { id: string; accessToken: string; status: string };
  expect(body.status).toBe("queued");
  expect(body.accessToken).toMatch(/^ojt_[0-9a-f]{64}$/);
  return { id: body.id, token: body.accessToken };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  net = await paymentsNet();
  ({ orch, gateway } = await orchestratorAndGateway(
    net,
    [{ capability: "upscale", pricePerUnit: 50n }],
    [{ pipeline: "upscale", modelId: "tiny-upscale" }],
  ));
});
afterAll(async () => {
  await net?.close();
});

describe("before any credit", () => {
  test("an input named `..` (or any name starting with a dot) is refused: nothing credited or queued", async () => {
    for (const name of ["..", ".", ".hidden"]) {
      const fair = await payForJob(gateway.deps, { capability: "upscale", units: 10n });
      const spec: WireSpec = { ...upscale, files: { image: name } } as WireSpec;
      const res = await fetch(`${orch.url}/v1/orchestrator/jobs`, {
        method: "POST",
        body: jobForm(spec, fair.payment, { [name]: pngHeaderBytes() }),
      });
      expect(res.status).toBe(400);
      expect((await problem(res)).code).toBe("INVALID_INPUT");
    }
    expect(await orch.deps.db.select().from(acceptedTickets)).toEqual([]);
    expect(await orch.deps.db.select().from(queueJobs)).toEqual([]);
    expect(await getBalance(orch.deps, O0, sender)).toBe(0n);
  });

  test("an image above the media limits is refused with MEDIA_TOO_LARGE before any credit", async () => {
    const fair = await payForJob(gateway.deps, { capability: "upscale", units: 10n });
    const res = await fetch(`${orch.url}/v1/orchestrator/jobs`, {
      method: "POST",
      body: jobForm(upscale, fair.payment, { image: pngHeaderBytes(20_000, 20_000) }),
    });
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe("MEDIA_TOO_LARGE");
    expect(await orch.deps.db.select().from(acceptedTickets)).toEqual([]);
    expect(await getBalance(orch.deps, O0, sender)).toBe(0n);
  });

  test("a payment that does not cover the job's expected fee queues nothing (the tickets stay credited)", async () => {
    // Paid for 10 units (500 wei: one ticket of EV 1000); a 64×64 upscale is 16,384 units at 50 wei.
    const short = await payForJob(gateway.deps, { capability: "upscale", units: 10n });
    const res = await fetch(`${orch.url}/v1/orchestrator/jobs`, {
      method: "POST",
      body: jobForm(upscale, short.payment, { image: pngHeaderBytes(64, 64) }),
    });
    expect(res.status).toBe(402);
    const body = await problem(res);
    expect(body.code).toBe("PAYMENT_REQUIRED");
    const expectedFee = BigInt(body.details?.expectedFee as string);
    const credited = (await orch.deps.db.select().from(acceptedTickets)).reduce(
      (s, t) => s + BigInt(t.ev),
      0n,
    );
    expect(credited).toBeGreaterThan(0n);
    expect(expectedFee).toBeGreaterThan(credited);
    expect(await orch.deps.db.select().from(queueJobs)).toEqual([]);
    // What was credited is the sender's, to be spent on a job it covers.
    expect(await getBalance(orch.deps, O0, sender)).toBe(credited);
  });
});

describe("the job's capability token", () => {
  test("GET and DELETE on a job and its outputs answer 401 without it and 403 with another's", async () => {
    const a = await queuedJob();
    const b = await queuedJob();
    const paths = [`/v1/orchestrator/jobs/${a.id}`, `/v1/orchestrator/jobs/${a.id}/outputs/out.png`];
    for (const path of paths) {
      const none = await fetch(`${orch.url}${path}`);
      expect(none.status).toBe(401);
      expect((await problem(none)).code).toBe("JOB_TOKEN_REQUIRED");
      for (const headers of [bearer(b.token), bearer(`ojt_${"0".repeat(64)}`), { authorization: a.token }]) {
        const wrong = await fetch(`${orch.url}${path}`, { headers });
        expect(wrong.status).toBe(headers.authorization === a.token ? 401 : 403);
      }
    }
    const del = await fetch(`${orch.url}/v1/orchestrator/jobs/${a.id}`, {
      method: "DELETE",
      headers: bearer(b.token),
    });
    expect(del.status).toBe(403);
    expect((await getQueueJob(orch.deps, a.id))?.status).toBe("queued");
    // The right token reads the job (its output does not exist yet).
    const ok = await fetch(`${orch.url}/v1/orchestrator/jobs/${a.id}`, { headers: bearer(a.token) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { id: string }).id).toBe(a.id);
    const out = await fetch(`${orch.url}${paths[1]}`, { headers: bearer(a.token) });
    expect(out.status).toBe(404);
    expect((await problem(out)).code).toBe("OUTPUT_NOT_FOUND");
  });

  test("an unknown job id answers exactly as a known one with a wrong token: 403, nothing learned", async () => {
    const a = await queuedJob();
    const known = await fetch(`${orch.url}/v1/orchestrator/jobs/${a.id}`, {
      headers: bearer(`ojt_${"1".repeat(64)}`),
    });
    const unknown = await fetch(`${orch.url}/v1/orchestrator/jobs/ojob_nope`, {
      headers: bearer(`ojt_${"1".repeat(64)}`),
    });
    expect([known.status, unknown.status]).toEqual([403, 403]);
    expect((await problem(known)).code).toBe((await problem(unknown)).code);
  });

  test("DELETE with the token cancels the job: it fails as cancelled and nothing is debited", async () => {
    const before = await getBalance(orch.deps, O0, sender);
    const a = await queuedJob();
    const afterCredit = await getBalance(orch.deps, O0, sender);
    expect(afterCredit).toBeGreaterThan(before);
    const res = await fetch(`${orch.url}/v1/orchestrator/jobs/${a.id}`, {
      method: "DELETE",
      headers: bearer(a.token),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; error: string };
    expect(body).toMatchObject({ status: "failed", error: "cancelled by the gateway" });
    // Idempotent, and the credit is untouched (no work was charged).
    const again = await fetch(`${orch.url}/v1/orchestrator/jobs/${a.id}`, {
      method: "DELETE",
      headers: bearer(a.token),
    });
    expect(again.status).toBe(200);
    expect(await getBalance(orch.deps, O0, sender)).toBe(afterCredit);
  });
});

describe("a cancelled job that a runner holds", () => {
  test("the runner's next heartbeat and its completion get LEASE_LOST, and nothing is charged", async () => {
    const runner = { id: "runner-cancel-test", orchestrator: O0, serves: ["upscale"], capacity: 1 };
    // Earlier tests left jobs queued: end them so the runner leases this one.
    for (const j of await orch.deps.db.select().from(queueJobs).where(eq(queueJobs.status, "queued"))) {
      await cancelJob(orch.deps, j.id);
    }
    const a = await queuedJob();
    const grant = await waitForLease({ deps: orch.deps, input: { runner, waitMs: 30_000 } });
    expect(grant?.jobId).toBe(a.id);
    const balance = await getBalance(orch.deps, O0, sender);
    const res = await fetch(`${orch.url}/v1/orchestrator/jobs/${a.id}`, {
      method: "DELETE",
      headers: bearer(a.token),
    });
    expect(res.status).toBe(200);
    const lease = { jobId: a.id, attempt: grant!.attempt, runnerId: runner.id };
    await expect(heartbeatJob(orch.deps, { ...lease, progress: 0.5 })).rejects.toMatchObject({
      code: "LEASE_LOST",
    });
    const result = { engine: "test", units: "4", timings: {} };
    await expect(completeJob(orch.deps, { ...lease, result })).rejects.toMatchObject({ code: "LEASE_LOST" });
    expect(await getBalance(orch.deps, O0, sender)).toBe(balance);
    expect((await getQueueJob(orch.deps, a.id))?.status).toBe("failed");
  });
});

describe("a gateway that gives up", () => {
  test("cancels the job at the orchestrator, which stops it there", async () => {
    const quick = await net.startEdge({ host: [], gateway: { requestTimeoutMs: 1_500 } });
    try {
      const id = await submitConsumerJob(quick.deps, {
        spec: upscale,
        inputs: [{ name: "image", bytes: pngHeaderBytes(), contentType: "image/png" }],
        units: 4n,
      });
      const consumer = await waitForConsumerJob(quick.deps, id, 60_000);
      expect(consumer.status).toBe("failed");
      const remote = consumer.attempts.find((a) => a.orchestrator === O0)?.remoteJobId;
      expect(remote).toBeString();
      // The DELETE is sent before the attempt is recorded as failed, so the job has ended there.
      const job = await waitForJob(orch.deps, remote!, 10_000, undefined, (j) => isTerminal(j.status));
      expect(job).toMatchObject({ status: "failed", error: "cancelled by the gateway" });
      const row = await orch.deps.db.select().from(queueJobs).where(eq(queueJobs.id, remote!));
      expect(row[0]?.fee).toBeNull();
    } finally {
      await quick.stop();
    }
  });
});
