import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import { devnetOf, genesisAccount, genesisKey, json, makeEdge, type TestEdge } from "../../helpers/edge.ts";

// The dashboard's HTML against the default genesis: 1, 2, 3 active (cuts 10%, 25%, 5%), 7 below
// the set. The edge hosts orchestrator 1 and prices transcoding and upscale (no runner serves upscale
// at first); its scheduler calls reward() for 1 only.
let edge: TestEdge;
const RUNNER_TOKEN = "dashboard-runner-token-00001";
const addr = (i: number) => genesisAccount(i).address.toLowerCase();
const [o1, o2, o3, o7] = [addr(1), addr(2), addr(3), addr(7)];

beforeAll(async () => {
  edge = await makeEdge({
    orchestrators: [
      {
        privateKey: genesisKey(1),
        serviceURI: "http://127.0.0.1:9",
        prices: [
          { capability: "transcode", pricePerUnit: "1200", pixelsPerUnit: "1" },
          { capability: "upscale", pricePerUnit: "900", pixelsPerUnit: "1" },
        ],
        runnerTokens: [RUNNER_TOKEN],
      },
    ],
  });
  // Round r0 rewarded by 1; the next round initialized and rewarded by 1 too; 2 and 3 never call.
  await tick(edge.deps);
  await devnetOf(edge).advanceRound();
  await tick(edge.deps);
});
afterAll(() => edge.close());

