import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { formatUnits } from "../../src/edge/ui/format.ts";
import {
  expectOnlyLoopback,
  findChromium,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.ts";
import {
  type EdgeProcess,
  genesisAccount,
  genesisKey,
  json,
  startEdgeProcess,
  tempDir,
} from "../helpers/edge.ts";

// A real Bun edge on the default devnet (rounds advance on request; its scheduler calls reward() for
// the hosted orchestrator 1) and a real Chromium. The dashboard's figures must equal the JSON API's,
// its filter form must narrow the table, and every request must stay on loopback.
// KEEP_SCREENSHOTS=<dir> keeps copies of the screenshots for a human to look at.

interface RewardRoundJson {
  round: string;
  status: "rewarded" | "missed" | "pending";
  amount?: string;
}
interface OrchestratorJson {
  address: string;
  totalStake: string;
  rewardCut: string;
  lastRewardRound: string;
  rewardHistory: RewardRoundJson[];
}

const orch1 = genesisAccount(1).address.toLowerCase();
const chromium = await findChromium();
if (!chromium.ok) console.warn(`dashboard-browser: skipped: ${chromium.reason}`);

describe.skipIf(!chromium.ok)(
  chromium.ok
    ? `the dashboard in a real browser (offline; ${chromium.source})`
    : `the dashboard in a browser [skipped: ${chromium.reason}]`,
  () => {
    const tmp = tempDir("dashboard-browser-");
    let edge: EdgeProcess;
    let round: string;

    const api = async <T>(path: string) => json<T>(await fetch(`${edge.url}${path}`));
    const orchestrators = async () =>
      (await api<{ orchestrators: OrchestratorJson[] }>("/v1/protocol/orchestrators")).orchestrators;

    beforeAll(async () => {
      edge = await startEdgeProcess("bun", {
        DATABASE_URL: `file:${join(tmp.dir, "edge.db")}`,
        ROUND_SECONDS: "0",
        ORCHESTRATOR_KEYS: genesisKey(1),
        SCHEDULER_INTERVAL_MS: "200",
      });
      // Wait (on the API, not a timer) until the scheduler has called reward() for 1 in this round.
      const deadline = Date.now() + 60_000;
      for (;;) {
        round = (await api<{ currentRound: string }>("/v1/protocol/round")).currentRound;
        const o1 = (await orchestrators()).find((o) => o.address === orch1);
        if (o1?.lastRewardRound === round) break;
        if (Date.now() > deadline) throw new Error(`orchestrator 1 never rewarded:\n${edge.output()}`);
        await Bun.sleep(100);
      }
    });

    afterAll(async () => {
      await edge?.stop();
      tmp.cleanup();
    });

    const rowAddresses = (b: TestBrowser) =>
      b.page
        .locator("#orchestrators tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-address")));

    test("from the landing page to the overview: the round and the top orchestrators as the API has them", async () => {
      const b = await launchBrowser(chromium);
      try {
        await b.page.goto(`${edge.url}/`);
        const started = performance.now();
        await Promise.all([
          b.page.waitForURL(`${edge.url}/dashboard`),
          b.page.getByRole("link", { name: "Dashboard" }).click(),
        ]);
        const renderMs = performance.now() - started;
        await expect(b.page.locator("#round dd").first().textContent()).resolves.toBe(round);
        const list = await orchestrators();
        expect(await rowAddresses(b)).toEqual(list.map((o) => o.address).slice(0, 5));
        // The stake cell shows the API's exact figure in LPT.
        const first = list[0]!;
        const stakeCell = b.page.locator(`#orchestrators tr[data-address="${first.address}"] td`).nth(1);
        expect((await stakeCell.textContent())?.trim()).toBe(formatUnits(BigInt(first.totalStake), "LPT"));
        // Orchestrator 1 called reward() this round: minted is above zero.
        expect(
          BigInt((await b.page.locator("#supply dd[data-minted]").getAttribute("data-minted")) ?? "0"),
        ).toBeGreaterThan(0n);
        const bytes = (await (await fetch(`${edge.url}/dashboard`)).arrayBuffer()).byteLength;
        console.info(
          `dashboard-browser: /dashboard ${bytes} bytes, navigation to render ${renderMs.toFixed(0)} ms`,
        );
        expect(bytes).toBeLessThan(50_000);
        expectOnlyLoopback(b, edge.url);
        await screenshot(b, "dashboard-overview.png", true);
      } finally {
        await b.close();
      }
    });

    test("the orchestrators' filter form narrows the table: cut below 20%, then 100% reward calls", async () => {
      const b = await launchBrowser(chromium);
      try {
        await b.page.goto(`${edge.url}/dashboard/orchestrators`);
        const list = await orchestrators();
        expect(await rowAddresses(b)).toEqual(list.map((o) => o.address));

        await b.page.getByLabel("Reward cut below (%)").fill("20");
        await Promise.all([
          b.page.waitForURL(/cutBelow=20/),
          b.page.getByRole("button", { name: "Apply" }).click(),
        ]);
        const cheap = list.filter((o) => BigInt(o.rewardCut) < 200_000n).map((o) => o.address);
        expect(cheap.length).toBeGreaterThan(0);
        expect(cheap.length).toBeLessThan(list.length);
        expect(await rowAddresses(b)).toEqual(cheap);
        expect(await b.page.locator("#count").textContent()).toBe(
          `${cheap.length} of ${list.length} orchestrators`,
        );

        // 100% over 30 rounds, from the API's history (it covers every round here: fewer than 10).
        await b.page.getByLabel("Reward cut below (%)").fill("");
        await b.page.getByLabel("100% reward calls").check();
        await Promise.all([
          b.page.waitForURL(/ratio=100/),
          b.page.getByRole("button", { name: "Apply" }).click(),
        ]);
        const full = list
          .filter((o) => {
            expect(o.rewardHistory.length).toBeLessThan(10);
            const counted = o.rewardHistory.filter((h) => h.status !== "pending");
            return counted.length > 0 && counted.every((h) => h.status === "rewarded");
          })
          .map((o) => o.address);
        expect(full).toContain(orch1);
        expect(await rowAddresses(b)).toEqual(full);

        // Sorting by reward cut, lowest first, through the column heading (twice: desc, then asc).
        await b.page.goto(`${edge.url}/dashboard/orchestrators`);
        await Promise.all([
          b.page.waitForURL(/sort=cut&order=desc/),
          b.page.locator('a[data-sort="cut"]').click(),
        ]);
        await Promise.all([
          b.page.waitForURL(/sort=cut&order=asc/),
          b.page.locator('a[data-sort="cut"]').click(),
        ]);
        const byCut = [...list].sort((x, y) => Number(BigInt(x.rewardCut) - BigInt(y.rewardCut)));
        expect(await rowAddresses(b)).toEqual(byCut.map((o) => o.address));
        expectOnlyLoopback(b, edge.url);
        await screenshot(b, "dashboard-orchestrators.png", true);
      } finally {
        await b.close();
      }
    });

    test("the orchestrator page's timeline shows this round's reward() with the API's amount, on a phone too", async () => {
      const b = await launchBrowser(chromium);
      try {
        await b.page.setViewportSize({ width: 390, height: 844 });
        await b.page.goto(`${edge.url}/dashboard/orchestrators`);
        await Promise.all([
          b.page.waitForURL(`${edge.url}/dashboard/orchestrators/${orch1}`),
          b.page.locator(`#orchestrators tr[data-address="${orch1}"] a`).click(),
        ]);
        const detail = await api<OrchestratorJson>(`/v1/protocol/orchestrators/${orch1}`);
        const now = detail.rewardHistory.find((h) => h.round === round);
        expect(now?.status).toBe("rewarded");
        const row = b.page.locator(`#timeline tr[data-round="${round}"]`);
        expect(await row.getAttribute("data-status")).toBe("rewarded");
        expect(await row.locator("td[data-amount]").getAttribute("data-amount")).toBe(
          now?.amount ?? "missing",
        );
        // The page fits a phone's width: wide tables scroll inside their own box.
        const overflow = await b.page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        expectOnlyLoopback(b, edge.url);
        await screenshot(b, "dashboard-orchestrator-mobile.png", true);
      } finally {
        await b.close();
      }
    });

    test("the delegator page, reached by its lookup form, warns exactly when claiming would skip this round's reward", async () => {
      const b = await launchBrowser(chromium);
      try {
        for (const i of [4, 5]) {
          const address = genesisAccount(i).address.toLowerCase();
          await b.page.goto(`${edge.url}/dashboard`);
          await b.page.getByRole("link", { name: "Delegator" }).click();
          await b.page.getByLabel("Delegator address").fill(address);
          await Promise.all([
            b.page.waitForURL(`${edge.url}/dashboard/delegators/${address}`),
            b.page.getByRole("button", { name: "Show" }).click(),
          ]);
          const d = await api<{ bondedAmount: string; pendingStake: string; warning?: { code: string } }>(
            `/v1/protocol/delegators/${address}`,
          );
          expect(await b.page.locator("#bond dd").nth(2).getAttribute("data-value")).toBe(d.bondedAmount);
          expect(await b.page.locator("#pending dd").first().getAttribute("data-value")).toBe(d.pendingStake);
          // 4 delegates to 1 (rewarded this round), 5 to 2 (not): the API and the page agree.
          expect(d.warning?.code).toBe(i === 5 ? "CLAIM_BEFORE_REWARD" : undefined);
          expect(await b.page.getByRole("alert").count()).toBe(i === 5 ? 1 : 0);
          if (i === 5) await screenshot(b, "dashboard-delegator-warning.png", true);
        }
        expectOnlyLoopback(b, edge.url);
      } finally {
        await b.close();
      }
    });
  },
);
