// A unit of work over the devnet tables: entities are read once per transaction, mutated in place
// by the protocol code, and written back at the end only when they changed.
import type { ResultSet, Row } from "@libsql/client";
import { and, eq, inArray } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { type EarningsPool, EMPTY_POOL } from "../../../protocol/earnings.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import type { Db } from "../../db/client.ts";
import { rawAll } from "../../db/raw.ts";
import * as t from "../../db/schema/devnet.ts";
import type { LedgerEventName } from "../types.ts";
import { ZERO_ADDRESS } from "./addresses.ts";

// biome-ignore lint/suspicious/noExplicitAny: drizzle's schema generic differs between db and tx
export type Executor = BaseSQLiteDatabase<"async", ResultSet, any>;

export interface Delegator {
  bondedAmount: bigint;
  fees: bigint;
  delegateAddress: string;
  delegatedAmount: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
  nextUnbondingLockId: bigint;
}

export interface Transcoder {
  lastRewardRound: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  lastActiveStakeUpdateRound: bigint;
  activationRound: bigint;
  deactivationRound: bigint;
  activeCumulativeRewards: bigint;
  cumulativeRewards: bigint;
  cumulativeFees: bigint;
  lastFeeRound: bigint;
  inPool: boolean;
  poolSeq: bigint;
}

export interface Sender {
  deposit: bigint;
  withdrawRound: bigint;
  reserveFundsAdded: bigint;
  reserveClaimed: bigint;
}

export interface Balance {
  lpt: bigint;
  eth: bigint;
}

export interface Lock {
  amount: bigint;
  withdrawRound: bigint;
}

export interface PendingEvent {
  name: LedgerEventName;
  args: Record<string, string | bigint | boolean>;
}

const newDelegator = (): Delegator => ({
  bondedAmount: 0n,
  fees: 0n,
  delegateAddress: ZERO_ADDRESS,
  delegatedAmount: 0n,
  startRound: 0n,
  lastClaimRound: 0n,
  nextUnbondingLockId: 0n,
});

const newTranscoder = (): Transcoder => ({
  lastRewardRound: 0n,
  rewardCut: 0n,
  feeShare: 0n,
  lastActiveStakeUpdateRound: 0n,
  activationRound: 0n,
  deactivationRound: 0n,
  activeCumulativeRewards: 0n,
  cumulativeRewards: 0n,
  cumulativeFees: 0n,
  lastFeeRound: 0n,
  inPool: false,
  poolSeq: 0n,
});

/** A uint256 column (decimal text) as read with plain SQL. */
const big = (v: unknown): bigint => BigInt(String(v));

const snap = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

/**
 * Every devnet_state row (key → value). Plain SQL (db/raw.ts): each ledger call starts with it,
 * and a paid job makes several.
 */
export async function readGlobals(db: Executor): Promise<Map<string, string>> {
  const rows = await rawAll(db as unknown as Db, "select key, value from devnet_state");
  const out = new Map<string, string>();
  for (const r of rows) out.set(String(r[0]), String(r[1]));
  return out;
}

/** One cached row and the serialised form it was read with. */
interface Cached<T> {
  value: T;
  original: string;
}

export class Store {
  private globals = new Map<string, string>();
  private dirtyGlobals = new Set<string>();
  private delegators = new Map<string, Cached<Delegator>>();
  private transcoders = new Map<string, Cached<Transcoder>>();
  private pools = new Map<string, Cached<EarningsPool>>();
  private senders = new Map<string, Cached<Sender>>();
  private balances = new Map<string, Cached<Balance>>();
  private locks = new Map<string, Cached<Lock | null>>();
  private claims = new Map<string, Cached<bigint>>();
  private used = new Map<string, { round: bigint; ref: Hex }>();
  private uris = new Map<string, string>();
  private rewardCallers = new Map<string, Cached<string>>();
  private roundRows: { round: bigint; blockHash: Hex; startBlock: bigint; initializedAtBlock: bigint }[] = [];
  readonly events: PendingEvent[] = [];

