// The dashboard on LEDGER=chain in a real Chromium, against the real contracts on anvil: a bond
// made through the delegator page's form. The page asks the edge for the unsigned transactions and
// hands each to an injected EIP-1193 wallet, whose eth_sendTransaction is signed by a test key with
// viem and sent to anvil as a raw transaction. The page then shows the hashes and the new bond.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createWalletClient, type Hex, http } from "viem";
import { expectOnlyLoopback, findChromium, launchBrowser } from "../helpers/browser.ts";
import { artifactsMissing } from "../helpers/contracts/artifacts.ts";
import { type ChainEdge, LPT, startChainEdge } from "../helpers/contracts/chain-edge.ts";
import { ROOT } from "../helpers/edge.ts";

const ARTIFACTS = join(ROOT, ".tmp/dashboard-screenshots");
const chromium = await findChromium();
const missing = artifactsMissing();
const skip = !chromium.ok ? chromium.reason : missing;
if (skip) console.warn(`dashboard on LEDGER=chain skipped: ${skip}`);

describe.skipIf(skip !== undefined)(
  skip === undefined
    ? "the dashboard on LEDGER=chain sends through an injected wallet (real browser, real contracts)"
    : `the dashboard on LEDGER=chain [skipped: ${skip}]`,
  () => {
    let c: ChainEdge;
    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      c = await startChainEdge();
    }, 300_000);
    afterAll(() => c?.close(), 30_000);

    test("a bond through the page's form: approve and bond mined, the bonded figure changes", async () => {
      const b = await launchBrowser(chromium);
      const d3 = c.address(3);
      const o1 = c.address(1);
      // The wallet: real signatures by account 3's key, sent to anvil; reads forwarded to anvil.
      const wallet = createWalletClient({
        account: c.account(3),
        chain: c.anvil.chain,
        transport: http(c.anvil.url, { retryCount: 0 }),
      });
      const methods: string[] = [];
      try {
        await b.page.exposeFunction("__wallet", async (method: string, params: unknown[]) => {
          methods.push(method);
          switch (method) {
            case "eth_requestAccounts":
            case "eth_accounts":
              return [d3];
            case "eth_chainId":
              return `0x${c.anvil.chain.id.toString(16)}`;
            case "eth_sendTransaction": {
              const tx = params[0] as { from: string; to: Hex; data: Hex; value: Hex };
              if (tx.from.toLowerCase() !== d3) throw new Error(`asked to send from ${tx.from}`);
              return wallet.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
            }
            case "eth_getTransactionReceipt":
              return c.anvil.client.request({ method, params } as never);
            default:
              throw new Error(`unsupported ${method}`);
          }
        });
        await b.page.addInitScript(() => {
          const w = window as unknown as {
            __wallet(method: string, params: unknown[]): Promise<unknown>;
            ethereum: unknown;
          };
          w.ethereum = {
            request: ({ method, params }: { method: string; params?: unknown[] }) =>
              w.__wallet(method, params ?? []),
          };
        });

        await b.page.goto(`${c.url}/dashboard/delegators/${d3}`);
        await b.page.locator("#signer[data-ready]").waitFor();
        expect(await b.page.locator("#signer").getAttribute("data-ledger")).toBe("chain");
        // No key field on a chain: the wallet signs.
        expect(await b.page.locator("#signer-key").count()).toBe(0);
        const bonded = async () =>
          BigInt((await b.page.locator("#bond dd").nth(2).getAttribute("data-value")) ?? "");
        expect(await bonded()).toBe(0n);

        const form = b.page.locator("#action-bond");
        await form.getByLabel("Amount (LPT)").fill("5");
        await form.getByLabel("Orchestrator").fill(o1);
        await Promise.all([b.page.waitForEvent("load"), form.getByRole("button", { name: "Bond" }).click()]);

        expect(await bonded()).toBe(5n * LPT);
        const d = await c.chain.getDelegator(d3);
        expect(d.bondedAmount).toBe(5n * LPT);
        expect(d.delegateAddress.toLowerCase()).toBe(o1);
        // The status after the reload names both mined transactions; each was sent by d3.
        const shown = (await b.page.locator("#action-status").getAttribute("data-txs")) ?? "";
        const hashes = [...shown.matchAll(/(approve|bondWithHint) (0x[0-9a-f]{64})/g)].map((m) => [
          m[1],
          m[2],
        ]);
        // The bond is built with the pool hints the chain ledger computes.
        expect(hashes.map(([fn]) => fn)).toEqual(["approve", "bondWithHint"]);
        for (const [, hash] of hashes) {
          const r = await c.anvil.client.getTransactionReceipt({ hash: hash as Hex });
          expect({ status: r.status, from: r.from.toLowerCase() }).toEqual({ status: "success", from: d3 });
        }
        expect(await b.page.locator("#action-status").textContent()).toContain(hashes[1]![1]!);
        expect(methods.filter((m) => m === "eth_sendTransaction")).toHaveLength(2);
        await b.page.screenshot({ path: join(ARTIFACTS, "delegator-chain-after-bond.png"), fullPage: true });
        expectOnlyLoopback(b, c.url);
      } finally {
        await b.close();
      }
    }, 180_000);

    test("a write the contracts would refuse shows the ledger's code, and the wallet sends nothing", async () => {
      const b = await launchBrowser(chromium);
      const sent: string[] = [];
      try {
        await b.page.exposeFunction("__wallet", async (method: string) => {
          if (method === "eth_requestAccounts") return [c.address(4)];
          if (method === "eth_chainId") return "0x7a69";
          sent.push(method);
          throw new Error(`unexpected ${method}`);
        });
        await b.page.addInitScript(() => {
          const w = window as unknown as { __wallet(m: string): Promise<unknown>; ethereum: unknown };
          w.ethereum = { request: ({ method }: { method: string }) => w.__wallet(method) };
        });
        await b.page.goto(`${c.url}/dashboard/delegators/${c.address(4)}`);
        await b.page.locator("#signer[data-ready]").waitFor();
        const form = b.page.locator("#action-unbond");
        await form.getByLabel("Amount (LPT)").fill("1");
        await form.getByRole("button", { name: "Unbond" }).click();
        await b.page.locator("#action-status.bad").waitFor();
        expect(await b.page.locator("#action-status").textContent()).toContain("NOT_BONDED");
        expect(sent).toEqual([]);
        expectOnlyLoopback(b, c.url);
      } finally {
        await b.close();
      }
    }, 120_000);
  },
);
