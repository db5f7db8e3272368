import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import { createApp } from "../../../src/edge/app.ts";
import { METRIC, METRICS } from "../../../src/edge/metrics.ts";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { enqueueJob, leaseJob } from "../../../src/edge/services/jobs/queue.ts";
import { registerRunner } from "../../../src/edge/services/jobs/runners.ts";
import type { Address } from "../../../src/protocol/types.ts";
import type { Capabilities } from "../../../src/wire/capabilities.ts";
import { getInfo, sendTickets } from "../../../src/wire/orchestrator-client.ts";
import { jobsTestEnv, ORCH_ADDRESS, ORCH_KEY, RUNNER_TOKEN } from "../../helpers/jobs.ts";
import { addressOf, GATEWAY, ORCHS, type PaymentsNet, paymentsNet } from "../../helpers/payments.ts";

// Real devnet and HTTP on a shared 2-core machine: allow for load.
setDefaultTimeout(30_000);

/** The value of one series in a Prometheus text page, or undefined when absent. */
function sample(text: string, series: string): string | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line?.slice(series.length + 1);
}

/** wei as the exact gwei decimal the page shows. */
const gwei = (wei: bigint) => {
  const s = wei.toString().padStart(10, "0");
  const frac = s.slice(-9).replace(/0+$/, "");
  return `${s.slice(0, -9)}${frac ? `.${frac}` : ""}`;
};

describe("/metrics", () => {
  let net: PaymentsNet | undefined;
  afterAll(() => net?.close());

  test("lists HELP and TYPE of every declared metric, and payment gauges read the ledger", async () => {
    net = await paymentsNet();
    const edge = await net.startEdge({ host: [0], ticket: { faceValue: 5_000_000n, ev: 1_234_567n } });
    await net.setServiceURIs(edge.url, [0]);
    const O0 = addressOf(ORCHS[0]!);
    const text0 = await (await fetch(`${edge.url}/metrics`)).text();
    for (const d of Object.values(METRICS)) {
      expect(text0).toContain(`# HELP ${d.name} ${d.help}`);
      expect(text0).toContain(`# TYPE ${d.name} ${d.kind}\n`);
    }

    const sender = GATEWAY.address.toLowerCase() as Address;
    const info = await getInfo(edge.url, { sender, orchestrator: O0 });
    const created = await createPayment(edge.deps, info, 1n, { minTickets: 2 });
    const r = await sendTickets(edge.url, created.json);
    expect(r.accepted).toBe(2);

    const text = await (await fetch(`${edge.url}/metrics`)).text();
    expect(sample(text, `${METRIC.ticketsReceived}{orchestrator="${O0}"}`)).toBe("2");
    expect(sample(text, `${METRIC.ticketValueReceivedWei}{orchestrator="${O0}"}`)).toBe(
      gwei(2n * 1_234_567n),
    );
    const ledger = await edge.deps.ledger.getSenderInfo(sender);
    expect(ledger.sender.deposit).toBeGreaterThan(0n);
    expect(sample(text, `${METRIC.senderDeposit}{sender="${sender}"}`)).toBe(gwei(ledger.sender.deposit));
    expect(sample(text, `${METRIC.senderReserve}{sender="${sender}"}`)).toBe(
      gwei(ledger.reserve.fundsRemaining),
    );
  });

  test("queue depth, runners, their capacity, load and free capacity follow jobs and leases", async () => {
    const env = await jobsTestEnv();
    try {
      const { deps } = env;
      deps.keys.orchestrators.set(ORCH_ADDRESS, privateKeyToAccount(ORCH_KEY));
      const app = createApp(deps);
      const o = ORCH_ADDRESS.toLowerCase();
      const scrape = async () => {
        const text = await (await app.request("/metrics")).text();
        return {
          queued: sample(text, `${METRIC.queueDepth}{orchestrator="${o}",status="queued"}`),
          leased: sample(text, `${METRIC.queueDepth}{orchestrator="${o}",status="leased"}`),
          runners: sample(text, `${METRIC.runners}{orchestrator="${o}"}`),
          capacity: sample(text, `${METRIC.runnersCapacity}{orchestrator="${o}"}`),
          load: sample(text, `${METRIC.runnersLoad}{orchestrator="${o}"}`),
          free: sample(text, `${METRIC.runnersFreeCapacity}{orchestrator="${o}"}`),
        };
      };
      expect(await scrape()).toEqual({
        queued: "0",
        leased: "0",
        runners: "0",
        capacity: "0",
        load: "0",
        free: "0",
      });

      const caps: Capabilities = {
        ffmpeg: null,
        gpus: [],
        onnx: [],
        models: [],
        capabilities: ["upscale"],
        capacity: 3,
      };
      const runner = await registerRunner(deps, RUNNER_TOKEN, caps);
      const spec = { kind: "ai", pipeline: "upscale", modelId: "", files: {}, params: {} } as const;
      await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
      await enqueueJob(deps, { orchestrator: ORCH_ADDRESS, spec, inputs: [] });
      expect(await scrape()).toEqual({
        queued: "2",
        leased: "0",
        runners: "1",
        capacity: "3",
        load: "0",
        free: "3",
      });

      const lease = await leaseJob(deps, {
        runnerId: runner.id,
        orchestrator: ORCH_ADDRESS,
        capabilities: ["upscale"],
      });
      expect(lease).not.toBeNull();
      expect(await scrape()).toEqual({
        queued: "1",
        leased: "1",
        runners: "1",
        capacity: "3",
        load: "1",
        free: "2",
      });
    } finally {
      env.close();
    }
  });
});