  /** `globals`: the state rows as already read (a batch of reads shares one read of them). */
  constructor(
    readonly db: Executor,
    globals?: ReadonlyMap<string, string>,
  ) {
    if (globals) this.globals = new Map(globals);
  }

  // ---- globals -------------------------------------------------------------------------------

  async loadGlobals(): Promise<void> {
    this.globals = await readGlobals(this.db);
  }

  has(k: string): boolean {
    return this.globals.has(k);
  }

  str(k: string): string {
    const v = this.globals.get(k);
    if (v === undefined) throw new Error(`devnet state is missing ${k}`);
    return v;
  }

  big(k: string): bigint {
    return BigInt(this.str(k));
  }

  set(k: string, v: bigint | string | number | boolean): void {
    this.globals.set(k, String(v));
    this.dirtyGlobals.add(k);
  }

  // ---- entities ------------------------------------------------------------------------------

  /**
   * Plain SQL (db/raw.ts) for the reads every ledger call makes (senders, reserve claims,
   * delegators, transcoders, the pool): drizzle's query building cost more than SQLite's work.
   */
  private rows(sql: string, args: (string | number)[] = []): Promise<Row[]> {
    return rawAll(this.db as unknown as Db, sql, args);
  }

  async delegator(addr: string): Promise<Delegator> {
    const hit = this.delegators.get(addr);
    if (hit) return hit.value;
    const [r] = await this.rows(
      "select bonded_amount, fees, delegate_address, delegated_amount, start_round, last_claim_round, " +
        "next_unbonding_lock_id from devnet_delegators where address = ?",
      [addr],
    );
    const value: Delegator = r
      ? {
          bondedAmount: big(r[0]),
          fees: big(r[1]),
          delegateAddress: String(r[2]),
          delegatedAmount: big(r[3]),
          startRound: big(r[4]),
          lastClaimRound: big(r[5]),
          nextUnbondingLockId: big(r[6]),
        }
      : newDelegator();
    this.delegators.set(addr, { value, original: snap(value) });
    return value;
  }

  async transcoder(addr: string): Promise<Transcoder> {
    const hit = this.transcoders.get(addr);
    if (hit) return hit.value;
    const [r] = await this.rows(
      "select last_reward_round, reward_cut, fee_share, last_active_stake_update_round, activation_round, " +
        "deactivation_round, active_cumulative_rewards, cumulative_rewards, cumulative_fees, last_fee_round, " +
        "in_pool, pool_seq from devnet_transcoders where address = ?",
      [addr],
    );
    const value: Transcoder = r
      ? {
          lastRewardRound: big(r[0]),
          rewardCut: big(r[1]),
          feeShare: big(r[2]),
          lastActiveStakeUpdateRound: big(r[3]),
          activationRound: big(r[4]),
          deactivationRound: big(r[5]),
          activeCumulativeRewards: big(r[6]),
          cumulativeRewards: big(r[7]),
          cumulativeFees: big(r[8]),
          lastFeeRound: big(r[9]),
          inPool: Number(r[10]) === 1,
          poolSeq: big(r[11]),
        }
      : newTranscoder();
    this.transcoders.set(addr, { value, original: snap(value) });
    return value;
  }

