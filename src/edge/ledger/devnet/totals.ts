// Sums over the whole devnet: what the conservation invariants compare.
import * as s from "../../db/schema/devnet.ts";
import { MINTER_ADDRESS, TREASURY_ADDRESS } from "./addresses.ts";
import type { Ctx } from "./context.ts";
import { pending } from "./earnings.ts";
import { remainingReserve } from "./ticket-broker.ts";

export interface DevnetTotals {
  /** LPT supply: genesis balances plus everything minted. */
  totalSupply: bigint;
  /** ETH in the devnet: the genesis balances (nothing creates or burns ETH). */
  totalEth: bigint;
  /** Σ LPT / ETH over every balance row, contracts included. */
  sumLpt: bigint;
  sumEth: bigint;
  minterLpt: bigint;
  minterEth: bigint;
  treasuryLpt: bigint;
  /** Σ bondedAmount, Σ pendingStake, Σ pendingFees over delegators; Σ unbonding locks. */
  bonded: bigint;
  pendingStake: bigint;
  pendingFees: bigint;
  unbonding: bigint;
  /** TicketBroker: Σ deposits and Σ remaining reserves. */
  deposits: bigint;
  reserves: bigint;
  /** The smallest balance seen (must never be negative). */
  minBalance: bigint;
}

export async function totals(ctx: Ctx): Promise<DevnetTotals> {
  const { store } = ctx;
  const db = store.db;
  const t: DevnetTotals = {
    totalSupply: store.big("totalSupply"),
    totalEth: store.big("totalEth"),
    sumLpt: 0n,
    sumEth: 0n,
    minterLpt: 0n,
    minterEth: 0n,
    treasuryLpt: 0n,
    bonded: 0n,
    pendingStake: 0n,
    pendingFees: 0n,
    unbonding: 0n,
    deposits: 0n,
    reserves: 0n,
    minBalance: 0n,
  };
  for (const b of await db.select().from(s.devnetBalances)) {
    t.sumLpt += b.lpt;
    t.sumEth += b.eth;
    for (const v of [b.lpt, b.eth]) if (v < t.minBalance) t.minBalance = v;
    if (b.address === MINTER_ADDRESS) {
      t.minterLpt = b.lpt;
      t.minterEth = b.eth;
    }
    if (b.address === TREASURY_ADDRESS) t.treasuryLpt = b.lpt;
  }
  for (const d of await db.select().from(s.devnetDelegators)) {
    t.bonded += d.bondedAmount;
    const p = await pending(store, d.address, ctx.round);
    t.pendingStake += p.stake;
    t.pendingFees += p.fees;
    for (const v of [d.bondedAmount, d.fees, d.delegatedAmount]) if (v < t.minBalance) t.minBalance = v;
  }
  for (const l of await db.select().from(s.devnetUnbondingLocks)) t.unbonding += l.amount;
  for (const sd of await db.select().from(s.devnetSenders)) {
    t.deposits += sd.deposit;
    t.reserves += remainingReserve(sd);
  }
  return t;
}