async function page(path: string): Promise<string> {
  const res = await edge.app.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const html = await res.text();
  expect(html.startsWith("<!doctype html>")).toBe(true);
  // Nothing reaches beyond the edge: scripts only from its own assets, no external URL.
  for (const tag of html.match(/<script[^>]*>/g) ?? []) {
    expect(tag).toMatch(/^<script (type="importmap"|(type="module" )?src="\/dashboard\/assets\/[^"]+")/);
  }
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  expect(html).not.toMatch(/"https?:\/\/(?!127\.0\.0\.1)/);
  return html;
}

const rowAddresses = (html: string) =>
  [...html.matchAll(/<tr data-address="(0x[0-9a-f]{40})"/g)].map((m) => m[1]);
const attr = (html: string, id: string, name = "data-value") =>
  new RegExp(`id="${id}"[\\s\\S]*?${name}="([^"]*)"`).exec(html)?.[1];

describe("dashboard pages", () => {
  test("the overview shows the ledger's round, inflation, supply and the top orchestrators", async () => {
    const html = await page("/dashboard");
    const l = edge.deps.ledger;
    const round = await json<Record<string, string | boolean>>(await edge.app.request("/v1/protocol/round"));
    expect(attr(html, "round")).toBe(round.currentRound as string);
    expect(html).toContain(`data-value="${String(round.initialized)}"`);
    expect(attr(html, "inflation")).toBe((await l.inflation()).toString());
    expect(html).toContain(`data-value="${(await l.getTotalBonded()).toString()}"`);
    expect(html).toContain(`data-minted="${(await l.currentMintedTokens()).toString()}"`);
    expect(html).toContain(`data-mintable="${(await l.currentMintableTokens()).toString()}"`);
    // A manual devnet has no block time: the countdown says so instead of guessing.
    expect(html).toContain("rounds advance on request");
    expect(rowAddresses(html)).toEqual([o1, o2, o3]);
    // 1 called reward() in this round, so minted is above zero.
    expect(await l.currentMintedTokens()).toBeGreaterThan(0n);
  });

  test("the orchestrators table carries the JSON API's figures", async () => {
    const html = await page("/dashboard/orchestrators");
    const api = await json<{ orchestrators: Record<string, string>[] }>(
      await edge.app.request("/v1/protocol/orchestrators"),
    );
    expect(rowAddresses(html)).toEqual(api.orchestrators.map((o) => o.address));
    for (const o of api.orchestrators) {
      const row = new RegExp(`<tr data-address="${o.address}"[^>]*>`).exec(html)?.[0] ?? "";
      expect(row).toContain(`data-stake="${o.totalStake}"`);
      expect(row).toContain(`data-reward-cut="${o.rewardCut}"`);
      expect(row).toContain(`data-fee-share="${o.feeShare}"`);
      expect(row).toContain(`data-last-reward-round="${o.lastRewardRound}"`);
    }
    expect(html).toContain("transcode: 1200 wei / 1 px");
    // Configured, but no runner serves it: not advertised, so not shown.
    expect(html).not.toContain('data-capability="upscale"');
  });

  test("filters: cut below X, 100% reward calls, pipeline; sorting by cut", async () => {
    expect(rowAddresses(await page("/dashboard/orchestrators?cutBelow=20"))).toEqual([o1, o3]);
    expect(rowAddresses(await page("/dashboard/orchestrators?cutBelow=5"))).toEqual([]);
    expect(rowAddresses(await page("/dashboard/orchestrators?cutBelow=5.0001"))).toEqual([o3]);
    const full = await page("/dashboard/orchestrators?ratio=100&window=30");
    expect(rowAddresses(full)).toEqual([o1]);
    expect(full).toContain('data-ratio30="2/2"');
    expect(rowAddresses(await page("/dashboard/orchestrators?pipeline=transcode"))).toEqual([o1]);
    expect(rowAddresses(await page("/dashboard/orchestrators?pipeline=upscale"))).toEqual([]);
    expect(rowAddresses(await page("/dashboard/orchestrators?sort=cut&order=asc"))).toEqual([o3, o1, o2]);
    expect(rowAddresses(await page("/dashboard/orchestrators?sort=ratio30"))).toEqual([o1, o2, o3]);
    // The next round's pool leaves 7 out too (below the set).
    expect(rowAddresses(await page("/dashboard/orchestrators?set=next"))).not.toContain(o7);
  });

  test("bad query values are problem+json 400s", async () => {
    for (const q of ["cutBelow=abc", "cutBelow=101", "ratio=90", "window=7&ratio=100", "sort=x", "set=all"]) {
      const res = await edge.app.request(`/dashboard/orchestrators?${q}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await json(res)).toMatchObject({ code: "VALIDATION_FAILED" });
    }
  });

  test("the detail page's timeline marks rewarded, missed (never backfilled) and pending rounds", async () => {
    const current = await edge.deps.ledger.currentRound();
    const one = await page(`/dashboard/orchestrators/${o1}`);
    expect(one).toContain(`<tr data-round="${current}" data-status="rewarded">`);
    expect(one).toContain(`<tr data-round="${current - 1n}" data-status="rewarded">`);
    // Active with no deactivation scheduled: the far-future sentinel round is not shown.
    expect(one).not.toContain(" until ");
    const two = await page(`/dashboard/orchestrators/${o2}`);
    expect(two).toContain(`<tr data-round="${current}" data-status="pending">`);
    expect(two).toContain(`<tr data-round="${current - 1n}" data-status="missed">`);
    expect(two).toContain("never backfilled");
    const api = await json<{ rewardHistory: { round: string; status: string }[] }>(
      await edge.app.request(`/v1/protocol/orchestrators/${o2}`),
    );
    for (const h of api.rewardHistory)
      expect(two).toContain(`data-round="${h.round}" data-status="${h.status}"`);
  });

  test("detail: 404 for an unregistered address, 400 for a malformed one", async () => {
    const missing = await edge.app.request(
      "/dashboard/orchestrators/0x00000000000000000000000000000000000000aa",
    );
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ code: "ORCHESTRATOR_NOT_FOUND" });
    const bad = await edge.app.request("/dashboard/orchestrators/0x1234");
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ code: "INVALID_ADDRESS" });
  });

  test("the delegator page: stake and pending figures as the API has them, and the claim-timing warning", async () => {
    // 4 delegates to 1, which called reward() this round: no warning.
    const d4 = addr(4);
    const four = await page(`/dashboard/delegators/${d4}`);
    const api4 = await json<Record<string, string>>(await edge.app.request(`/v1/protocol/delegators/${d4}`));
    for (const k of ["bondedAmount", "pendingStake", "pendingFees", "lastClaimRound"] as const) {
      expect(four).toContain(`data-value="${api4[k]}"`);
    }
    expect(four).toContain('id="claim-ok"');
    expect(four).not.toContain('id="claim-warning"');
    expect(four).toContain('id="no-locks"');
    // 5 delegates to 2, which has not called reward() this round: the warning is up, as in the API.
    const five = await page(`/dashboard/delegators/${addr(5)}`);
    expect(five).toContain('id="claim-warning"');
    expect(five).toContain('data-code="CLAIM_BEFORE_REWARD"');
    // 6 unbonds part of its stake: the lock shows with its withdraw round, not yet withdrawable.
    const d6 = addr(6) as `0x${string}`;
    await edge.deps.ledger.unbond(d6, 10n ** 18n);
    const six = await page(`/dashboard/delegators/${d6}`);
    const api6 = await json<{ unbondingLocks: { id: string; amount: string; withdrawRound: string }[] }>(
      await edge.app.request(`/v1/protocol/delegators/${d6}`),
    );
    expect(api6.unbondingLocks.length).toBe(1);
    const lock = api6.unbondingLocks[0]!;
    expect(six).toContain(`<tr data-lock="${lock.id}" data-withdrawable="false">`);
    expect(six).toContain(`data-amount="${lock.amount}"`);
    expect(six).toContain(`<td class="num">${lock.withdrawRound}</td>`);
  });

  test("the delegator lookup form redirects to the address's page; bad addresses are 400s", async () => {
    expect(await page("/dashboard/delegators")).toContain('name="address"');
    const res = await edge.app.request(
      `/dashboard/delegators?address=${addr(4).toUpperCase().replace("0X", "0x")}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/dashboard/delegators/${addr(4)}`);
    for (const path of ["/dashboard/delegators?address=0x12", "/dashboard/delegators/nope"]) {
      const bad = await edge.app.request(path);
      expect(bad.status).toBe(400);
      expect(await json(bad)).toMatchObject({ code: "INVALID_ADDRESS" });
    }
  });
});

test("the orchestrator pages show what it advertises: a runner's model appears with its price", async () => {
  const reg = await edge.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${RUNNER_TOKEN}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [
        { pipeline: "upscale", modelId: "m1", warm: true, price: { pricePerUnit: "4", pixelsPerUnit: "1" } },
      ],
      capabilities: ["upscale"],
      capacity: 1,
    }),
  });
  expect(reg.status).toBe(200);
  const info = await json<{ prices: { capability: string; modelId?: string; pricePerUnit: string }[] }>(
    await edge.app.request(`/v1/orchestrator/info?sender=${genesisAccount(0).address}&orchestrator=${o1}`),
  );
  const shown = (html: string) =>
    [...html.matchAll(/<span data-capability="([^"]+)">([^<]*)<\/span>/g)].map((m) => m[2]).sort();
  const want = info.prices
    .map(
      (p) =>
        `${p.capability}${p.modelId ? ` (${p.modelId})` : ""}: ${p.pricePerUnit} wei / 1 ${p.capability === "transcode" ? "px" : "unit"}`,
    )
    .sort();
  expect(want).toEqual([
    "transcode: 1200 wei / 1 px",
    "upscale (m1): 4 wei / 1 unit",
    "upscale: 900 wei / 1 unit",
  ]);
  const detail = await page(`/dashboard/orchestrators/${o1}`);
  expect(detail).toContain("Price per pipeline (advertised)");
  expect(shown(detail)).toEqual(want);
  const table = await page("/dashboard/orchestrators");
  const row = new RegExp(`<tr data-address="${o1}"[\\s\\S]*?</tr>`).exec(table)?.[0] ?? "";
  expect(shown(row)).toEqual(want);
  expect(rowAddresses(await page("/dashboard/orchestrators?pipeline=upscale"))).toEqual([o1]);
});