  /** Loads the pools of `addr` for the given rounds into the cache (one query). */
  async loadPools(addr: string, rounds: readonly bigint[]): Promise<void> {
    const missing = [...new Set(rounds.filter((r) => !this.pools.has(`${addr}|${r}`)))];
    if (missing.length === 0) return;
    const rows = await this.db
      .select()
      .from(t.devnetEarningsPools)
      .where(
        and(
          eq(t.devnetEarningsPools.transcoder, addr),
          inArray(
            t.devnetEarningsPools.round,
            missing.map((r) => Number(r)),
          ),
        ),
      );
    const found = new Map(rows.map((r) => [BigInt(r.round), r]));
    for (const r of missing) {
      const row = found.get(r);
      const value: EarningsPool = row
        ? {
            totalStake: row.totalStake,
            transcoderRewardCut: row.rewardCut,
            transcoderFeeShare: row.feeShare,
            cumulativeRewardFactor: row.cumulativeRewardFactor,
            cumulativeFeeFactor: row.cumulativeFeeFactor,
          }
        : { ...EMPTY_POOL };
      this.pools.set(`${addr}|${r}`, { value, original: snap(value) });
    }
  }

  /** A pool already loaded with loadPools; reading one that was not loaded is a bug. */
  pool(addr: string, round: bigint): EarningsPool {
    const hit = this.pools.get(`${addr}|${round}`);
    if (!hit) throw new Error(`earnings pool ${addr}@${round} read before it was loaded`);
    return hit.value;
  }

  /** A synchronous lookup for the pure earnings functions. */
  poolLookup(addr: string): (round: bigint) => EarningsPool {
    return (round) => this.pool(addr, round);
  }

  setPool(addr: string, round: bigint, value: EarningsPool): void {
    const hit = this.pools.get(`${addr}|${round}`);
    if (!hit) throw new Error(`earnings pool ${addr}@${round} written before it was loaded`);
    hit.value = value;
  }

  async sender(addr: string): Promise<Sender> {
    const hit = this.senders.get(addr);
    if (hit) return hit.value;
    const [r] = await this.rows(
      "select deposit, withdraw_round, reserve_funds_added, reserve_claimed from devnet_senders where address = ?",
      [addr],
    );
    const value: Sender = r
      ? {
          deposit: big(r[0]),
          withdrawRound: big(r[1]),
          reserveFundsAdded: big(r[2]),
          reserveClaimed: big(r[3]),
        }
      : { deposit: 0n, withdrawRound: 0n, reserveFundsAdded: 0n, reserveClaimed: 0n };
    this.senders.set(addr, { value, original: snap(value) });
    return value;
  }

  async balance(addr: string): Promise<Balance> {
    const hit = this.balances.get(addr);
    if (hit) return hit.value;
    const [row] = await this.db.select().from(t.devnetBalances).where(eq(t.devnetBalances.address, addr));
    const value: Balance = row ? { lpt: row.lpt, eth: row.eth } : { lpt: 0n, eth: 0n };
    this.balances.set(addr, { value, original: snap(value) });
    return value;
  }

  async lock(addr: string, id: bigint): Promise<Lock | null> {
    const k = `${addr}|${id}`;
    const hit = this.locks.get(k);
    if (hit) return hit.value;
    const [row] = await this.db
      .select()
      .from(t.devnetUnbondingLocks)
      .where(and(eq(t.devnetUnbondingLocks.delegator, addr), eq(t.devnetUnbondingLocks.id, Number(id))));
    const value = row ? { amount: row.amount, withdrawRound: row.withdrawRound } : null;
    this.locks.set(k, { value, original: snap(value) });
    return value;
  }

  setLock(addr: string, id: bigint, value: Lock | null): void {
    const k = `${addr}|${id}`;
    const hit = this.locks.get(k);
    if (hit) hit.value = value;
    else this.locks.set(k, { value, original: "null" });
  }

  async reserveClaim(holder: string, round: bigint, claimant: string): Promise<bigint> {
    const k = `${holder}|${round}|${claimant}`;
    const hit = this.claims.get(k);
    if (hit) return hit.value;
    const [r] = await this.rows(
      "select amount from devnet_reserve_claims where holder = ? and round = ? and claimant = ?",
      [holder, Number(round), claimant],
    );
    const value = r ? big(r[0]) : 0n;
    this.claims.set(k, { value, original: value.toString() });
    return value;
  }

