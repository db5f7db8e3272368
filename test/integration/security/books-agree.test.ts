import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { submitConsumerJob, waitForConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { waitForLease } from "../../../src/edge/services/jobs/lease-wait.ts";
import { completeJob, isTerminal, waitForJob } from "../../../src/edge/services/jobs/queue.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { imageJob, pngHeaderBytes } from "../../helpers/jobs.ts";
import {
  addressOf,
  type Edge,
  GATEWAY,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
  registerRunner,
} from "../../helpers/payments.ts";

// Issue 9, break 8: a gateway timed out, three orchestrators each ran and charged the same job,
// and the gateway's books showed 0 spent. Here each of three orchestrators (one edge each, on one
// database) has a runner that leases the job and holds it past the gateway's deadline. The gateway
// gives up on each in turn and cancels it there; every runner's completion is then refused, no
// orchestrator charges, and for every orchestrator the gateway's books (EV sent minus fees booked)
// and the orchestrator's (EV credited minus fees debited) agree to the wei.

setDefaultTimeout(120_000);

let net: PaymentsNet;
const orchs: Edge[] = [];
let gateway: Edge;
const sender = addressOf(GATEWAY);
const upscale = imageJob("upscale", "tiny-upscale");
const token = (i: number) => `books-runner-token-${i}`;

beforeAll(async () => {
  net = await paymentsNet();
  for (const i of [0, 1, 2]) {
    const o = await net.startEdge({
      host: [i],
      prices: [{ capability: "upscale", pricePerUnit: 50n }],
      blobsDir: join(net.dir, `blobs-${i}`),
      runnerTokens: [token(i)],
    });
    await registerRunner(o, [{ pipeline: "upscale", modelId: "tiny-upscale" }], token(i));
    await net.setServiceURIs(o.url, [i]);
    orchs.push(o);
  }
  gateway = await net.startEdge({ host: [], gateway: { requestTimeoutMs: 1_500 } });
});
afterAll(async () => {
  await net?.close();
});

/** A runner at orchestrator i: leases one job, holds it until the job ends there, then completes it. */
async function holdingRunner(i: number) {
  const o = orchs[i]!;
  const runner = {
    id: `books-runner-${i}`,
    orchestrator: addressOf(ORCHS[i]!),
    serves: ["upscale"],
    capacity: 1,
  };
  const grant = await waitForLease({ deps: o.deps, input: { runner, waitMs: 90_000 } });
  if (!grant) return { leased: false };
  const ended = await waitForJob(o.deps, grant.jobId, 90_000, undefined, (j) => isTerminal(j.status));
  const complete = await completeJob(o.deps, {
    jobId: grant.jobId,
    attempt: grant.attempt,
    runnerId: runner.id,
    result: { engine: "test", units: "1", timings: {} },
  }).then(
    () => "completed",
    (e: { code?: string }) => e.code,
  );
  const [row] = await o.deps.db.select().from(queueJobs).where(eq(queueJobs.id, grant.jobId));
  return { leased: true, status: ended.status, error: ended.error, complete, fee: row?.fee ?? null };
}

test("a job given up on at three orchestrators whose runners held it: nobody charges, books agree to the wei", async () => {
  const before = await Promise.all(
    ORCHS.map(async (a, i) => ({
      gateway: await getGatewayBalance(gateway.deps, addressOf(a)),
      orchestrator: await getBalance(orchs[i]!.deps, addressOf(a), sender),
    })),
  );
  const runners = [0, 1, 2].map(holdingRunner);
  const id = await submitConsumerJob(gateway.deps, {
    spec: upscale,
    inputs: [{ name: "image", bytes: pngHeaderBytes(), contentType: "image/png" }],
    units: 4n,
  });
  const job = await waitForConsumerJob(gateway.deps, id, 90_000);
  expect(job.status).toBe("failed");
  // The gateway tried each orchestrator once, and each attempt carried a payment.
  expect(job.attempts.map((a) => a.orchestrator).sort()).toEqual(ORCHS.map(addressOf).sort());
  const held = await Promise.all(runners);
  for (const h of held) {
    expect(h).toEqual({
      leased: true,
      status: "failed",
      error: "cancelled by the gateway",
      complete: "LEASE_LOST",
      fee: null,
    });
  }
  for (const [i, a] of ORCHS.entries()) {
    const gatewaySide = await getGatewayBalance(gateway.deps, addressOf(a));
    const orchestratorSide = await getBalance(orchs[i]!.deps, addressOf(a), sender);
    // Tickets were sent and credited (the balances moved), and both sides say the same.
    expect(gatewaySide).toBeGreaterThan(before[i]!.gateway);
    expect(orchestratorSide).toBe(gatewaySide);
  }
});
