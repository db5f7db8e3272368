// BondingManager's stake bookkeeping and the transcoder pool (the next round's active set).
import { decideJoin, isActiveInRound, MAX_FUTURE_ROUND } from "../../../protocol/active-set.ts";
import type { Ctx } from "./context.ts";
import type { Delegator } from "./store.ts";

export function isRegistered(addr: string, d: Delegator): boolean {
  return d.delegateAddress === addr && d.bondedAmount > 0n;
}

export async function isActive(ctx: Ctx, addr: string): Promise<boolean> {
  return isActiveInRound(await ctx.store.transcoder(addr), ctx.round);
}

export type DelegatorStatus = "Pending" | "Bonded" | "Unbonded";

export function delegatorStatus(d: Delegator, round: bigint): DelegatorStatus {
  if (d.bondedAmount === 0n) return "Unbonded";
  if (d.startRound > round) return "Pending";
  return "Bonded";
}

/** Sets the stake of pool N (when last updated earlier) and of pool N+1. */
async function recordStakeChange(ctx: Ctx, addr: string, currStake: bigint, newStake: bigint): Promise<void> {
  const { store, round } = ctx;
  const t = await store.transcoder(addr);
  const next = round + 1n;
  await store.loadPools(addr, [round, next]);
  if (t.lastActiveStakeUpdateRound < round) {
    store.setPool(addr, round, { ...store.pool(addr, round), totalStake: currStake });
  }
  store.setPool(addr, next, { ...store.pool(addr, next), totalStake: newStake });
  t.lastActiveStakeUpdateRound = next;
  // transcoderPool.updateKey removes and reinserts the node: it moves above its equals.
  t.poolSeq = nextPoolSeq(ctx);
}

function nextPoolSeq(ctx: Ctx): bigint {
  const seq = ctx.store.big("poolSeq") + 1n;
  ctx.store.set("poolSeq", seq);
  return seq;
}

export async function increaseTotalStake(ctx: Ctx, delegate: string, amount: bigint): Promise<void> {
  const { store } = ctx;
  const d = await store.delegator(delegate);
  if (isRegistered(delegate, d)) {
    const t = await store.transcoder(delegate);
    const currStake = d.delegatedAmount;
    const newStake = currStake + amount;
    if (t.inPool) {
      store.set("nextRoundTotalActiveStake", store.big("nextRoundTotalActiveStake") + amount);
      await recordStakeChange(ctx, delegate, currStake, newStake);
    } else {
      await tryToJoinActiveSet(ctx, delegate, newStake, ctx.round + 1n);
    }
  }
  d.delegatedAmount += amount;
}

export async function decreaseTotalStake(ctx: Ctx, delegate: string, amount: bigint): Promise<void> {
  const { store } = ctx;
  const d = await store.delegator(delegate);
  const t = await store.transcoder(delegate);
  if (t.inPool) {
    const currStake = d.delegatedAmount;
    store.set("nextRoundTotalActiveStake", store.big("nextRoundTotalActiveStake") - amount);
    await recordStakeChange(ctx, delegate, currStake, currStake - amount);
  }
  d.delegatedAmount -= amount;
}

/** Joins the pool when there is room or the stake is STRICTLY above the lowest member's. */
export async function tryToJoinActiveSet(
  ctx: Ctx,
  addr: string,
  totalStake: bigint,
  activationRound: bigint,
): Promise<void> {
  const { store } = ctx;
  let pending = store.big("nextRoundTotalActiveStake");
  const members = await store.poolMembers();
  const decision = decideJoin(members, ctx.params.numActiveTranscoders, totalStake);
  if (!decision.joins) return;
  if (decision.evicted) {
    const ev = await store.transcoder(decision.evicted.address);
    ev.inPool = false;
    ev.deactivationRound = activationRound;
    pending -= decision.evicted.stake;
    store.emit("TranscoderDeactivated", {
      transcoder: decision.evicted.address,
      deactivationRound: activationRound,
    });
  }
  const t = await store.transcoder(addr);
  t.inPool = true;
  t.poolSeq = nextPoolSeq(ctx);
  pending += totalStake;
  t.lastActiveStakeUpdateRound = activationRound;
  t.activationRound = activationRound;
  t.deactivationRound = MAX_FUTURE_ROUND;
  await store.loadPools(addr, [activationRound]);
  store.setPool(addr, activationRound, { ...store.pool(addr, activationRound), totalStake });
  store.set("nextRoundTotalActiveStake", pending);
  store.emit("TranscoderActivated", { transcoder: addr, activationRound });
}

/** Leaves the pool at N+1 (full unbond of an orchestrator). */
export async function resignTranscoder(ctx: Ctx, addr: string): Promise<void> {
  const { store } = ctx;
  const t = await store.transcoder(addr);
  const d = await store.delegator(addr);
  t.inPool = false;
  store.set("nextRoundTotalActiveStake", store.big("nextRoundTotalActiveStake") - d.delegatedAmount);
  t.deactivationRound = ctx.round + 1n;
  store.emit("TranscoderDeactivated", { transcoder: addr, deactivationRound: t.deactivationRound });
}