  setReserveClaim(holder: string, round: bigint, claimant: string, value: bigint): void {
    const hit = this.claims.get(`${holder}|${round}|${claimant}`);
    if (!hit) throw new Error("reserve claim written before it was read");
    hit.value = value;
  }

  async isUsed(hash: Hex): Promise<boolean> {
    if (this.used.has(hash)) return true;
    const [row] = await this.db.select().from(t.devnetUsedTickets).where(eq(t.devnetUsedTickets.hash, hash));
    return row !== undefined;
  }

  markUsed(hash: Hex, round: bigint, ref: Hex): void {
    this.used.set(hash, { round, ref });
  }

  setServiceURI(addr: string, uri: string): void {
    this.uris.set(addr, uri);
  }

  /** transcoderToRewardCaller: the zero address when none was set. */
  async rewardCaller(transcoder: string): Promise<string> {
    const hit = this.rewardCallers.get(transcoder);
    if (hit) return hit.value;
    const [row] = await this.db
      .select()
      .from(t.devnetRewardCallers)
      .where(eq(t.devnetRewardCallers.transcoder, transcoder));
    const value = row?.rewardCaller ?? ZERO_ADDRESS;
    this.rewardCallers.set(transcoder, { value, original: value });
    return value;
  }

  setRewardCaller(transcoder: string, rewardCaller: string): void {
    const hit = this.rewardCallers.get(transcoder);
    if (hit) hit.value = rewardCaller;
    else this.rewardCallers.set(transcoder, { value: rewardCaller, original: "" });
  }

  addRound(round: bigint, blockHash: Hex, startBlock: bigint, initializedAtBlock: bigint): void {
    this.roundRows.push({ round, blockHash, startBlock, initializedAtBlock });
  }

  emit(name: LedgerEventName, args: Record<string, string | bigint | boolean>): void {
    this.events.push({ name, args });
  }

  /** Every transcoder in the pool with its stake (delegatedAmount) and insertion order. */
  async poolMembers(): Promise<{ address: Address; stake: bigint; seq: bigint }[]> {
    const rows = await this.rows(
      "select t.address, t.pool_seq, d.delegated_amount from devnet_transcoders t " +
        "join devnet_delegators d on d.address = t.address where t.in_pool = 1",
    );
    const members = new Map<string, { address: Address; stake: bigint; seq: bigint }>();
    for (const r of rows) {
      const address = String(r[0]) as Address;
      members.set(address, { address, stake: big(r[2]), seq: big(r[1]) });
    }
    // Rows this transaction already holds win: it may have changed membership or stake.
    for (const [addr, c] of this.transcoders) {
      if (!c.value.inPool) members.delete(addr);
      else members.set(addr, { address: addr as Address, stake: 0n, seq: c.value.poolSeq });
    }
    for (const m of members.values()) {
      const d = this.delegators.get(m.address);
      if (d) m.stake = d.value.delegatedAmount;
      else if (this.transcoders.has(m.address)) m.stake = (await this.delegator(m.address)).delegatedAmount;
    }
    return [...members.values()];
  }

  // ---- write-back ----------------------------------------------------------------------------

