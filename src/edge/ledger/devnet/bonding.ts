// BondingManager staking verbs: bond, unbond, rebond, rebondFromUnbonded, withdrawStake,
// withdrawFees, claimEarnings, transferBond.
import { isActiveInRound } from "../../../protocol/active-set.ts";
import { LedgerError } from "../errors.ts";
import { MINTER_ADDRESS, ZERO_ADDRESS } from "./addresses.ts";
import type { Ctx } from "./context.ts";
import { autoClaimEarnings, fillDelegatePool, updateDelegatorWithEarnings } from "./earnings.ts";
import { requireInitialized } from "./rounds.ts";
import {
  decreaseTotalStake,
  delegatorStatus,
  increaseTotalStake,
  isRegistered,
  resignTranscoder,
} from "./stake.ts";
import { transferEth, transferLpt } from "./tokens.ts";

export async function bond(ctx: Ctx, caller: string, amount: bigint, to: string): Promise<void> {
  requireInitialized(ctx);
  if (amount < 0n) throw new LedgerError("INVALID_AMOUNT", "amount must not be negative");
  // The contracts accept the zero address as a delegate (the stake then counts for no one).
  await autoClaimEarnings(ctx, caller);
  const { store, round } = ctx;
  const d = await store.delegator(caller);
  let delegationAmount = amount;
  const currentDelegate = d.delegateAddress;
  const currentBonded = d.bondedAmount;
  if (delegatorStatus(d, round) === "Unbonded") {
    d.startRound = round + 1n;
  } else if (currentBonded > 0n && currentDelegate !== to) {
    if (isRegistered(caller, d)) {
      throw new LedgerError(
        "INVALID_ADDRESS",
        "registered transcoders can't delegate towards other addresses",
      );
    }
    d.startRound = round + 1n;
    delegationAmount += currentBonded;
    await decreaseTotalStake(ctx, currentDelegate, currentBonded);
  }
  if (currentDelegate !== to) await fillDelegatePool(ctx, to);
  if (delegationAmount === 0n)
    throw new LedgerError("INVALID_AMOUNT", "delegation amount must be greater than 0");
  d.delegateAddress = to;
  d.bondedAmount = currentBonded + amount;
  await increaseTotalStake(ctx, to, delegationAmount);
  await transferLpt(store, caller, MINTER_ADDRESS, amount);
  store.emit("Bond", {
    newDelegate: to,
    oldDelegate: currentDelegate,
    delegator: caller,
    additionalAmount: amount,
    bondedAmount: d.bondedAmount,
  });
}

export async function unbond(ctx: Ctx, caller: string, amount: bigint): Promise<bigint> {
  requireInitialized(ctx);
  await autoClaimEarnings(ctx, caller);
  const { store, round } = ctx;
  const d = await store.delegator(caller);
  if (delegatorStatus(d, round) !== "Bonded") throw new LedgerError("NOT_BONDED", "caller must be bonded");
  if (amount <= 0n) throw new LedgerError("INVALID_AMOUNT", "unbond amount must be greater than 0");
  if (amount > d.bondedAmount)
    throw new LedgerError("INSUFFICIENT_BONDED", "amount is greater than bonded amount");
  const currentDelegate = d.delegateAddress;
  const withdrawRound = round + ctx.params.unbondingPeriod;
  const lockId = d.nextUnbondingLockId;
  await store.lock(caller, lockId);
  store.setLock(caller, lockId, { amount, withdrawRound });
  d.nextUnbondingLockId = lockId + 1n;
  d.bondedAmount -= amount;
  if (d.bondedAmount === 0n) {
    d.delegateAddress = ZERO_ADDRESS;
    d.startRound = 0n;
    if ((await store.transcoder(caller)).inPool) await resignTranscoder(ctx, caller);
  }
  await decreaseTotalStake(ctx, currentDelegate, amount);
  store.emit("Unbond", {
    delegate: currentDelegate,
    delegator: caller,
    unbondingLockId: lockId,
    amount,
    withdrawRound,
  });
  return lockId;
}

async function processRebond(ctx: Ctx, delegator: string, lockId: bigint): Promise<void> {
  const { store } = ctx;
  const lock = await store.lock(delegator, lockId);
  if (lock === null || lock.withdrawRound === 0n) {
    throw new LedgerError("INVALID_LOCK", "invalid unbonding lock ID");
  }
  const d = await store.delegator(delegator);
  d.bondedAmount += lock.amount;
  store.setLock(delegator, lockId, null);
  await increaseTotalStake(ctx, d.delegateAddress, lock.amount);
  store.emit("Rebond", {
    delegate: d.delegateAddress,
    delegator,
    unbondingLockId: lockId,
    amount: lock.amount,
  });
}

