// Read-only views of the devnet contracts, evaluated at the current block.
import { and, asc, eq, gt, like } from "drizzle-orm";
import { isActiveInRound, sortPool } from "../../../protocol/active-set.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import type { Db } from "../../db/client.ts";
import { rawAll } from "../../db/raw.ts";
import * as s from "../../db/schema/devnet.ts";
import type {
  DelegatorInfo,
  EarningsPoolInfo,
  EventFilter,
  LedgerEvent,
  PoolMember,
  SenderInfo,
  TranscoderInfo,
  UnbondingLock,
} from "../types.ts";
import { key, out } from "./addresses.ts";
import type { Ctx } from "./context.ts";
import { pending } from "./earnings.ts";
import { toLedgerEvent } from "./events.ts";
import { delegatorStatus } from "./stake.ts";
import { ROUND_TOTAL, remainingReserve } from "./ticket-broker.ts";

export const ZERO_HASH = `0x${"00".repeat(32)}` as Hex;

export async function blockHashForRound(ctx: Ctx, round: bigint): Promise<Hex> {
  if (round < 0n || round >= 2n ** 53n) return ZERO_HASH;
  // Plain SQL (db/raw.ts): every ticket's validation asks for its creation round's hash.
  const [row] = await rawAll(
    ctx.store.db as unknown as Db,
    "select block_hash from devnet_rounds where round = ?",
    [Number(round)],
  );
  return row ? (String(row[0]) as Hex) : ZERO_HASH;
}

export async function getDelegator(ctx: Ctx, address: string): Promise<DelegatorInfo> {
  const d = await ctx.store.delegator(key(address));
  return {
    bondedAmount: d.bondedAmount,
    fees: d.fees,
    delegateAddress: out(d.delegateAddress),
    delegatedAmount: d.delegatedAmount,
    startRound: d.startRound,
    lastClaimRound: d.lastClaimRound,
    nextUnbondingLockId: d.nextUnbondingLockId,
    status: delegatorStatus(d, ctx.round),
  };
}

export async function getDelegatorUnbondingLocks(ctx: Ctx, address: string): Promise<UnbondingLock[]> {
  const rows = await ctx.store.db
    .select()
    .from(s.devnetUnbondingLocks)
    .where(eq(s.devnetUnbondingLocks.delegator, key(address)))
    .orderBy(asc(s.devnetUnbondingLocks.id));
  return rows.map((r) => ({ id: BigInt(r.id), amount: r.amount, withdrawRound: r.withdrawRound }));
}

export async function getTranscoder(ctx: Ctx, address: string): Promise<TranscoderInfo> {
  const t = await ctx.store.transcoder(key(address));
  return {
    lastRewardRound: t.lastRewardRound,
    rewardCut: t.rewardCut,
    feeShare: t.feeShare,
    lastActiveStakeUpdateRound: t.lastActiveStakeUpdateRound,
    activationRound: t.activationRound,
    deactivationRound: t.deactivationRound,
    activeCumulativeRewards: t.activeCumulativeRewards,
    cumulativeRewards: t.cumulativeRewards,
    cumulativeFees: t.cumulativeFees,
    lastFeeRound: t.lastFeeRound,
  };
}

export async function getEarningsPool(ctx: Ctx, address: string, round: bigint): Promise<EarningsPoolInfo> {
  const a = key(address);
  await ctx.store.loadPools(a, [round]);
  const p = ctx.store.pool(a, round);
  return {
    totalStake: p.totalStake,
    transcoderRewardCut: p.transcoderRewardCut,
    transcoderFeeShare: p.transcoderFeeShare,
    cumulativeRewardFactor: p.cumulativeRewardFactor,
    cumulativeFeeFactor: p.cumulativeFeeFactor,
  };
}

export async function pendingOf(ctx: Ctx, address: string) {
  return pending(ctx.store, key(address), ctx.round);
}

export async function transcoderPool(ctx: Ctx): Promise<PoolMember[]> {
  const members = sortPool(await ctx.store.poolMembers());
  return members.map((m) => ({ address: out(m.address), totalStake: m.stake }));
}

/** Orchestrators active in the current round, with the stake that counts in it. */
export async function activeSet(ctx: Ctx): Promise<PoolMember[]> {
  const { store, round } = ctx;
  const rows = await store.db.select().from(s.devnetTranscoders);
  const members: { address: Address; stake: bigint; seq: bigint }[] = [];
  for (const r of rows) {
    const t = await store.transcoder(r.address);
    if (!isActiveInRound(t, round)) continue;
    let stake = (await store.delegator(r.address)).delegatedAmount;
    if (t.lastActiveStakeUpdateRound > round) {
      await store.loadPools(r.address, [round]);
      stake = store.pool(r.address, round).totalStake;
    }
    members.push({ address: r.address as Address, stake, seq: t.poolSeq });
  }
  return sortPool(members).map((m) => ({ address: out(m.address), totalStake: m.stake }));
}

export async function getSenderInfo(ctx: Ctx, address: string): Promise<SenderInfo> {
  const a = key(address);
  const sd = await ctx.store.sender(a);
  return {
    sender: { deposit: sd.deposit, withdrawRound: sd.withdrawRound },
    reserve: {
      fundsRemaining: remainingReserve(sd),
      claimedInCurrentRound: await ctx.store.reserveClaim(a, ctx.round, ROUND_TOTAL),
    },
  };
}

export async function usedTicket(ctx: Ctx, hash: Hex): Promise<boolean> {
  return ctx.store.isUsed(hash.toLowerCase() as Hex);
}

export async function getServiceURI(ctx: Ctx, address: string): Promise<string> {
  const [row] = await ctx.store.db
    .select()
    .from(s.devnetServiceUris)
    .where(eq(s.devnetServiceUris.address, key(address)));
  return row?.uri ?? "";
}

export async function getEvents(ctx: Ctx, filter: EventFilter = {}): Promise<LedgerEvent[]> {
  const conds = [];
  if (filter.name) conds.push(eq(s.devnetEvents.name, filter.name));
  if (filter.address) conds.push(like(s.devnetEvents.addresses, `%,${key(filter.address)},%`));
  if (filter.fromId !== undefined) conds.push(gt(s.devnetEvents.id, Number(filter.fromId)));
  const q = ctx.store.db
    .select()
    .from(s.devnetEvents)
    .where(conds.length > 0 ? and(...conds) : undefined)
    .orderBy(asc(s.devnetEvents.id));
  const rows = filter.limit !== undefined ? await q.limit(filter.limit) : await q;
  return rows.map(toLedgerEvent);
}
