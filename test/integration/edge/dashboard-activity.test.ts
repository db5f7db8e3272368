import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import { signStakingRequest } from "../../../src/client/staking.ts";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import { percOf } from "../../../src/protocol/math.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { DEVNET_CHAIN_ID } from "../../../src/wire/staking.ts";
import { devnetOf, genesisAccount, genesisKey, makeEdge, type TestEdge } from "../../helpers/edge.ts";

// The dashboard's newer sections against a real devnet edge hosting orchestrator 1 (its scheduler
// tick calls reward() for 1 only): per-round earnings kept/shared, cut history, runners, the
// delegator's per-round history and CSV, the gateway and jobs pages, the served assets, and the
// what-if simulator, whose figures must equal the devnet's after the same rounds.
const RUNNER_TOKEN = "dashboard-runner-token-0001";
let edge: TestEdge;
const addr = (i: number) => genesisAccount(i).address.toLowerCase() as Address;
const [o1, d4] = [addr(1), addr(4)];

async function html(path: string): Promise<string> {
  const res = await edge.app.request(path);
  expect(res.status).toBe(200);
  return res.text();
}
const attrs = (text: string, tag: RegExp, name: string) =>
  [...text.matchAll(tag)].map((m) => new RegExp(`${name}="([^"]*)"`).exec(m[0])?.[1]);

async function roundWithReward() {
  await devnetOf(edge).advanceRound();
  await tick(edge.deps);
}

