// Staking through the Ledger interface, on the devnet and on the real contracts on anvil, with the
// same figures: activation at N+1, eviction by strictly greater stake only, the unbonding period,
// rebond, transferBond, and the claim-timing edge case.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import { LPT, testGenesis } from "../../helpers/devnet.ts";
import { describeOnLedgers, type LedgerKind, ledgerWorld } from "../../helpers/ledgers.ts";

/** O1 = acct1 (4,000), O2 = acct2 (3,000) in a 2-seat active set; D1 = acct4, D2 = acct5 bonded 1,000 to O1. */
function network(): GenesisInput {
  const l = (n: bigint) => (n * LPT).toString();
  return testGenesis({
    params: { numActiveTranscoders: "2" },
    actions: [
      { method: "bond", caller: { account: 1 }, args: [l(2000n), { account: 1 }] },
      { method: "transcoder", caller: { account: 1 }, args: ["100000", "500000"] },
      { method: "bond", caller: { account: 2 }, args: [l(3000n), { account: 2 }] },
      { method: "transcoder", caller: { account: 2 }, args: ["100000", "500000"] },
      { method: "bond", caller: { account: 4 }, args: [l(1000n), { account: 1 }] },
      { method: "bond", caller: { account: 5 }, args: [l(1000n), { account: 1 }] },
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

describeOnLedgers("a new orchestrator", (kind) => {
  const w = worldFor(kind, testGenesis({ params: { numActiveTranscoders: "3" } }));

  test("a new orchestrator joins the pool in round N but is active (and may reward) only from N+1", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const o = addr[3]!;
    // As in BondingManager, the self-bond of a registered address already tries to join the pool.
    const self = await devnet.bond(o, 500n * LPT, o);
    expect(self.events.find((e) => e.name === "TranscoderActivated")?.args).toMatchObject({
      transcoder: o,
      activationRound: 2n,
    });
    await devnet.transcoder(o, 50_000n, 900_000n);
    expect(await devnet.getTranscoderPool()).toEqual([{ address: o, totalStake: 500n * LPT }]);
    expect(await devnet.getActiveSet()).toEqual([]);
    expect(await devnet.isActiveTranscoder(o)).toBe(false);
    await expect(devnet.reward(o)).rejects.toMatchObject({ code: "CALLER_NOT_ACTIVE" });
    await w.nextRound(o);
    expect(await devnet.isActiveTranscoder(o)).toBe(true);
    expect(await devnet.getActiveSet()).toEqual([{ address: o, totalStake: 500n * LPT }]);
    expect(await devnet.currentRoundTotalActiveStake()).toBe(500n * LPT);
    await devnet.reward(o);
  });
});

describeOnLedgers("staking and the active set", (kind) => {
  const w = worldFor(kind, network());

  test("only strictly greater stake displaces the lowest member; the evicted one leaves at N+1", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2, o3] = addr as [string, `0x${string}`, `0x${string}`, `0x${string}`];
    expect((await devnet.getTranscoderPool()).map((m) => m.address)).toEqual([o1, o2]);
    // Equal stake (3,000 = O2's) does not displace.
    await devnet.bond(o3, 3000n * LPT, o3);
    const eq = await devnet.transcoder(o3, 0n, 0n);
    expect(eq.events.map((e) => e.name)).toEqual(["TranscoderUpdate"]);
    expect(await devnet.getTranscoderPoolSize()).toBe(2n);
    // One more wei tips it: O2 is deactivated at round 3, O3 activated at round 3.
    const tip = await devnet.bond(o3, 1n, o3);
    const names = tip.events.map((e) => e.name);
    expect(names).toContain("TranscoderDeactivated");
    expect(tip.events.find((e) => e.name === "TranscoderDeactivated")?.args).toMatchObject({
      transcoder: o2,
      deactivationRound: 3n,
    });
    expect(tip.events.find((e) => e.name === "TranscoderActivated")?.args).toMatchObject({
      transcoder: o3,
      activationRound: 3n,
    });
    expect(await devnet.nextRoundTotalActiveStake()).toBe(4000n * LPT + 3000n * LPT + 1n);
    // Round 2 is unchanged: O2 still active, O3 not yet.
    expect(await devnet.isActiveTranscoder(o2)).toBe(true);
    expect(await devnet.isActiveTranscoder(o3)).toBe(false);
    expect((await devnet.getActiveSet()).map((m) => m.address)).toEqual([o1, o2]);
    await w.nextRound(o1);
    expect(await devnet.isActiveTranscoder(o2)).toBe(false);
    expect(await devnet.isActiveTranscoder(o3)).toBe(true);
    expect((await devnet.getActiveSet()).map((m) => m.address)).toEqual([o1, o3]);
  });

  test("unbonding: a lock is withdrawable at N + unbondingPeriod; rebond cancels a lock; Pending cannot unbond", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, , , d1, , d6] = addr as `0x${string}`[];
    // A delegator bonded this round is Pending and cannot unbond yet.
    await devnet.bond(d6!, 10n * LPT, o1!);
    expect((await devnet.getDelegator(d6!)).status).toBe("Pending");
    await expect(devnet.unbond(d6!, 1n)).rejects.toMatchObject({ code: "NOT_BONDED" });

    const u = await devnet.unbond(d1!, 400n * LPT);
    expect(u.events.find((e) => e.name === "Unbond")?.args).toMatchObject({
      delegate: o1,
      delegator: d1,
      unbondingLockId: 0n,
      amount: 400n * LPT,
      withdrawRound: 4n,
    });
    expect(await devnet.transcoderTotalStake(o1!)).toBe(3610n * LPT);
    await devnet.unbond(d1!, 100n * LPT); // lock 1
    expect(await devnet.getDelegatorUnbondingLocks(d1!)).toEqual([
      { id: 0n, amount: 400n * LPT, withdrawRound: 4n },
      { id: 1n, amount: 100n * LPT, withdrawRound: 4n },
    ]);
    await w.nextRound(o1!);
    await expect(devnet.withdrawStake(d1!, 0n)).rejects.toMatchObject({ code: "LOCK_NOT_WITHDRAWABLE" });
    await devnet.rebond(d1!, 1n);
    expect((await devnet.getDelegator(d1!)).bondedAmount).toBe(600n * LPT);
    await expect(devnet.rebond(d1!, 1n)).rejects.toMatchObject({ code: "INVALID_LOCK" });
    await w.nextRound(o1!);
    const before = await devnet.balanceOf(d1!);
    const withdrawn = await devnet.withdrawStake(d1!, 0n);
    expect(withdrawn.events[0]?.args).toMatchObject({
      delegator: d1,
      unbondingLockId: 0n,
      amount: 400n * LPT,
      withdrawRound: 4n,
    });
    expect(await devnet.balanceOf(d1!)).toBe(before + 400n * LPT);
    await expect(devnet.withdrawStake(d1!, 0n)).rejects.toMatchObject({ code: "INVALID_LOCK" });
  });

  test("a full unbond of an orchestrator resigns it at N+1; rebondFromUnbonded re-delegates from N+1", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2] = addr as `0x${string}`[];
    const res = await devnet.unbond(o2!, 3000n * LPT);
    expect(res.events.find((e) => e.name === "TranscoderDeactivated")?.args).toMatchObject({
      transcoder: o2,
      deactivationRound: 3n,
    });
    expect(await devnet.isActiveTranscoder(o2!)).toBe(true);
    expect(await devnet.nextRoundTotalActiveStake()).toBe(4000n * LPT);
    await w.nextRound(o1!);
    expect(await devnet.isActiveTranscoder(o2!)).toBe(false);
    await devnet.rebondFromUnbonded(o2!, o1!, 0n);
    const d = await devnet.getDelegator(o2!);
    expect(d).toMatchObject({
      bondedAmount: 3000n * LPT,
      delegateAddress: o1,
      startRound: 4n,
      status: "Pending",
    });
    expect(await devnet.transcoderTotalStake(o1!)).toBe(7000n * LPT);
  });

  test("claim-timing edge case (mirrors the contract): a delegator that claims in round N before reward() loses its round-N share", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2, , d1, d2] = addr as `0x${string}`[];
    // Round 2: both delegators hold 1,000 with O1. D1 claims BEFORE O1's reward, D2 does not.
    await devnet.claimEarnings(d1!, 0n);
    await devnet.reward(o1!);
    await w.nextRound(o2!);
    const p1 = await devnet.pendingStake(d1!);
    const p2 = await devnet.pendingStake(d2!);
    // D1's claim stored round 2's start factor as the pre-reward CRF, then reward() overwrote CRF[2];
    // D1's next claim starts from the new CRF[2], so the round-2 share is never credited.
    // The same figures on both ledgers: mintable 4,008 LPT, O1's 4,000 of 7,000 active takes
    // 2,290.29 of it, 90% to its delegators: D2 1,000 x CRF[2] (1.5153142853278).
    expect(p1).toBe(1000n * LPT);
    expect(p2).toBe(1515314285327800000000n);
    // In round 3, claiming AFTER reward() keeps the share (the safe default: claim late in the round).
    await devnet.reward(o1!);
    await devnet.claimEarnings(d1!, 0n);
    await w.nextRound(o2!);
    expect(await devnet.pendingStake(d1!)).toBe(1388775310862498646320n);
  });

  test("transferBond refuses to force a claim on a receiver before its orchestrator's reward() in N (CLAIM_FORBIDDEN)", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, , , d1, d2] = addr as `0x${string}`[];
    await expect(devnet.transferBond(d1!, d2!, 100n * LPT)).rejects.toMatchObject({
      code: "CLAIM_FORBIDDEN",
      message: "ILLEGAL_CLAIM_EARNINGS",
    });
    // Nothing applied: D1 still bonded 1,000, no lock.
    expect((await devnet.getDelegator(d1!)).bondedAmount).toBe(1000n * LPT);
    await devnet.reward(o1!);
    const d2Pending = await devnet.pendingStake(d2!);
    expect(d2Pending).toBeGreaterThan(1000n * LPT); // its round-2 share, claimed by the transfer
    const res = await devnet.transferBond(d1!, d2!, 100n * LPT);
    expect(res.events.find((e) => e.name === "TransferBond")?.args).toMatchObject({
      oldDelegator: d1,
      newDelegator: d2,
      oldUnbondingLockId: 0n,
      newUnbondingLockId: 0n,
      amount: 100n * LPT,
    });
    expect((await devnet.getDelegator(d2!)).bondedAmount).toBe(d2Pending + 100n * LPT);
    expect(await devnet.getDelegatorUnbondingLocks(d1!)).toEqual([]);
  });

  test("new delegation fills the delegate's round-N factors, so a new delegator never reads CRF 0 as 1 (chosen behaviour)", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2, , , , d6] = addr as `0x${string}`[];
    await devnet.reward(o1!);
    await w.nextRound(o2!);
    // O1 skips reward in round 3; D6 bonds in round 3 and must earn nothing until O1 rewards again.
    await devnet.bond(d6!, 100n * LPT, o1!);
    expect((await devnet.getTranscoderEarningsPoolForRound(o1!, 3n)).cumulativeRewardFactor).toBe(
      (await devnet.getTranscoderEarningsPoolForRound(o1!, 2n)).cumulativeRewardFactor,
    );
    await w.nextRound(o2!);
    expect(await devnet.pendingStake(d6!)).toBe(100n * LPT);
  });

  test("a registered orchestrator cannot delegate elsewhere; transcoder() is refused in the lock period", async () => {
    const devnet = await w.fresh();
    const addr = w.addr;
    const [, o1, o2] = addr as `0x${string}`[];
    await expect(devnet.bond(o1!, 1n, o2!)).rejects.toMatchObject({ code: "INVALID_ADDRESS" });
    // Active and not yet rewarded: may not change its cut.
    await expect(devnet.transcoder(o1!, 1n, 1n)).rejects.toMatchObject({ code: "ORCHESTRATOR_NOT_REWARDED" });
    await devnet.reward(o1!);
    await devnet.transcoder(o1!, 200_000n, 600_000n);
    expect(await devnet.getTranscoder(o1!)).toMatchObject({ rewardCut: 200_000n, feeShare: 600_000n });
    await expect(devnet.transcoder(o1!, 1_000_001n, 0n)).rejects.toMatchObject({
      code: "INVALID_PERCENTAGE",
    });
    // roundLength 100, lock 10%: blocks 90..99 of the round are locked.
    expect(await devnet.currentRoundLocked()).toBe(false);
    await w.advanceBlocks(90n);
    expect(await devnet.currentRoundLocked()).toBe(true);
    await expect(devnet.transcoder(o1!, 1n, 1n)).rejects.toMatchObject({ code: "ROUND_LOCKED" });
  });
});
