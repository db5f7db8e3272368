// Rewards through the Ledger interface, on the devnet and on the real contracts on anvil, against
// the same figures computed by hand from
// docs/protocol.md#inflation-and-the-minter and #reward.
// Network: 8 accounts x 1,000,000 LPT (supply 8,000,000). O1 = acct1 (self 3,000, cut 10%),
// O2 = acct2 (self 4,000, cut 25%), D = acct4 (1,000 to O1). Genesis ends in round 2, initialized.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import type { GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import { LPT, testGenesis } from "../../helpers/devnet.ts";
import { describeOnLedgers, type LedgerKind, ledgerWorld } from "../../helpers/ledgers.ts";

const P27 = 10n ** 27n;

function network(params: Partial<GenesisInput["params"]> = {}): GenesisInput {
  return testGenesis({
    params,
    actions: [
      { method: "bond", caller: { account: 1 }, args: [(3000n * LPT).toString(), { account: 1 }] },
      { method: "transcoder", caller: { account: 1 }, args: ["100000", "500000"] },
      { method: "bond", caller: { account: 2 }, args: [(4000n * LPT).toString(), { account: 2 }] },
      { method: "transcoder", caller: { account: 2 }, args: ["250000", "750000"] },
      { method: "bond", caller: { account: 4 }, args: [(1000n * LPT).toString(), { account: 1 }] },
      { method: "advanceRound", args: [] },
      { method: "initializeRound", caller: { account: 0 }, args: [] },
    ],
  });
}

/** A world per describe: one deployment on the chain, reverted to the genesis before each test. */
function worldFor(kind: LedgerKind, genesis: GenesisInput) {
  const w = ledgerWorld(kind, genesis);
  beforeAll(() => w.fresh(), 300_000); // deploying the contracts on a loaded machine
  afterAll(() => w.close());
  return w;
}

describeOnLedgers("rewards", (kind) => {
  const w = worldFor(kind, network());
  test("round-2 figures: inflation 501,000, mintable 4,008 LPT, reward split and CRF (hand-computed)", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2, , d] = addr as [string, `0x${string}`, `0x${string}`, string, `0x${string}`];
    expect(await devnet.currentRound()).toBe(2n);
    // Round 1 init: bonded 0 < 50% -> 500,500; round 2: 8,000/8,000,000 < 50% -> 501,000.
    expect(await devnet.inflation()).toBe(501_000n);
    expect(await devnet.currentRoundTotalActiveStake()).toBe(8000n * LPT);
    // 8,000,000 * 501,000 / 1e9 = 4,008 LPT.
    expect(await devnet.currentMintableTokens()).toBe(4008n * LPT);

    const res = await devnet.reward(o1);
    // O1 holds half the active stake: 2,004 LPT; commission 10% = 200.4; delegators 1,803.6.
    const ev = res.events.find((e) => e.name === "Reward");
    expect(ev?.args.amount).toBe(2004n * LPT);
    expect(await devnet.currentMintedTokens()).toBe(2004n * LPT);
    // CRF[2] = 1e27 + 1e27 * (1,803.6 / 4,000) = 1.4509e27.
    const pool = await devnet.getTranscoderEarningsPoolForRound(o1, 2n);
    expect(pool.cumulativeRewardFactor).toBe(14509n * 10n ** 23n);
    expect(pool.totalStake).toBe(4000n * LPT);
    expect(pool.transcoderRewardCut).toBe(100_000n);
    // Stake grows for the next round only.
    expect(await devnet.transcoderTotalStake(o1)).toBe(6004n * LPT);
    expect((await devnet.getTranscoderEarningsPoolForRound(o1, 3n)).totalStake).toBe(6004n * LPT);
    expect(await devnet.nextRoundTotalActiveStake()).toBe(10_004n * LPT);

    // Pending in the next round: D 1,000 * 1.4509 = 1,450.9; O1 3,000 * 1.4509 + 200.4 = 4,553.1.
    await w.nextRound(o2);
    expect(await devnet.pendingStake(d)).toBe((14509n * LPT) / 10n);
    expect(await devnet.pendingStake(o1)).toBe((45531n * LPT) / 10n);

    // Claiming writes the pending value and emits EarningsClaimed(delegate, delegator, rewards, fees, start, end).
    const claim = await devnet.claimEarnings(d, 0n);
    const ec = claim.events.find((e) => e.name === "EarningsClaimed");
    expect(ec?.args).toMatchObject({
      delegate: o1,
      delegator: d,
      rewards: (4509n * LPT) / 10n,
      fees: 0n,
      startRound: 2n,
      endRound: 3n,
    });
    expect((await devnet.getDelegator(d)).bondedAmount).toBe((14509n * LPT) / 10n);
  });

  test("a second reward in the same round reverts with REWARD_ALREADY_CALLED; a non-member with CALLER_NOT_ACTIVE", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    await devnet.reward(addr[1]!);
    const again = devnet.reward(addr[1]!);
    await expect(again).rejects.toBeInstanceOf(LedgerError);
    await expect(again).rejects.toMatchObject({ code: "REWARD_ALREADY_CALLED" });
    await expect(devnet.reward(addr[4]!)).rejects.toMatchObject({ code: "CALLER_NOT_ACTIVE" });
    // An uninitialized round refuses rewards.
    await w.advanceRound();
    await expect(devnet.reward(addr[1]!)).rejects.toMatchObject({ code: "ROUND_NOT_INITIALIZED" });
  });

  test("pending stake across several rounds compounds the CRF (figures from the spec formulas)", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2, , d] = addr as `0x${string}`[] as [
      string,
      `0x${string}`,
      `0x${string}`,
      string,
      `0x${string}`,
    ];
    await devnet.reward(o1);
    await devnet.reward(o2);
    const before = await devnet.pendingStake(d);
    await w.nextRound(o1);
    const mid = await devnet.pendingStake(d);
    expect(mid).toBeGreaterThanOrEqual(before);
    // Round 3: supply 8,004,008; active 12,008 -> inflation 501,500; mintable 4,014.010012 LPT;
    // O1 (6,004 of 12,008) gets 2,007.005006; commission 200.7005006; delegators 1,806.3045054.
    expect(await devnet.currentMintableTokens()).toBe(4014010012n * 10n ** 12n);
    const r = await devnet.reward(o1);
    expect(r.events.find((e) => e.name === "Reward")?.args.amount).toBe(2007005006n * 10n ** 12n);
    // CRF[3] = 1.4509e27 + 1.4509e27 * floor(1,806.3045054e45 / 6,004e18) / 1e27
    //        = 1887403532126059293804130579 (computed by hand with integer division).
    expect((await devnet.getTranscoderEarningsPoolForRound(o1, 3n)).cumulativeRewardFactor).toBe(
      1887403532126059293804130579n,
    );
    await w.nextRound(o1);
    // D: 1,000 LPT * CRF[3] / 1e27 (start CRF is 1e27: nothing was claimed before round 2).
    expect(await devnet.pendingStake(d)).toBe(1887403532126059293804n);
    // O1: 3,000 * CRF[3] / 1e27 + cumulativeRewards (200.4, then 200.4 * ... + 200.7005006).
    expect(await devnet.pendingStake(o1)).toBe(6123601473873940706195n);
    // Together they got everything minted for O1's pool but 1 wei of truncation.
    const earned = 1887403532126059293804n - 1000n * LPT + 6123601473873940706195n - 3000n * LPT;
    expect(2004n * LPT + 2007005006n * 10n ** 12n - earned).toBe(1n);
  });

  test("a missed reward round is never backfilled: CRF stays 0 and only the called round mints", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const o1 = addr[1]!;
    const o2 = addr[2]!;
    await devnet.reward(o1); // O2 skips round 2
    expect(await devnet.currentMintedTokens()).toBe(2004n * LPT);
    await w.nextRound(o1);
    // Round 2's unminted half is gone: supply grew by O1's reward only.
    expect(await devnet.totalSupply()).toBe(8_000_000n * LPT + 2004n * LPT);
    const r = await devnet.reward(o2);
    const minted = r.events.find((e) => e.name === "Reward")?.args.amount as bigint;
    expect(minted).toBe(await devnet.currentMintedTokens());
    expect((await devnet.getTranscoderEarningsPoolForRound(o2, 2n)).cumulativeRewardFactor).toBe(0n);
    expect((await devnet.getTranscoderEarningsPoolForRound(o2, 3n)).cumulativeRewardFactor).toBeGreaterThan(
      P27,
    );
    await w.nextRound(o1);
    // O2 (self-bonded) earned exactly one round's reward.
    expect(await devnet.pendingStake(o2)).toBe(4000n * LPT + minted);
    expect((await devnet.getEvents({ name: "Reward", address: o2 })).length).toBe(1);
  });
});