  /** Writes every changed row; called once, inside the transaction. */
  async flush(): Promise<void> {
    const db = this.db;
    for (const k of this.dirtyGlobals) {
      const value = this.globals.get(k)!;
      await db
        .insert(t.devnetState)
        .values({ key: k, value })
        .onConflictDoUpdate({ target: t.devnetState.key, set: { value } });
    }
    for (const [address, c] of this.delegators) {
      if (snap(c.value) === c.original) continue;
      const row = { address, ...c.value };
      await db
        .insert(t.devnetDelegators)
        .values(row)
        .onConflictDoUpdate({ target: t.devnetDelegators.address, set: row });
    }
    for (const [address, c] of this.transcoders) {
      if (snap(c.value) === c.original) continue;
      const row = { address, ...c.value, inPool: c.value.inPool ? 1 : 0, poolSeq: Number(c.value.poolSeq) };
      await db
        .insert(t.devnetTranscoders)
        .values(row)
        .onConflictDoUpdate({ target: t.devnetTranscoders.address, set: row });
    }
    for (const [k, c] of this.pools) {
      if (snap(c.value) === c.original) continue;
      const [transcoder, round] = k.split("|") as [string, string];
      const p = c.value;
      const row = {
        transcoder,
        round: Number(round),
        totalStake: p.totalStake,
        rewardCut: p.transcoderRewardCut,
        feeShare: p.transcoderFeeShare,
        cumulativeRewardFactor: p.cumulativeRewardFactor,
        cumulativeFeeFactor: p.cumulativeFeeFactor,
      };
      await db
        .insert(t.devnetEarningsPools)
        .values(row)
        .onConflictDoUpdate({
          target: [t.devnetEarningsPools.transcoder, t.devnetEarningsPools.round],
          set: row,
        });
    }
    for (const [address, c] of this.senders) {
      if (snap(c.value) === c.original) continue;
      const row = { address, ...c.value };
      await db
        .insert(t.devnetSenders)
        .values(row)
        .onConflictDoUpdate({ target: t.devnetSenders.address, set: row });
    }
    for (const [address, c] of this.balances) {
      if (snap(c.value) === c.original) continue;
      if (c.value.lpt < 0n || c.value.eth < 0n) throw new Error(`negative balance for ${address}`);
      const row = { address, ...c.value };
      await db
        .insert(t.devnetBalances)
        .values(row)
        .onConflictDoUpdate({ target: t.devnetBalances.address, set: row });
    }
    for (const [k, c] of this.locks) {
      if (snap(c.value) === c.original) continue;
      const [delegator, id] = k.split("|") as [string, string];
      if (c.value === null) {
        await db
          .delete(t.devnetUnbondingLocks)
          .where(
            and(eq(t.devnetUnbondingLocks.delegator, delegator), eq(t.devnetUnbondingLocks.id, Number(id))),
          );
      } else {
        const row = { delegator, id: Number(id), ...c.value };
        await db
          .insert(t.devnetUnbondingLocks)
          .values(row)
          .onConflictDoUpdate({
            target: [t.devnetUnbondingLocks.delegator, t.devnetUnbondingLocks.id],
            set: row,
          });
      }
    }
    for (const [k, c] of this.claims) {
      if (c.value.toString() === c.original) continue;
      const [holder, round, claimant] = k.split("|") as [string, string, string];
      const row = { holder, round: Number(round), claimant, amount: c.value };
      await db
        .insert(t.devnetReserveClaims)
        .values(row)
        .onConflictDoUpdate({
          target: [t.devnetReserveClaims.holder, t.devnetReserveClaims.round, t.devnetReserveClaims.claimant],
          set: { amount: c.value },
        });
    }
    // A plain insert: the primary key turns a concurrent double redemption into a failed transaction.
    for (const [hash, u] of this.used) {
      await db.insert(t.devnetUsedTickets).values({ hash, round: Number(u.round), ref: u.ref });
    }
    for (const [address, uri] of this.uris) {
      await db
        .insert(t.devnetServiceUris)
        .values({ address, uri })
        .onConflictDoUpdate({ target: t.devnetServiceUris.address, set: { uri } });
    }
    for (const [transcoder, c] of this.rewardCallers) {
      if (c.value === c.original) continue;
      await db
        .insert(t.devnetRewardCallers)
        .values({ transcoder, rewardCaller: c.value })
        .onConflictDoUpdate({ target: t.devnetRewardCallers.transcoder, set: { rewardCaller: c.value } });
    }
    for (const r of this.roundRows) {
      await db.insert(t.devnetRounds).values({ ...r, round: Number(r.round) });
    }
  }
}
