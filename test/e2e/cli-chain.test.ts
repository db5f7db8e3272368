// The CLI as a process against an edge on LEDGER=chain (real contracts on anvil): each write fetches
// the unsigned transactions from the edge, signs them in the CLI with the key of LPX_PRIVATE_KEY or
// LPX_KEYSTORE and sends them to LPX_RPC_URL, waiting for each receipt. Checked on the chain itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { encryptKeystore } from "../../src/cli/lpx/keystore.ts";
import { artifactsMissing, titleWithSkipReason } from "../helpers/contracts/artifacts.ts";
import { type ChainEdge, LPT, startChainEdge } from "../helpers/contracts/chain-edge.ts";
import { ROOT, tempDir } from "../helpers/edge.ts";

const missing = artifactsMissing();
if (missing) console.warn(`lpx on LEDGER=chain skipped: ${missing}`);

const MAIN = join(ROOT, "src/cli/lpx/main.ts");
const tmp = tempDir("lpx-chain-");

interface Run {
  code: number | null;
  out: string;
  err: string;
}
interface Sent {
  action: string;
  chainId: number;
  from: string;
  transactions: { function: string; hash: Hex; block: string; gasUsed: string }[];
}

describe.skipIf(missing !== undefined)(titleWithSkipReason("lpx writes on LEDGER=chain"), () => {
  let c: ChainEdge;
  beforeAll(async () => {
    c = await startChainEdge();
  }, 300_000);
  afterAll(async () => {
    await c?.close();
    tmp.cleanup();
  }, 30_000);

  async function lpx(args: string[], env: Record<string, string>): Promise<Run> {
    const proc = Bun.spawn([process.execPath, MAIN, ...args], {
      cwd: tmp.dir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LPX_EDGE_URL: c.url, ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, out, err };
  }
  const as = (i: number) => ({ LPX_PRIVATE_KEY: c.key(i), LPX_RPC_URL: c.anvil.url });
  /** Each hash is a mined, successful transaction sent by account i. */
  async function minedFrom(i: number, sent: Sent): Promise<void> {
    for (const t of sent.transactions) {
      const r = await c.anvil.client.getTransactionReceipt({ hash: t.hash });
      expect(r.status).toBe("success");
      expect(r.from.toLowerCase()).toBe(c.address(i));
      expect(r.blockNumber.toString()).toBe(t.block);
    }
  }

  test("without an RPC URL a write says what to set, and sends nothing", async () => {
    const r = await lpx(["bond", "10", c.address(1)], { LPX_PRIVATE_KEY: c.key(4) });
    expect(r.code).toBe(2);
    expect(r.err).toContain("LPX_RPC_URL");
    expect((await c.chain.getDelegator(c.address(4))).bondedAmount).toBe(0n);
  }, 60_000);

  test("bond --json: approve then bond, signed here, mined on chain", async () => {
    const r = await lpx(["bond", "10", c.address(1), "--json"], as(4));
    expect(r).toMatchObject({ code: 0, err: "" });
    const sent = JSON.parse(r.out) as Sent;
    expect(sent).toMatchObject({ action: "bond", chainId: 31337, from: c.address(4) });
    expect(sent.transactions.map((t) => t.function)).toEqual(["approve", "bondWithHint"]);
    await minedFrom(4, sent);
    const d = await c.chain.getDelegator(c.address(4));
    expect(d.bondedAmount).toBe(10n * LPT);
    expect(d.delegateAddress.toLowerCase()).toBe(c.address(1));
  }, 60_000);

  test("a write the contracts refuse is the ledger's code and exit 1", async () => {
    const r = await lpx(["unbond", "1"], as(3));
    expect(r.code).toBe(1);
    expect(r.err).toContain("NOT_BONDED");
  }, 60_000);

  test("fund (human output), then unlock --json: the sender's deposit, reserve and unlock on chain", async () => {
    const fund = await lpx(["fund", "1", "0.5"], as(5));
    expect(fund).toMatchObject({ code: 0, err: "" });
    expect(fund.out).toMatch(
      /fund deposit 1(\.0+)? ETH and reserve 0\.5 ETH: sent from 0x[0-9a-f]{40} on chain 31337/,
    );
    expect(fund.out).toMatch(/fundDepositAndReserve tx 0x[0-9a-f]{64} \(block \d+, gas \d+\)/);
    const info = await c.chain.getSenderInfo(c.address(5));
    expect(info.sender.deposit).toBe(LPT);
    expect(info.reserve.fundsRemaining).toBe(LPT / 2n);

    const unlock = await lpx(["unlock", "--json"], as(5));
    expect(unlock.code).toBe(0);
    await minedFrom(5, JSON.parse(unlock.out) as Sent);
    expect(await c.chain.isUnlockInProgress(c.address(5))).toBe(true);
  }, 60_000);

  test("set-cuts with a keystore key and the --rpc-url flag", async () => {
    const file = join(tmp.dir, "orchestrator.json");
    writeFileSync(file, JSON.stringify(encryptKeystore(c.key(1), "pw", 1 << 12)));
    const r = await lpx(["set-cuts", "10", "20", "--json", "--rpc-url", c.anvil.url], {
      LPX_KEYSTORE: file,
      LPX_KEYSTORE_PASSWORD: "pw",
    });
    expect(r).toMatchObject({ code: 0, err: "" });
    await minedFrom(1, JSON.parse(r.out) as Sent);
    const t = await c.chain.getTranscoder(c.address(1));
    expect([t.rewardCut, t.feeShare]).toEqual([100_000n, 200_000n]);
  }, 60_000);

  test("unbond, rebond, claim and withdraw-stake in later rounds", async () => {
    const d4 = c.address(4);
    await c.nextRound(); // the bond is Pending until then
    expect((await lpx(["unbond", "2"], as(4))).code).toBe(0);
    const [lock] = await c.chain.getDelegatorUnbondingLocks(d4);
    expect(lock!.amount).toBe(2n * LPT);
    expect((await lpx(["rebond", lock!.id.toString()], as(4))).code).toBe(0);
    expect(await c.chain.getDelegatorUnbondingLocks(d4)).toEqual([]);
    expect((await lpx(["unbond", "1"], as(4))).code).toBe(0);
    const [withdrawable] = await c.chain.getDelegatorUnbondingLocks(d4);
    const claim = await lpx(["claim", "--json"], as(4));
    expect(claim.code).toBe(0);
    expect((JSON.parse(claim.out) as Sent).transactions.map((t) => t.function)).toEqual(["claimEarnings"]);
    // Unbonding period: 2 rounds.
    await c.nextRound();
    await c.nextRound();
    const before = await c.chain.balanceOf(d4);
    const w = await lpx(["withdraw-stake", withdrawable!.id.toString(), "--json"], as(4));
    expect(w.code).toBe(0);
    expect(await c.chain.balanceOf(d4)).toBe(before + LPT);
  }, 120_000);
});