describeOnLedgers("rewards with a treasury cut", (kind) => {
  const w = worldFor(
    kind,
    network({
      treasuryRewardCutRate: (10n ** 26n).toString(),
      treasuryBalanceCeiling: (300n * LPT).toString(),
    }),
  );
  test("treasury takes 10% of each reward until the ceiling; the halt applies from the next round", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const o1 = addr[1]!;
    const o2 = addr[2]!;
    // Round 2: 2,004 each, 200.4 to the treasury each, 1,803.6 as Reward.
    const r1 = await devnet.reward(o1);
    expect(r1.events.find((e) => e.name === "TreasuryReward")?.args.amount).toBe((2004n * LPT) / 10n);
    expect(r1.events.find((e) => e.name === "Reward")?.args.amount).toBe((18036n * LPT) / 10n);
    // O1's CRF uses the post-treasury amount: 1 + (1,803.6 - 180.36) / 4,000 = 1.40581.
    expect((await devnet.getTranscoderEarningsPoolForRound(o1, 2n)).cumulativeRewardFactor).toBe(
      140581n * 10n ** 22n,
    );
    await devnet.reward(o2); // treasury held 200.4 < 300 before this call: no halt yet
    expect(await devnet.balanceOf(w.treasury)).toBe((4008n * LPT) / 10n);
    await w.nextRound(o1);
    // Round 3: the treasury holds 400.8 >= 300, so this reward halts the NEXT round's cut, but
    // this round still pays 10%.
    const r3 = await devnet.reward(o1);
    const tr3 = r3.events.find((e) => e.name === "TreasuryReward")?.args.amount as bigint;
    const rw3 = r3.events.find((e) => e.name === "Reward")?.args.amount as bigint;
    expect(tr3).toBe((tr3 + rw3) / 10n);
    await w.nextRound(o1);
    const r4 = await devnet.reward(o1);
    expect(r4.events.some((e) => e.name === "TreasuryReward")).toBe(false);
    expect(await devnet.balanceOf(w.treasury)).toBe((4008n * LPT) / 10n + tr3);
  });
});