export async function rebond(ctx: Ctx, caller: string, lockId: bigint): Promise<void> {
  requireInitialized(ctx);
  await autoClaimEarnings(ctx, caller);
  const d = await ctx.store.delegator(caller);
  if (delegatorStatus(d, ctx.round) === "Unbonded")
    throw new LedgerError("NOT_BONDED", "caller must be bonded");
  await processRebond(ctx, caller, lockId);
}

export async function rebondFromUnbonded(
  ctx: Ctx,
  caller: string,
  to: string,
  lockId: bigint,
): Promise<void> {
  requireInitialized(ctx);
  await autoClaimEarnings(ctx, caller);
  const d = await ctx.store.delegator(caller);
  if (delegatorStatus(d, ctx.round) !== "Unbonded")
    throw new LedgerError("NOT_UNBONDED", "caller must be unbonded");
  d.startRound = ctx.round + 1n;
  d.delegateAddress = to;
  await fillDelegatePool(ctx, to);
  await processRebond(ctx, caller, lockId);
}

export async function withdrawStake(ctx: Ctx, caller: string, lockId: bigint): Promise<void> {
  requireInitialized(ctx);
  const { store } = ctx;
  const lock = await store.lock(caller, lockId);
  if (lock === null || lock.withdrawRound === 0n)
    throw new LedgerError("INVALID_LOCK", "invalid unbonding lock ID");
  if (lock.withdrawRound > ctx.round) {
    throw new LedgerError(
      "LOCK_NOT_WITHDRAWABLE",
      "withdraw round must be before or equal to the current round",
    );
  }
  store.setLock(caller, lockId, null);
  await transferLpt(store, MINTER_ADDRESS, caller, lock.amount);
  store.emit("WithdrawStake", {
    delegator: caller,
    unbondingLockId: lockId,
    amount: lock.amount,
    withdrawRound: lock.withdrawRound,
  });
}

export async function withdrawFees(
  ctx: Ctx,
  caller: string,
  recipient: string,
  amount: bigint,
): Promise<void> {
  requireInitialized(ctx);
  await autoClaimEarnings(ctx, caller);
  if (recipient === ZERO_ADDRESS) throw new LedgerError("INVALID_ADDRESS", "invalid recipient");
  const d = await ctx.store.delegator(caller);
  if (amount < 0n || d.fees < amount)
    throw new LedgerError("INSUFFICIENT_FEES", "insufficient fees to withdraw");
  d.fees -= amount;
  await transferEth(ctx.store, MINTER_ADDRESS, recipient, amount);
  ctx.store.emit("WithdrawFees", { delegator: caller, recipient, amount });
}

export async function claimEarnings(ctx: Ctx, caller: string): Promise<void> {
  requireInitialized(ctx);
  await autoClaimEarnings(ctx, caller);
}

/**
 * transferBond: unbonds from the caller and hands the lock to the receiver, who claims and rebonds
 * it. Claiming the receiver's earnings is a claim forced by a third party, so it is refused
 * (ILLEGAL_CLAIM_EARNINGS, checked before anything else) when it would lose the receiver its
 * round-N share: its orchestrator is active and has not called reward() yet.
 */
export async function transferBond(
  ctx: Ctx,
  caller: string,
  receiver: string,
  amount: bigint,
): Promise<void> {
  requireInitialized(ctx);
  const { store, round } = ctx;
  const newDel = await store.delegator(receiver);
  if (newDel.lastClaimRound < round && receiver !== caller && newDel.delegateAddress !== ZERO_ADDRESS) {
    const t = await store.transcoder(newDel.delegateAddress);
    if (isActiveInRound(t, round) && t.lastRewardRound !== round) {
      throw new LedgerError("CLAIM_FORBIDDEN", "ILLEGAL_CLAIM_EARNINGS");
    }
  }
  const oldDel = await store.delegator(caller);
  const oldDelegate = oldDel.delegateAddress;
  const oldLockId = await unbond(ctx, caller, amount);
  const newLockId = newDel.nextUnbondingLockId;
  newDel.nextUnbondingLockId = newLockId + 1n;
  await store.lock(receiver, newLockId);
  store.setLock(receiver, newLockId, { amount, withdrawRound: round });
  store.setLock(caller, oldLockId, null);
  store.emit("TransferBond", {
    oldDelegator: caller,
    newDelegator: receiver,
    oldUnbondingLockId: oldLockId,
    newUnbondingLockId: newLockId,
    amount,
  });
  if (newDel.lastClaimRound < round) await updateDelegatorWithEarnings(ctx, receiver);
  if (newDel.delegateAddress === ZERO_ADDRESS) {
    // A receiver may not become self-delegated (a registered orchestrator) through a transfer.
    if (oldDelegate === receiver) throw new LedgerError("INVALID_ADDRESS", "INVALID_DELEGATOR");
    newDel.delegateAddress = oldDelegate;
    newDel.startRound = round + 1n;
    await fillDelegatePool(ctx, oldDelegate);
  }
  await processRebond(ctx, receiver, newLockId);
}
