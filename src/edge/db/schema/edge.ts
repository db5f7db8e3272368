import { integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Tables of the edge core: the scheduler's lease and reward-call history, the staking API's
// single-use nonces, and settings shared by every edge on one database (the ticket secret).
// Times are epoch milliseconds; amounts are decimal strings (bigint).

/** A named lease held by one edge process at a time (the scheduler's leader election). */
export const edgeLeases = sqliteTable("edge_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
  acquiredAt: integer("acquired_at").notNull(),
});

/** One row per (orchestrator, round): the outcome of the scheduler's reward() call. */
export const rewardCalls = sqliteTable(
  "reward_calls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orchestrator: text("orchestrator").notNull(),
    round: integer("round").notNull(),
    /** succeeded | failed */
    status: text("status").notNull(),
    /** Ledger reference of the successful call (tx hash on chain). */
    ref: text("ref"),
    /** Minted to the orchestrator's pool (after the treasury cut), decimal string. */
    amount: text("amount"),
    errorCode: text("error_code"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(1),
    /** Which edge process made the call (its lease holder id). */
    holder: text("holder").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("reward_calls_orchestrator_round_uq").on(t.orchestrator, t.round)],
);

/** Nonces of signed staking writes, each usable once per signer; pruned after the deadline. */
export const authNonces = sqliteTable(
  "auth_nonces",
  {
    signer: text("signer").notNull(),
    nonce: text("nonce").notNull(),
    action: text("action").notNull(),
    deadline: integer("deadline").notNull(),
    usedAt: integer("used_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.signer, t.nonce] })],
);

/** Key/value settings shared by every edge on the database; first writer wins. */
export const edgeSettings = sqliteTable("edge_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: integer("created_at").notNull(),
});
