// fast-check: after long random call sequences LPT and ETH are conserved and nothing goes negative.
// LPT: supply = Σ balances (contracts included); the Minter holds at least Σ pendingStake + Σ unbonding.
// ETH: total = Σ balances; the Minter holds at least Σ pendingFees + Σ deposits + Σ reserves.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Devnet } from "../../../src/edge/ledger/devnet.ts";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import type { GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import { ETH, freshDevnet, LPT, type TestDevnet, testGenesis, winningTicket } from "../../helpers/devnet.ts";

function network(): GenesisInput {
  const l = (n: bigint) => (n * LPT).toString();
  return testGenesis({
    lpt: 100_000n * LPT,
    eth: 100n * ETH,
    params: {
      numActiveTranscoders: "3",
      treasuryRewardCutRate: (10n ** 26n).toString(),
      treasuryBalanceCeiling: l(50n),
      inflation: "5000000",
    },
    actions: [
      { method: "bond", caller: { account: 1 }, args: [l(3000n), { account: 1 }] },
      { method: "transcoder", caller: { account: 1 }, args: ["100000", "500000"] },
      { method: "bond", caller: { account: 2 }, args: [l(2000n), { account: 2 }] },
      { method: "transcoder", caller: { account: 2 }, args: ["333333", "777777"] },
      { method: "bond", caller: { account: 3 }, args: [l(1000n), { account: 3 }] },
      { method: "transcoder", caller: { account: 3 }, args: ["0", "1000000"] },
      { method: "bond", caller: { account: 7 }, args: [l(500n), { account: 7 }] },
      { method: "transcoder", caller: { account: 7 }, args: ["1000000", "0"] },
      { method: "bond", caller: { account: 4 }, args: [l(700n), { account: 1 }] },
      { method: "bond", caller: { account: 5 }, args: [l(300n), { account: 2 }] },
      {
        method: "fundDepositAndReserve",
        caller: { account: 0 },
        args: [(2n * ETH).toString(), (3n * ETH).toString()],
      },
      { method: "advanceRound", args: [] },
      { method: "initializeRound", caller: { account: 0 }, args: [] },
    ],
  });
}

