import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  discoverOrchestrators,
  isOrchestratorSuspended,
  reportOrchestratorFailure,
  reportOrchestratorSuccess,
  selectForJob,
} from "../../../src/edge/services/gateway/discovery.ts";
import { payForJob, sendPayment } from "../../../src/edge/services/gateway/pay.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import type { RandomSource } from "../../../src/protocol/selection.ts";
import { getInfo } from "../../../src/wire/orchestrator-client.ts";
import { describeOnLedgers } from "../../helpers/ledgers.ts";
import {
  addressOf,
  type Edge,
  GATEWAY,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// Gateway discovery and payment on both ledgers (the devnet, and the real contracts on anvil): the
// active set and service URIs come from the ledger. Real HTTP and signing on a shared 2-core
// machine: allow for load.
setDefaultTimeout(30_000);

const O0 = addressOf(ORCHS[0]!);
const O1 = addressOf(ORCHS[1]!);
const O2 = addressOf(ORCHS[2]!);
const sender = addressOf(GATEWAY);
const RUNNER_TOKEN = "gateway-test-runner-token-1";

/** A random source that always draws `pick(bound)`: first or last eligible candidate. */
const first: RandomSource = () => 0n;
const last: RandomSource = (bound) => bound - 1n;

describeOnLedgers("gateway", (kind) => {
  let net: PaymentsNet;
  let x: Edge; // hosts O0: transcode 1 wei/pixel, upscale/m1 5 wei/pixel
  let y: Edge; // hosts O1: transcode 10 wei/pixel
  let impostor: ReturnType<typeof Bun.serve>; // serves O0's info when asked for O2

  async function gatewayEdge(): Promise<Edge> {
    return net.startEdge({ host: [], gateway: { suspendAfterFailures: 2, infoTtlMs: 60_000 } });
  }

  beforeAll(async () => {
    net = await paymentsNet({ ledger: kind });
    x = await net.startEdge({
      host: [0],
      prices: [
        { capability: "transcode", pricePerUnit: 1n },
        { capability: "upscale", modelId: "m1", pricePerUnit: 5n },
      ],
      runnerTokens: [RUNNER_TOKEN],
    });
    // upscale/m1 is offered only while a runner serves it: its configured price alone advertises nothing.
    const reg = await x.app.request("/runner/v1/register", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${RUNNER_TOKEN}` },
      body: JSON.stringify({
        ffmpeg: null,
        gpus: [],
        onnx: [],
        models: [{ pipeline: "upscale", modelId: "m1", warm: true }],
        capabilities: ["upscale"],
        capacity: 1,
      }),
    });
    expect(reg.status).toBe(200);
    y = await net.startEdge({ host: [1], prices: [{ capability: "transcode", pricePerUnit: 10n }] });
    impostor = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async () => Response.json(await getInfo(x.url, { sender, orchestrator: O0 })),
    });
    await net.setServiceURIs(x.url, [0]);
    await net.setServiceURIs(y.url, [1]);
    await net.setServiceURIs(`http://127.0.0.1:${impostor.port}`, [2]);
  }, 300_000); // deploying the contracts on a loaded machine
  afterAll(async () => {
    impostor?.stop(true);
    await net?.close();
  });

  describe("discovery", () => {
    test("finds active orchestrators with verified info and drops one whose info is not its own", async () => {
      const g = await gatewayEdge();
      const found = await discoverOrchestrators(g.deps, { capability: "transcode" });
      expect(found.map((d) => d.address).sort()).toEqual([O0, O1].sort());
      for (const d of found) {
        expect(d.stake).toBe(await net.ledger.transcoderTotalStake(d.address));
        expect(d.info.sender).toBe(sender);
      }
      expect(found.find((d) => d.address === O0)?.serviceURI).toBe(x.url);
      // O2's URI answers with O0's signed info: rejected, and counted as a failure.
      const logs = await discoverOrchestrators(g.deps, { capability: "transcode" });
      expect(logs.some((d) => d.address === O2)).toBe(false);
      expect(isOrchestratorSuspended(g.deps, O2)).toBe(true);
    });

    test("filters by capability, model and price cap", async () => {
      const g = await gatewayEdge();
      const cheap = await discoverOrchestrators(g.deps, {
        capability: "transcode",
        maxPrice: { pricePerUnit: 5n, pixelsPerUnit: 1n },
      });
      expect(cheap.map((d) => d.address)).toEqual([O0]);
      const upscale = await discoverOrchestrators(g.deps, { capability: "upscale", modelId: "m1" });
      expect(upscale.map((d) => d.address)).toEqual([O0]);
      expect(upscale[0]!.info.priceInfo).toEqual({ pricePerUnit: "5", pixelsPerUnit: "1" });
      expect(await discoverOrchestrators(g.deps, { capability: "upscale", modelId: "m2" })).toEqual([]);
      // Not offering a capability is not a failure.
      expect(isOrchestratorSuspended(g.deps, O1)).toBe(false);
    });

    test("caches info for the TTL, then fetches fresh params", async () => {
      const g = await gatewayEdge();
      const a = await discoverOrchestrators(g.deps, { capability: "transcode" });
      const b = await discoverOrchestrators(g.deps, { capability: "transcode" });
      const seed = (list: typeof a) => list.find((d) => d.address === O0)!.info.ticketParams.seed;
      expect(seed(b)).toBe(seed(a));
      net.clock.advance(60_001);
      const c = await discoverOrchestrators(g.deps, { capability: "transcode" });
      expect(seed(c)).not.toBe(seed(a));
    });
  });

  describe("selection", () => {
    test("skips a suspended orchestrator and takes it back after a success", async () => {
      const g = await gatewayEdge();
      const q = { capability: "transcode" };
      const picks = new Set([
        (await selectForJob(g.deps, q, { random: first })).address,
        (await selectForJob(g.deps, q, { random: last })).address,
      ]);
      expect(picks).toEqual(new Set([O0, O1]));

      reportOrchestratorFailure(g.deps, O1);
      expect(isOrchestratorSuspended(g.deps, O1)).toBe(false); // one failure is not enough (threshold 2)
      reportOrchestratorFailure(g.deps, O1);
      expect(isOrchestratorSuspended(g.deps, O1)).toBe(true);
      for (const random of [first, last])
        expect((await selectForJob(g.deps, q, { random })).address).toBe(O0);

      reportOrchestratorSuccess(g.deps, O1, 5);
      expect(isOrchestratorSuspended(g.deps, O1)).toBe(false);
      // A known session under the latency threshold is preferred over the draw.
      expect((await selectForJob(g.deps, q, { random: first, latencyThresholdMs: 50 })).address).toBe(O1);
      await expect(selectForJob(g.deps, q, { exclude: [O0, O1] })).rejects.toMatchObject({
        code: "NO_ORCHESTRATOR_AVAILABLE",
      });
    });
  });

  describe("paying for a job", () => {
    test("payForJob prices the work, signs enough tickets, and the orchestrator credits them", async () => {
      const g = await gatewayEdge();
      const units = 123_456n;
      const jp = await payForJob(g.deps, {
        capability: "transcode",
        units,
        maxPrice: { pricePerUnit: 2n, pixelsPerUnit: 1n },
      });
      expect(jp.orchestrator.address).toBe(O0);
      expect(jp.fee).toBe(units); // 1 wei per pixel
      const ev = jp.created.ev;
      expect(jp.created.tickets).toBe(Number((units + ev - 1n) / ev));
      expect(jp.created.balance).toBe(jp.created.totalEv - jp.fee);
      const before = await getBalance(x.deps, O0, sender);
      const r = await sendPayment(g.deps, jp.orchestrator.serviceURI, jp.created);
      expect(r.accepted).toBe(jp.created.tickets);
      expect(BigInt(r.credit)).toBe(jp.created.totalEv);
      expect(await getBalance(x.deps, O0, sender)).toBe(before + jp.created.totalEv);
      expect(await getGatewayBalance(g.deps, O0)).toBe(jp.created.totalEv - jp.fee);

      // The next job uses the credit left over first.
      const small = await payForJob(
        g.deps,
        { capability: "transcode", fee: 1n, maxPrice: { pricePerUnit: 2n, pixelsPerUnit: 1n } },
        {},
      );
      expect(small.created.tickets).toBe(1); // minTickets
      // Same cached params within the TTL: nonces continue after the first payment's.
      expect(small.payment.ticketParams.recipientRandHash).toBe(jp.payment.ticketParams.recipientRandHash);
      expect(small.payment.tickets[0]!.senderNonce).toBe(String(jp.created.tickets + 1));
    });
  });
});
