import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { gatewayNonces } from "../../../src/edge/db/schema/payments.ts";
import { submitConsumerJob, waitForConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import {
  discoverOrchestrators,
  isOrchestratorSuspended,
} from "../../../src/edge/services/gateway/discovery.ts";
import { payForJob } from "../../../src/edge/services/gateway/pay.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";
import { MAX_WIN_PROB } from "../../../src/protocol/win.ts";
import { fetchBounded } from "../../../src/wire/fetch-bounded.ts";
import { type Hostile, hugeBody, slowBody, startHostile, startInternal } from "../../helpers/hostile.ts";
import { makeClip } from "../../helpers/media.ts";
import {
  addressOf,
  type Edge,
  type EdgeOptions,
  ETHER,
  GATEWAY,
  NO_DEPOSIT,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// The attacks of a hostile orchestrator (issue 9, breaks 1–3): a real HTTP server on loopback
// that holds an active identity's key and answers what an attacker would.

setDefaultTimeout(60_000);

let net: PaymentsNet;
let honest: Edge; // hosts O2 honestly; the hostile server relays and re-signs its info
let hostile: Hostile;
let internal: ReturnType<typeof startInternal>;
const O2 = addressOf(ORCHS[2]!);
const sender = addressOf(GATEWAY);

const blobDirs: string[] = [];

async function gateway(options: EdgeOptions["gateway"] = {}): Promise<Edge> {
  const blobsDir = mkdtempSync(join(tmpdir(), "lp-hostile-blobs-"));
  blobDirs.push(blobsDir);
  return net.startEdge({ host: [], blobsDir, gateway: { suspendAfterFailures: 3, ...options } });
}

/** A consumer transcode job of `units` pixels, run to its end. */
async function runJob(g: Edge, units: bigint, segment = new Uint8Array([1, 2, 3])) {
  const id = await submitConsumerJob(g.deps, {
    spec: { kind: "transcode", input: "segment", profiles: [PRESETS.P144p30fps16x9!], format: "mpegts" },
    inputs: [{ name: "segment", bytes: segment, contentType: "video/mp2t" }],
    units,
  });
  return waitForConsumerJob(g.deps, id, 30_000);
}

/** An honest-looking job answer for the payment in `form`, with the test's fee and outputs. */
function answer(fee: bigint, outputs: { name: string; url: string }[]) {
  return (form: FormData) => {
    const payment = JSON.parse(String(form.get("payment"))) as { tickets: unknown[] };
    return {
      id: "ojob_hostile",
      status: "succeeded",
      fee: fee.toString(),
      engine: "hostile",
      units: "100",
      outputs: outputs.map((o) => ({ ...o, contentType: "application/octet-stream", size: 15 })),
      payment: { accepted: payment.tickets.length, errors: [] },
    };
  };
}

beforeAll(async () => {
  net = await paymentsNet();
  honest = await net.startEdge({ host: [2], prices: [{ capability: "transcode", pricePerUnit: 1n }] });
  hostile = startHostile(ORCHS[2]!, honest.url);
  internal = startInternal();
  // Only O2 is reachable; O0 and O1 keep the genesis URI (nothing listens there).
  await net.setServiceURIs(hostile.url, [2]);
});
afterAll(async () => {
  hostile?.stop();
  internal?.stop();
  await net?.close();
  for (const d of blobDirs) rmSync(d, { recursive: true, force: true });
});

describe("ticket params and fees (break 1)", () => {
  test("params with a 10 ETH face value and winProb 2^256−1 are refused and the orchestrator suspended; nothing is signed", async () => {
    hostile.behaviour = {
      info: (i) => ({
        ...i,
        ticketParams: {
          ...i.ticketParams,
          faceValue: (10n * ETHER).toString(),
          winProb: MAX_WIN_PROB.toString(),
        },
      }),
    };
    const g = await gateway();
    expect(await discoverOrchestrators(g.deps, { capability: "transcode" })).toEqual([]);
    expect(isOrchestratorSuspended(g.deps, O2)).toBe(true);
    await expect(payForJob(g.deps, { capability: "transcode", units: 64n })).rejects.toMatchObject({
      code: "NO_ORCHESTRATOR_AVAILABLE",
    });
    expect(await getGatewayBalance(g.deps, O2)).toBe(0n);
  });

  test("an EV per ticket above gateway.spend.maxTicketEv is refused, within it the params are used", async () => {
    hostile.behaviour = { info: (i) => i };
    const strict = await gateway({ spend: { maxTicketEv: "999" } }); // the honest EV is 1000 wei
    expect(await discoverOrchestrators(strict.deps, { capability: "transcode" })).toEqual([]);
    expect(isOrchestratorSuspended(strict.deps, O2)).toBe(true);
    const fair = await gateway({ spend: { maxTicketEv: "1000" } });
    expect(
      (await discoverOrchestrators(fair.deps, { capability: "transcode" })).map((d) => d.address),
    ).toEqual([O2]);
  });

  test("a price above the default cap is not bought; per-job and per-round spend caps hold", async () => {
    hostile.behaviour = { info: (i) => i };
    const capped = await gateway({ defaultMaxPrice: { pricePerUnit: "0", pixelsPerUnit: "1" } });
    expect(await discoverOrchestrators(capped.deps, { capability: "transcode" })).toEqual([]);
    expect(isOrchestratorSuspended(capped.deps, O2)).toBe(false); // a price is an offer, not an attack

    const perJob = await gateway({ spend: { maxFeePerJob: "500" } });
    await expect(payForJob(perJob.deps, { capability: "transcode", units: 501n })).rejects.toMatchObject({
      code: "NO_ORCHESTRATOR_AVAILABLE",
    });
    expect((await payForJob(perJob.deps, { capability: "transcode", units: 500n })).fee).toBe(500n);

    // The suite's gateways share one database: the cap is set 2500 wei above what O2 got so far.
    const sent = await perJob.deps.db.select().from(gatewayNonces).where(eq(gatewayNonces.orchestrator, O2));
    const soFar = sent.reduce((sum, r) => sum + BigInt(r.lastNonce) * BigInt(r.ev), 0n);
    const perRound = await gateway({ spend: { maxPerOrchestratorPerRound: (soFar + 2500n).toString() } });
    // EV 1000 a ticket, one ticket a payment: two payments fit, the third would pass the cap.
    for (let i = 0; i < 2; i++) await payForJob(perRound.deps, { capability: "transcode", units: 1000n });
    await expect(payForJob(perRound.deps, { capability: "transcode", units: 1000n })).rejects.toMatchObject({
      code: "NO_ORCHESTRATOR_AVAILABLE",
    });
  });

  test("an inflated fee report is refused: the gateway books its own fee and suspends the orchestrator", async () => {
    hostile.behaviour = { info: (i) => i, job: answer(1_000_000n, []) };
    const g = await gateway();
    const before = await getGatewayBalance(g.deps, O2); // the suite's gateways share one database
    const job = await runJob(g, 100n); // 100 pixels at 1 wei: the gateway's fee is 100 wei
    expect(job.status).toBe("failed");
    expect(job.error?.code).toBe("ORCHESTRATOR_OVERREACH");
    expect(isOrchestratorSuspended(g.deps, O2)).toBe(true);
    // One ticket of EV 1000 went out; the gateway booked 100, not the 1,000,000 reported.
    expect(await getGatewayBalance(g.deps, O2)).toBe(before + 900n);
  });
});

describe("outbound requests (break 2)", () => {
  test("an output URL '@127.0.0.1:PORT/…' stays at the orchestrator's origin: the internal service is never reached", async () => {
    const before = internal.hits.length;
    hostile.behaviour = {
      info: (i) => i,
      job: answer(100n, [{ name: "out", url: `@127.0.0.1:${internal.port}/secret` }]),
    };
    const g = await gateway();
    const job = await runJob(g, 100n);
    expect(hostile.requests).toContain(`/@127.0.0.1:${internal.port}/secret`);
    expect(job.status).toBe("failed"); // the hostile origin has no such output
    expect(internal.hits.length).toBe(before);
  });

  test("an absolute output URL at another origin and a redirect to one are refused", async () => {
    const before = internal.hits.length;
    hostile.behaviour = {
      info: (i) => i,
      job: answer(100n, [{ name: "out", url: `${internal.url}/secret` }]),
    };
    const g = await gateway({ suspendAfterFailures: 10 });
    const absolute = await runJob(g, 100n);
    expect(absolute.status).toBe("failed");
    expect(absolute.error?.code).toBe("PEER_URL_REFUSED");
    expect(isOrchestratorSuspended(g.deps, O2)).toBe(true);

    hostile.behaviour = {
      info: (i) => i,
      job: answer(100n, [{ name: "out", url: "/redirect" }]),
      other: () => Response.redirect(`${internal.url}/secret`, 302),
    };
    const g2 = await gateway();
    const redirected = await runJob(g2, 100n);
    expect(redirected.status).toBe("failed");
    expect(redirected.error?.code).toBe("PEER_REDIRECT_REFUSED");
    expect(internal.hits.length).toBe(before);
  });

  test("service URIs with a query, fragment or credentials, or not http(s), are never fetched", async () => {
    const before = internal.hits.length;
    for (const uri of [
      `${internal.url}/path?x#`,
      `${internal.url}/path#`,
      "file:///etc/passwd",
      "http://internal/path?x#",
    ]) {
      const g = await gateway();
      const ledger = g.deps.ledger;
      g.deps.ledger = { ...ledger, getServiceURI: async (a) => (a === O2 ? uri : ledger.getServiceURI(a)) };
      expect(await discoverOrchestrators(g.deps, { capability: "transcode" })).toEqual([]);
      expect(isOrchestratorSuspended(g.deps, O2)).toBe(true);
    }
    expect(internal.hits.length).toBe(before);
    // The devnet ledger refuses to store them in the first place.
    for (const uri of ["http://internal/path?x#", "file:///etc/passwd", "http://u:p@host/"]) {
      await expect(net.devnet.setServiceURI(O2, uri)).rejects.toMatchObject({ code: "SERVICE_URI_INVALID" });
    }
  });

  test("loopback is refused unless the config allows it", async () => {
    hostile.behaviour = { info: (i) => i };
    const g = await gateway({ outbound: { allowPrivate: [] } });
    expect(await discoverOrchestrators(g.deps, { capability: "transcode" })).toEqual([]);
    expect(isOrchestratorSuspended(g.deps, O2)).toBe(true);
  });
});

describe("unbounded responses (break 3)", () => {
  test("a 600 MB info answer is cut off at the byte limit", async () => {
    const counter = { pulled: 0 };
    hostile.behaviour = { infoBody: () => hugeBody(600 * 1024 * 1024, counter) };
    const g = await gateway({ outbound: { allowPrivate: ["127.0.0.1"], infoMaxBytes: 1024 * 1024 } });
    expect(await discoverOrchestrators(g.deps, { capability: "transcode" })).toEqual([]);
    // Streamed and cancelled: a few MiB at most were ever produced, never 600.
    expect(counter.pulled).toBeLessThan(64 * 1024 * 1024);
    const direct = fetchBounded(
      new URL(`${hostile.url}/v1/orchestrator/info`),
      {},
      { maxBytes: 1024, timeoutMs: 10_000 },
    );
    await expect(direct).rejects.toMatchObject({ code: "PEER_RESPONSE_TOO_LARGE" });
  });

  test("a slow info answer is cut off by one deadline covering the body", async () => {
    hostile.behaviour = { infoBody: () => slowBody(50) };
    const g = await gateway({ outbound: { allowPrivate: ["127.0.0.1"], infoTimeoutMs: 300 } });
    const started = performance.now();
    expect(await discoverOrchestrators(g.deps, { capability: "transcode" })).toEqual([]);
    // The body never ends: only the deadline can end the request.
    expect(performance.now() - started).toBeLessThan(10_000);
    const direct = fetchBounded(
      new URL(`${hostile.url}/v1/orchestrator/info`),
      {},
      { maxBytes: 1 << 20, timeoutMs: 300 },
    );
    await expect(direct).rejects.toMatchObject({ code: "PEER_TIMEOUT" });
  });
});

describe("the gateway's own payment failures (break 12)", () => {
  test("an unlocking sender does not get honest orchestrators suspended", async () => {
    hostile.behaviour = { info: (i) => i };
    const g = await gateway({ suspendAfterFailures: 1 });
    // A real segment: the honest orchestrator probes it before it looks at the payment.
    const dir = mkdtempSync(join(tmpdir(), "unlocking-"));
    const segment = new Uint8Array(
      readFileSync(await makeClip(dir, { width: 64, height: 48, audio: false })),
    );
    rmSync(dir, { recursive: true, force: true });
    // Point the gateway straight at the honest edge, and start the sender's unlock.
    await net.setServiceURIs(honest.url, [2]);
    try {
      await net.devnet.unlock(sender);
      const job = await runJob(g, 100n, segment);
      expect(job.status).toBe("failed");
      expect(isOrchestratorSuspended(g.deps, O2)).toBe(false);
      expect(await getBalance(honest.deps, O2, sender)).toBe(0n);
    } finally {
      await net.devnet.cancelUnlock(sender);
      await net.setServiceURIs(hostile.url, [2]);
    }
  });

  test("a drained sender (no deposit left) does not get honest orchestrators suspended", async () => {
    hostile.behaviour = { info: (i) => i };
    const blobsDir = mkdtempSync(join(tmpdir(), "lp-hostile-blobs-"));
    blobDirs.push(blobsDir);
    // NO_DEPOSIT has a reserve but a deposit of 0: a sender whose deposit was spent.
    const g = await net.startEdge({
      host: [],
      blobsDir,
      sender: NO_DEPOSIT,
      gateway: { suspendAfterFailures: 1 },
    });
    const dir = mkdtempSync(join(tmpdir(), "drained-"));
    const segment = new Uint8Array(
      readFileSync(await makeClip(dir, { width: 64, height: 48, audio: false })),
    );
    rmSync(dir, { recursive: true, force: true });
    await net.setServiceURIs(honest.url, [2]);
    try {
      const job = await runJob(g, 100n, segment);
      // The honest orchestrator was asked and refused the tickets (the sender's deposit cannot
      // back them); the gateway stops there instead of trying, and blaming, the others.
      expect(job.status).toBe("failed");
      expect(job.attempts.map((a) => [a.orchestrator, a.status])).toEqual([[O2, "failed"]]);
      expect(job.error?.code).toBe("PAYMENT_REQUIRED");
      expect(isOrchestratorSuspended(g.deps, O2)).toBe(false);
      expect(await getBalance(honest.deps, O2, addressOf(NO_DEPOSIT))).toBe(0n);
    } finally {
      await net.setServiceURIs(hostile.url, [2]);
    }
  });
});