const acct = fc.integer({ min: 0, max: 7 });
const orch = fc.constantFrom(1, 2, 3, 7);
const amount = fc.oneof(fc.bigInt({ min: 1n, max: 2_000n * LPT }), fc.bigInt({ min: 1n, max: 1_000n }));
const cmd = fc.oneof(
  { weight: 3, arbitrary: fc.record({ m: fc.constant("nextRound" as const), init: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ m: fc.constant("reward" as const), o: orch }) },
  { weight: 3, arbitrary: fc.record({ m: fc.constant("bond" as const), a: acct, amt: amount, o: orch }) },
  { weight: 2, arbitrary: fc.record({ m: fc.constant("unbond" as const), a: acct, amt: amount }) },
  {
    weight: 1,
    arbitrary: fc.record({ m: fc.constant("rebond" as const), a: acct, id: fc.bigInt({ min: 0n, max: 3n }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant("rebondFromUnbonded" as const),
      a: acct,
      o: orch,
      id: fc.bigInt({ min: 0n, max: 3n }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant("withdrawStake" as const),
      a: acct,
      id: fc.bigInt({ min: 0n, max: 3n }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ m: fc.constant("claim" as const), a: acct }) },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant("withdrawFees" as const),
      a: acct,
      amt: fc.bigInt({ min: 1n, max: ETH }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ m: fc.constant("transferBond" as const), a: acct, b: acct, amt: amount }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant("transcoder" as const),
      a: acct,
      cut: fc.bigInt({ min: 0n, max: 1_000_000n }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      m: fc.constant("redeem" as const),
      o: fc.constantFrom(1, 2, 3, 7, 4),
      fv: fc.bigInt({ min: 1n, max: 4n * ETH }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constant("fund" as const),
      d: fc.bigInt({ min: 0n, max: ETH }),
      r: fc.bigInt({ min: 0n, max: ETH }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      m: fc.constantFrom("unlock" as const, "cancelUnlock" as const, "withdraw" as const),
    }),
  },
);
type Cmd = typeof cmd extends fc.Arbitrary<infer T> ? T : never;

async function apply(t: TestDevnet, c: Cmd, nonce: bigint): Promise<void> {
  const { devnet, addr, accounts } = t;
  const a = (i: number) => addr[i]!;
  switch (c.m) {
    case "nextRound":
      await devnet.advanceRound();
      if (c.init) await devnet.initializeRound(a(0));
      return;
    case "reward":
      await devnet.reward(a(c.o));
      return;
    case "bond":
      await devnet.bond(a(c.a), c.amt, a(c.o));
      return;
    case "unbond":
      await devnet.unbond(a(c.a), c.amt);
      return;
    case "rebond":
      await devnet.rebond(a(c.a), c.id);
      return;
    case "rebondFromUnbonded":
      await devnet.rebondFromUnbonded(a(c.a), a(c.o), c.id);
      return;
    case "withdrawStake":
      await devnet.withdrawStake(a(c.a), c.id);
      return;
    case "claim":
      await devnet.claimEarnings(a(c.a), 0n);
      return;
    case "withdrawFees":
      await devnet.withdrawFees(a(c.a), a(c.a), c.amt);
      return;
    case "transferBond":
      await devnet.transferBond(a(c.a), a(c.b), c.amt);
      return;
    case "transcoder":
      await devnet.transcoder(a(c.a), c.cut, 500_000n);
      return;
    case "redeem": {
      const w = await winningTicket(devnet, accounts[0]!, a(c.o), c.fv, nonce);
      await devnet.redeemWinningTicket(a(c.o), w.ticket, w.sig, w.recipientRand);
      return;
    }
    case "fund":
      await devnet.fundDepositAndReserve(a(0), c.d, c.r);
      return;
    case "unlock":
      await devnet.unlock(a(0));
      return;
    case "cancelUnlock":
      await devnet.cancelUnlock(a(0));
      return;
    case "withdraw":
      await devnet.withdraw(a(0));
  }
}

async function checkInvariants(devnet: Devnet, totalLpt: { supply: bigint }): Promise<void> {
  const s = await devnet.totals();
  expect(s.minBalance).toBeGreaterThanOrEqual(0n);
  expect(s.sumLpt).toBe(s.totalSupply);
  expect(s.sumEth).toBe(s.totalEth);
  expect(s.minterLpt).toBeGreaterThanOrEqual(s.pendingStake + s.unbonding);
  expect(s.minterEth).toBeGreaterThanOrEqual(s.pendingFees + s.deposits + s.reserves);
  // Supply only grows, by minting.
  expect(s.totalSupply).toBeGreaterThanOrEqual(totalLpt.supply);
  totalLpt.supply = s.totalSupply;
}

describe("devnet conservation invariant", () => {
  test("LPT and ETH are conserved and no balance is negative after long random call sequences", async () => {
    let applied = 0;
    let reverted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 30, maxLength: 60 }), async (cmds) => {
        const t = await freshDevnet({ genesis: network() });
        try {
          const seen = { supply: await t.devnet.totalSupply() };
          let nonce = 0n;
          for (const c of cmds) {
            nonce += 1n;
            try {
              await apply(t, c, nonce);
              applied++;
            } catch (e) {
              // Contract reverts are expected; anything else is a bug.
              if (!(e instanceof LedgerError)) throw e;
              reverted++;
            }
            await checkInvariants(t.devnet, seen);
          }
        } finally {
          await t.cleanup();
        }
      }),
      { numRuns: 4 },
    );
    // The sequences must actually exercise the ledger, not only hit reverts.
    expect(applied).toBeGreaterThan(reverted / 4);
  }, 120_000);
});