beforeAll(async () => {
  edge = await makeEdge({
    orchestrators: [
      {
        privateKey: genesisKey(1),
        serviceURI: "http://127.0.0.1:9",
        runnerTokens: [RUNNER_TOKEN],
        prices: [{ capability: "transcode", pricePerUnit: "1200", pixelsPerUnit: "1" }],
      },
    ],
    gateway: { senderPrivateKey: genesisKey(0) },
  });
  await tick(edge.deps);
  await roundWithReward();
  const reg = await edge.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${RUNNER_TOKEN}` },
    body: JSON.stringify({
      ffmpeg: {
        path: "/usr/bin/ffmpeg",
        version: "7.1",
        source: "system",
        encoders: ["libx264"],
        hwaccels: [],
      },
      gpus: [{ name: "Test GPU", memoryMiB: 8192, driver: "550.1" }],
      onnx: [],
      models: [{ pipeline: "image-to-text", modelId: "tiny-colour", warm: true }],
      capabilities: ["transcode", "image-to-text"],
      capacity: 2,
    }),
  });
  expect(reg.status).toBe(200);
});
afterAll(() => edge.close());

describe("dashboard: orchestrator activity", () => {
  test("per-round earnings: each Reward event's amount, split by the round pool's cut", async () => {
    const page = await html(`/dashboard/orchestrators/${o1}`);
    const events = (await edge.deps.ledger.getEvents({ name: "Reward", address: o1 })).filter(
      (e) => String(e.args.transcoder).toLowerCase() === o1,
    );
    expect(events.length).toBe(2);
    const rows = [...page.matchAll(/<tr data-round="(\d+)" data-rewards="(\d+)" data-reward-kept="(\d+)"/g)];
    expect(rows.map((r) => r[1])).toEqual(events.map((e) => e.round.toString()).reverse());
    for (const [, round, rewards, kept] of rows) {
      const e = events.find((x) => x.round.toString() === round)!;
      expect(rewards).toBe(String(e.args.amount));
      const pool = await edge.deps.ledger.getTranscoderEarningsPoolForRound(o1, BigInt(round!));
      expect(BigInt(kept!)).toBe(percOf(BigInt(rewards!), pool.transcoderRewardCut));
      expect(pool.transcoderRewardCut).toBeGreaterThan(0n);
    }
    // The chart is drawn from the same rows; uPlot is served by the edge.
    expect(page).toContain('id="earnings-chart"');
    expect(page).toContain('src="/dashboard/assets/uplot/uPlot.iife.min.js"');
  });

  test("a cut change signed with the orchestrator's key appears in the cut history", async () => {
    const account = privateKeyToAccount(genesisKey(1));
    const body = await signStakingRequest(account, {
      action: "transcoder",
      args: { rewardCut: "150000", feeShare: "400000" },
      chainId: DEVNET_CHAIN_ID,
    });
    const res = await edge.app.request("/v1/staking/transcoder", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const round = (await edge.deps.ledger.currentRound()).toString();
    const page = await html(`/dashboard/orchestrators/${o1}`);
    const cuts = attrs(
      page,
      /<tr data-round="\d+" data-reward-cut="\d+" data-fee-share="\d+">/g,
      "data-reward-cut",
    );
    const rounds = attrs(
      page,
      /<tr data-round="\d+" data-reward-cut="\d+" data-fee-share="\d+">/g,
      "data-round",
    );
    // Newest first: this round's 15% / 40%, then genesis' registration.
    expect(cuts[0]).toBe("150000");
    expect(rounds[0]).toBe(round);
    expect(cuts.length).toBeGreaterThanOrEqual(2);
    expect(page).toContain('data-value="150000"');
  });

  test("runners: GPU, encoders, models and the last heartbeat of the registered runner", async () => {
    const page = await html(`/dashboard/orchestrators/${o1}`);
    expect(page).toMatch(/<tr data-runner="[^"]+" data-live="true">/);
    expect(page).toContain("Test GPU (8192 MiB, 550.1)");
    expect(page).toContain("FFmpeg 7.1: libx264");
    expect(page).toContain("image-to-text/tiny-colour (warm)");
    // Tickets: none yet, and the queue is empty (real tickets are in the browser test's network).
    expect(page).toMatch(/id="tickets"[\s\S]*?data-value="0"/);
    expect(page).toContain('id="queue-empty"');
  });
});

describe("dashboard: delegator history, CSV, gateway, jobs, assets", () => {
  test("the delegator's per-round history ends at the API's pending stake; the CSV has the same rows", async () => {
    const page = await html(`/dashboard/delegators/${d4}`);
    const pending = (await edge.deps.ledger.pendingStake(d4)).toString();
    const stakes = attrs(page, /<tr data-round="\d+" data-stake="\d+"/g, "data-stake");
    expect(stakes[0]).toBe(pending);
    const res = await edge.app.request(`/dashboard/delegators/${d4}/earnings.csv`);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe(
      "kind,start_round,end_round,orchestrator,reward_wei,fees_wei,pending_stake_wei,pending_fees_wei",
    );
    const roundRows = lines.filter((l) => l.startsWith("round,"));
    expect(roundRows.length).toBe(stakes.length);
    expect(roundRows.at(-1)?.split(",")[6]).toBe(pending);
    // Each round's reward is the step between consecutive pending stakes, and it is positive: 1 rewarded.
    for (const row of roundRows) expect(BigInt(row.split(",")[4]!)).toBeGreaterThan(0n);
  });

  test("the gateway page shows this node's sender's deposit and reserve as the ledger has them", async () => {
    const page = await html("/dashboard/gateway");
    const info = await edge.deps.ledger.getSenderInfo(addr(0));
    expect(page).toMatch(new RegExp(`id="broker"[\\s\\S]*?data-value="${info.sender.deposit}"`));
    expect(page).toContain(`data-value="${info.reserve.fundsRemaining}"`);
    expect(page).toContain('data-action="fundDepositAndReserve"');
    const other = await html(`/dashboard/gateway?address=${addr(5)}`);
    expect(other).toContain("not this node's sender");
    expect((await edge.app.request("/dashboard/gateway?address=0x12")).status).toBe(400);
  });

  test("the jobs page renders its queue and tables", async () => {
    const page = await html("/dashboard/jobs");
    expect(page).toMatch(/id="queue"[\s\S]*?data-value="0"/);
    expect(page).toContain('id="gateway-stats-empty"');
  });

  test("assets: uPlot, the dashboard's scripts and the signing modules come from the edge; nothing else does", async () => {
    const ok = [
      ["/dashboard/assets/uplot/uPlot.iife.min.js", "uPlot"],
      ["/dashboard/assets/uplot/uPlot.min.css", ".uplot"],
      ["/dashboard/assets/app/charts.js", "data-chart"],
      ["/dashboard/assets/app/actions.js", "eth_signTypedData_v4"],
      ["/dashboard/assets/noble-curves/secp256k1.js", "secp256k1"],
      ["/dashboard/assets/noble-curves/abstract/weierstrass.js", "weierstrass"],
      ["/dashboard/assets/noble-hashes/sha3.js", "keccak_256"],
    ];
    for (const [path, marker] of ok) {
      const res = await edge.app.request(path!);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(marker!);
    }
    for (const path of [
      "/dashboard/assets/uplot/uPlot.cjs.js",
      "/dashboard/assets/uplot/..%2Fpackage.json",
      "/dashboard/assets/noble-curves/../../../package.json",
      "/dashboard/assets/app/../assets.ts",
      "/dashboard/assets/other/x.js",
    ]) {
      expect((await edge.app.request(path)).status).toBe(404);
    }
  });
});

describe("dashboard: the what-if simulator", () => {
  test("its figures equal the devnet's after the same rounds (100% reward calls, no other caller)", async () => {
    const rounds = 3;
    const page = await html(`/dashboard/delegators/${d4}/simulate?rounds=${rounds}&ratio=100&others=0`);
    const simulated = attrs(page, /<tr data-i="\d+" data-sim-stake="\d+"/g, "data-sim-stake");
    expect(simulated.length).toBe(rounds);
    const before = await edge.deps.ledger.pendingStake(d4);
    const actual: string[] = [];
    for (let i = 0; i < rounds; i++) {
      await roundWithReward();
      actual.push((await edge.deps.ledger.pendingStake(d4)).toString());
    }
    expect(actual).toEqual(simulated as string[]);
    expect(BigInt(actual.at(-1)!)).toBeGreaterThan(before);
    expect(/id="sim-final" data-value="(\d+)"/.exec(page)?.[1]).toBe(actual.at(-1));
  });

  test("a new principal, a lower call ratio and a cut change give smaller figures; bad input is a 400", async () => {
    const full = await html(
      `/dashboard/delegators/${d4}/simulate?rounds=10&ratio=100&others=0&principal=1000`,
    );
    const half = await html(
      `/dashboard/delegators/${d4}/simulate?rounds=10&ratio=50&others=0&principal=1000&rewardCut=50&cutFrom=3`,
    );
    const final = (p: string) => BigInt(/id="sim-final" data-value="(\d+)"/.exec(p)?.[1] ?? "0");
    expect(final(full)).toBeGreaterThan(1000n * 10n ** 18n);
    expect(final(half)).toBeLessThan(final(full));
    expect(half.match(/<span class="bad">missed<\/span>/g)?.length).toBe(5);
    for (const q of ["rounds=0", "ratio=101", "principal=abc", "orchestrator=0x12"]) {
      expect((await edge.app.request(`/dashboard/delegators/${d4}/simulate?${q}`)).status).toBe(400);
    }
  });
});
