// Tables of the devnet ledger: the protocol's contract state on libSQL. Every amount is a decimal
// TEXT column read as bigint (never REAL); addresses are stored lowercase.
import { customType, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A uint256 kept as decimal text. */
const uint = customType<{ data: bigint; driverData: string }>({
  dataType: () => "text",
  toDriver: (v) => v.toString(),
  fromDriver: (v) => BigInt(v),
});

/** Globals by key: clock, params, RoundsManager / Minter / BondingManager scalars, counters. */
export const devnetState = sqliteTable("devnet_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Initialized rounds with their pseudo block hash. */
export const devnetRounds = sqliteTable("devnet_rounds", {
  round: integer("round").primaryKey(),
  blockHash: text("block_hash").notNull(),
  startBlock: uint("start_block").notNull(),
  initializedAtBlock: uint("initialized_at_block").notNull(),
});

export const devnetBalances = sqliteTable("devnet_balances", {
  address: text("address").primaryKey(),
  lpt: uint("lpt").notNull(),
  eth: uint("eth").notNull(),
});

export const devnetDelegators = sqliteTable("devnet_delegators", {
  address: text("address").primaryKey(),
  bondedAmount: uint("bonded_amount").notNull(),
  fees: uint("fees").notNull(),
  delegateAddress: text("delegate_address").notNull(),
  delegatedAmount: uint("delegated_amount").notNull(),
  startRound: uint("start_round").notNull(),
  lastClaimRound: uint("last_claim_round").notNull(),
  nextUnbondingLockId: uint("next_unbonding_lock_id").notNull(),
});

export const devnetUnbondingLocks = sqliteTable(
  "devnet_unbonding_locks",
  {
    delegator: text("delegator").notNull(),
    id: integer("id").notNull(),
    amount: uint("amount").notNull(),
    withdrawRound: uint("withdraw_round").notNull(),
  },
  (t) => [primaryKey({ columns: [t.delegator, t.id] })],
);

export const devnetTranscoders = sqliteTable(
  "devnet_transcoders",
  {
    address: text("address").primaryKey(),
    lastRewardRound: uint("last_reward_round").notNull(),
    rewardCut: uint("reward_cut").notNull(),
    feeShare: uint("fee_share").notNull(),
    lastActiveStakeUpdateRound: uint("last_active_stake_update_round").notNull(),
    activationRound: uint("activation_round").notNull(),
    deactivationRound: uint("deactivation_round").notNull(),
    activeCumulativeRewards: uint("active_cumulative_rewards").notNull(),
    cumulativeRewards: uint("cumulative_rewards").notNull(),
    cumulativeFees: uint("cumulative_fees").notNull(),
    lastFeeRound: uint("last_fee_round").notNull(),
    /** 1 while in the transcoder pool (the next round's active set). */
    inPool: integer("in_pool").notNull(),
    /** Insertion order in the pool: ties on stake sort by it. */
    poolSeq: integer("pool_seq").notNull(),
  },
  (t) => [index("devnet_transcoders_pool_idx").on(t.inPool)],
);

export const devnetEarningsPools = sqliteTable(
  "devnet_earnings_pools",
  {
    transcoder: text("transcoder").notNull(),
    round: integer("round").notNull(),
    totalStake: uint("total_stake").notNull(),
    rewardCut: uint("reward_cut").notNull(),
    feeShare: uint("fee_share").notNull(),
    cumulativeRewardFactor: uint("cumulative_reward_factor").notNull(),
    cumulativeFeeFactor: uint("cumulative_fee_factor").notNull(),
  },
  (t) => [primaryKey({ columns: [t.transcoder, t.round] })],
);

export const devnetSenders = sqliteTable("devnet_senders", {
  address: text("address").primaryKey(),
  deposit: uint("deposit").notNull(),
  withdrawRound: uint("withdraw_round").notNull(),
  reserveFundsAdded: uint("reserve_funds_added").notNull(),
  reserveClaimed: uint("reserve_claimed").notNull(),
});

/** Reserve claims per (holder, round, claimant); claimant "*" holds the round's total. */
export const devnetReserveClaims = sqliteTable(
  "devnet_reserve_claims",
  {
    holder: text("holder").notNull(),
    round: integer("round").notNull(),
    claimant: text("claimant").notNull(),
    amount: uint("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.holder, t.round, t.claimant] })],
);

export const devnetUsedTickets = sqliteTable("devnet_used_tickets", {
  hash: text("hash").primaryKey(),
  round: integer("round").notNull(),
  ref: text("ref").notNull(),
});

export const devnetServiceUris = sqliteTable("devnet_service_uris", {
  address: text("address").primaryKey(),
  uri: text("uri").notNull(),
});

/** BondingManager.transcoderToRewardCaller: the one address an orchestrator lets call reward for it. */
export const devnetRewardCallers = sqliteTable("devnet_reward_callers", {
  transcoder: text("transcoder").primaryKey(),
  rewardCaller: text("reward_caller").notNull(),
});

/** Append-only contract event log. `args` is JSON with tagged bigints; `addresses` lists every address arg. */
export const devnetEvents = sqliteTable(
  "devnet_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ref: text("ref").notNull(),
    name: text("name").notNull(),
    round: integer("round").notNull(),
    block: integer("block").notNull(),
    args: text("args").notNull(),
    addresses: text("addresses").notNull(),
  },
  (t) => [index("devnet_events_name_idx").on(t.name, t.id)],
);
