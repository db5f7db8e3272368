// Two processes on one libSQL file race the same calls: each call applies exactly once and the
// invariants hold (initializeRound, reward, redemption of one ticket, and many bonds).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import { ETH, freshDevnet, LPT, type TestDevnet, testGenesis, winningTicket } from "../../helpers/devnet.ts";
import { encodeArg } from "../../helpers/devnet-worker.ts";

const WORKER = join(import.meta.dir, "../../helpers/devnet-worker.ts");

function network(): GenesisInput {
  const l = (n: bigint) => (n * LPT).toString();
  return testGenesis({
    actions: [
      { method: "bond", caller: { account: 1 }, args: [l(3000n), { account: 1 }] },
      { method: "transcoder", caller: { account: 1 }, args: ["100000", "500000"] },
      { method: "fundDepositAndReserve", caller: { account: 0 }, args: [ETH.toString(), ETH.toString()] },
      { method: "advanceRound", args: [] },
      { method: "initializeRound", caller: { account: 0 }, args: [] },
    ],
  });
}

let t: TestDevnet;
beforeAll(async () => {
  t = await freshDevnet({ genesis: network() });
});
afterAll(async () => {
  await t.cleanup();
});

type Outcome = { method: string; ok: boolean; code?: string };

describe("two processes on one devnet file", () => {
  test("racing initializeRound, reward, one ticket's redemption and bonds: each applies once", async () => {
    const { devnet, addr, accounts } = t;
    const o1 = addr[1]!;
    // A ticket of round 2, still valid in round 3.
    const w = await winningTicket(devnet, accounts[0]!, o1, ETH / 10n, 1n);
    await devnet.advanceRound(); // round 3, not initialized
    const stakeBefore = await devnet.transcoderTotalStake(o1);
    const bonds = (who: number) =>
      Array.from({ length: 10 }, () => ({ method: "bond", args: [addr[who], LPT, o1] }));
    const calls = (who: number) => [
      { method: "initializeRound", args: [addr[0]] },
      { method: "reward", args: [o1] },
      { method: "redeemWinningTicket", args: [o1, w.ticket, w.sig, w.recipientRand] },
      ...bonds(who),
    ];
    const startAt = Date.now() + 2500;
    const child = Bun.spawn(
      [process.execPath, WORKER, t.url, JSON.stringify({ startAt, calls: encodeArg(calls(5)) })],
      {
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    // This process runs the same calls at the same moment.
    await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
    const mine: Outcome[] = [];
    for (const c of calls(4)) {
      try {
        const fn = (devnet as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[c.method]!;
        await fn(...c.args);
        mine.push({ method: c.method, ok: true });
      } catch (e) {
        mine.push({ method: c.method, ok: false, code: (e as { code?: string }).code ?? String(e) });
      }
    }
    const [stdout, stderr, code] = [
      await new Response(child.stdout).text(),
      await new Response(child.stderr).text(),
      await child.exited,
    ];
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const theirs = JSON.parse(stdout.trim().split("\n").at(-1)!) as Outcome[];

    for (const [i, method] of ["initializeRound", "reward", "redeemWinningTicket"].entries()) {
      const wins = [mine[i]!, theirs[i]!].filter((o) => o.ok);
      expect({ method, wins: wins.length }).toEqual({ method, wins: 1 });
    }
    const failures = [...mine.slice(0, 3), ...theirs.slice(0, 3)].filter((o) => !o.ok).map((o) => o.code);
    expect(failures.sort()).toEqual(["REWARD_ALREADY_CALLED", "ROUND_ALREADY_INITIALIZED", "TICKET_USED"]);
    // Every bond applied, none lost or doubled.
    expect(mine.slice(3).every((o) => o.ok) && theirs.slice(3).every((o) => o.ok)).toBe(true);
    const reward = (await devnet.getEvents({ name: "Reward" })).filter((e) => e.round === 3n);
    expect(reward.length).toBe(1);
    expect((await devnet.getEvents({ name: "NewRound" })).filter((e) => e.args.round === 3n).length).toBe(1);
    expect((await devnet.getEvents({ name: "WinningTicketRedeemed" })).length).toBe(1);
    expect(await devnet.transcoderTotalStake(o1)).toBe(
      stakeBefore + (reward[0]!.args.amount as bigint) + 20n * LPT,
    );
    // Conservation still holds on the shared file.
    const s = await devnet.totals();
    expect(s.sumLpt).toBe(s.totalSupply);
    expect(s.sumEth).toBe(s.totalEth);
    expect(s.minterEth).toBeGreaterThanOrEqual(s.pendingFees + s.deposits + s.reserves);
    expect(s.minterLpt).toBeGreaterThanOrEqual(s.pendingStake + s.unbonding);
  }, 60_000);
});
