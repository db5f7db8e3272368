import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectOnlyLoopback, findChromium, launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { genesisAccount, genesisKey, ROOT } from "../helpers/edge.ts";
import { type LocalNetwork, startNetwork } from "../helpers/network.ts";

// Every dashboard page in a real Chromium against `npm start` after `npm run example` (real jobs,
// tickets, runners and rewards on the devnet): each renders live data, draws its charts, fits a
// phone, passes axe-core with no serious or critical violation, and stays on loopback. A bond
// made through the page with a pasted test key changes the page's numbers. Screenshots, page
// weights and render times are written to .tmp/dashboard-screenshots/ (gitignored).

const ARTIFACTS = join(ROOT, ".tmp/dashboard-screenshots");
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const addr = (i: number) => genesisAccount(i).address.toLowerCase();
const [o1, d4, d6] = [addr(1), addr(4), addr(6)];
const chromium = await findChromium();

interface Measured {
  page: string;
  viewport: string;
  bytes: number;
  requests: number;
  renderMs: number;
}

describe.skipIf(!chromium.ok)(
  chromium.ok
    ? `every dashboard page with live devnet data (real browser, ${chromium.source})`
    : `every dashboard page [skipped: ${chromium.ok ? "" : chromium.reason}]`,
  () => {
    let net: LocalNetwork;
    const measured: Measured[] = [];
    const api = async <T>(path: string) => (await (await fetch(`${net.url}${path}`)).json()) as T;

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      net = await startNetwork({
        RUNNERS: "1",
        RUNNER_ORCHESTRATORS: "3",
        RUNNER_CAPACITY: "2",
        ROUND_SECONDS: "12",
        BLOCK_MS: "200",
      });
      // `npm run example`: a transcode ladder and an AI job, paid with tickets.
      const { EDGE_URL: _, ...env } = process.env;
      const example = Bun.spawn([process.execPath, "scripts/example.ts", "--url", net.url], {
        cwd: ROOT,
        env,
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, err, code] = await Promise.all([
        new Response(example.stdout).text(),
        new Response(example.stderr).text(),
        example.exited,
      ]);
      if (code !== 0) throw new Error(`example failed (${code}):\n${out}\n${err}`);
    }, 240_000);

    afterAll(async () => {
      writeFileSync(join(ARTIFACTS, "measurements.json"), `${JSON.stringify(measured, null, 2)}\n`);
      await net?.stop();
    }, 30_000);

    /** Opens a page, waits for its charts, measures it, checks axe, overflow and loopback, screenshots it. */
    async function visit(b: TestBrowser, path: string, name: string, viewport: "desktop" | "phone") {
      const before = b.requests.length;
      const res = await b.page.goto(`${net.url}${path}`, { waitUntil: "load" });
      expect(res?.status()).toBe(200);
      const charts = await b.page.locator("[data-chart]").count();
      if (charts > 0)
        await b.page
          .locator("[data-chart][data-drawn]")
          .nth(charts - 1)
          .waitFor();
      const timing = await b.page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
        return {
          renderMs: nav.loadEventEnd - nav.startTime,
          bytes: nav.encodedBodySize + resources.reduce((n, r) => n + r.encodedBodySize, 0),
        };
      });
      measured.push({
        page: path,
        viewport,
        bytes: timing.bytes,
        requests: b.requests.length - before,
        renderMs: Math.round(timing.renderMs),
      });
      await b.page.addScriptTag({ content: AXE });
      const violations = await b.page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
            };
          }
        ).axe;
        const r = await axe.run();
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      });
      expect(violations).toEqual([]);
      if (viewport === "phone") {
        const overflow = await b.page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        // Named, so a failure says which page is wider than the phone.
        expect({ path, overflow: Math.max(0, overflow) }).toEqual({ path, overflow: 0 });
      }
      await b.page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport}.png`), fullPage: true });
      expectOnlyLoopback(b, net.url);
    }

    /** A fresh round in its first half, rewarded by 1: a write lands well before the lock window. */
    async function settledRound(): Promise<void> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await api<{
          currentRound: string;
          initialized: boolean;
          blockNumber: string;
          startBlock: string;
          roundLength: string;
        }>("/v1/protocol/round");
        const o = await api<{ lastRewardRound: string }>(`/v1/protocol/orchestrators/${o1}`);
        const early = (BigInt(r.blockNumber) - BigInt(r.startBlock)) * 2n < BigInt(r.roundLength);
        if (r.initialized && early && o.lastRewardRound === r.currentRound) break;
        if (Date.now() > deadline) throw new Error("no settled round");
        await Bun.sleep(100);
      }
    }

    const pages = () => [
      ["/dashboard", "overview"],
      ["/dashboard/orchestrators", "orchestrators"],
      [`/dashboard/orchestrators/${o1}`, "orchestrator"],
      [`/dashboard/delegators/${d4}`, "delegator"],
      [`/dashboard/delegators/${d4}/simulate?rounds=20`, "simulator"],
      ["/dashboard/gateway", "gateway"],
      ["/dashboard/jobs", "jobs"],
    ];

    for (const viewport of ["desktop", "phone"] as const) {
      test(`every page on a ${viewport}: live data, charts drawn, no serious axe violation, offline`, async () => {
        const b = await launchBrowser(chromium);
        try {
          if (viewport === "phone") await b.page.setViewportSize({ width: 390, height: 844 });
          for (const [path, name] of pages()) await visit(b, path!, name!, viewport);
        } finally {
          await b.close();
        }
      }, 180_000);
    }

    test("the pages carry the network's real figures: tickets, runners, jobs and the gateway's spend", async () => {
      const b = await launchBrowser(chromium);
      try {
        // Which orchestrator did the example's work: the one with tickets.
        const list = (
          await api<{ orchestrators: { address: string; hosted: boolean }[] }>("/v1/protocol/orchestrators")
        ).orchestrators;
        let withTickets = 0;
        for (const o of list.filter((x) => x.hosted)) {
          await b.page.goto(`${net.url}/dashboard/orchestrators/${o.address}`);
          const received = Number(await b.page.locator("#tickets dd").first().getAttribute("data-value"));
          if (received > 0) withTickets++;
          // npm start's one runner serves all three orchestrators: each page lists it, live.
          expect(await b.page.locator('#runners tr[data-live="true"]').count()).toBeGreaterThan(0);
        }
        expect(withTickets).toBeGreaterThan(0);

        await b.page.goto(`${net.url}/dashboard/jobs`);
        const transcode = b.page.locator('#gateway-stats tr[data-capability="transcode"]');
        expect(Number(await transcode.getAttribute("data-total"))).toBeGreaterThanOrEqual(1);
        expect(await transcode.getAttribute("data-p50")).toMatch(/^\d+$/);
        expect(await b.page.locator("#recent tr").count()).toBeGreaterThanOrEqual(2);

        await b.page.goto(`${net.url}/dashboard/gateway`);
        const sent = Number(await b.page.locator("#spend dd").first().getAttribute("data-value"));
        expect(sent).toBeGreaterThan(0);
        const sender = await api<{ deposit: string }>(`/v1/protocol/senders/${addr(0)}`);
        expect(await b.page.locator("#broker dd").first().getAttribute("data-value")).toBe(sender.deposit);
        expectOnlyLoopback(b, net.url);
      } finally {
        await b.close();
      }
    }, 120_000);

    test("a bond through the page with a pasted test key changes the page's numbers", async () => {
      const b = await launchBrowser(chromium);
      try {
        await settledRound();
        await b.page.goto(`${net.url}/dashboard/delegators/${d6}`);
        await b.page.locator("#signer[data-ready]").waitFor();
        const bonded = () => b.page.locator("#bond dd").nth(2).getAttribute("data-value");
        const before = BigInt((await bonded()) ?? "0");
        const pendingBefore = BigInt(
          (await b.page.locator("#pending dd").first().getAttribute("data-value")) ?? "0",
        );
        const bodies: string[] = [];
        b.page.on("request", (r) => bodies.push(r.postData() ?? ""));
        await b.page.getByLabel("Test private key (devnet only, stays in this page)").fill(genesisKey(6));
        const form = b.page.locator("#action-bond");
        await form.getByLabel("Amount (LPT)").fill("5");
        await form.getByLabel("Orchestrator").fill(o1);
        await Promise.all([b.page.waitForEvent("load"), form.getByRole("button", { name: "Bond" }).click()]);
        const after = BigInt((await bonded()) ?? "0");
        // Bonding claims first: the new bond is the pending stake plus the 5 LPT.
        expect(after).toBe(pendingBefore + 5n * 10n ** 18n);
        expect(after).toBeGreaterThan(before);
        const api6 = await api<{ bondedAmount: string }>(`/v1/protocol/delegators/${d6}`);
        expect(api6.bondedAmount).toBe(after.toString());
        // The key never left the page: no request body carried it.
        const secret = genesisKey(6).slice(2);
        expect(bodies.some((body) => body.includes('"signature"'))).toBe(true);
        expect(bodies.some((body) => body.includes(secret))).toBe(false);
        expect(b.requests.some((u) => u.includes(secret))).toBe(false);
        await b.page.screenshot({ path: join(ARTIFACTS, "delegator-after-bond.png"), fullPage: true });
        expectOnlyLoopback(b, net.url);
      } finally {
        await b.close();
      }
    }, 120_000);

    test("an injected EIP-1193 wallet signs an unbond from the page; the new lock shows", async () => {
      const b = await launchBrowser(chromium);
      const wallet = genesisAccount(6);
      try {
        // The wallet: window.ethereum in the page, its signatures made by a real key held by the test.
        await b.page.exposeFunction("__walletSign", async (typed: string) => {
          // What the page asked the wallet to sign, handed to viem as a wallet would.
          const t = JSON.parse(typed) as Parameters<typeof wallet.signTypedData>[0] & {
            types: Record<string, unknown>;
          };
          const { EIP712Domain: _, ...types } = t.types;
          return wallet.signTypedData({ ...t, types } as Parameters<typeof wallet.signTypedData>[0]);
        });
        await b.page.addInitScript((address: string) => {
          (window as unknown as { ethereum: unknown }).ethereum = {
            request: async ({ method, params }: { method: string; params?: string[] }) => {
              if (method === "eth_requestAccounts") return [address];
              if (method === "eth_signTypedData_v4") {
                return (window as unknown as { __walletSign(t: string): Promise<string> }).__walletSign(
                  params![1]!,
                );
              }
              throw new Error(`unsupported ${method}`);
            },
          };
        }, wallet.address);
        // The bond above may have moved d6 to orchestrator 1: it is Pending until the next round.
        while ((await api<{ status: string }>(`/v1/protocol/delegators/${d6}`)).status !== "Bonded") {
          await Bun.sleep(200);
        }
        await settledRound();
        await b.page.goto(`${net.url}/dashboard/delegators/${d6}`);
        await b.page.locator("#signer[data-ready]").waitFor();
        const locksBefore = await b.page.locator("#locks tbody tr").count();
        const form = b.page.locator("#action-unbond");
        await form.getByLabel("Amount (LPT)").fill("2");
        await Promise.all([
          b.page.waitForEvent("load"),
          form.getByRole("button", { name: "Unbond" }).click(),
        ]);
        const locks = b.page.locator("#locks tbody tr");
        expect(await locks.count()).toBe(locksBefore + 1);
        expect(await locks.last().locator("td[data-amount]").getAttribute("data-amount")).toBe(
          (2n * 10n ** 18n).toString(),
        );
        expectOnlyLoopback(b, net.url);
      } finally {
        await b.close();
      }
    }, 120_000);
  },
);
