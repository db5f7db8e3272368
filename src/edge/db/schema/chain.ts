// Tables of the chain ledger: the protocol events it has read from the chain, and how far it read.
// A source is one deployment (chain id and Controller), so one database can follow several.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The last block read for a source, with its hash: a different hash there later means a reorg. */
export const chainCursors = sqliteTable("chain_cursors", {
  source: text("source").primaryKey(),
  block: integer("block").notNull(),
  blockHash: text("block_hash").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** One decoded protocol event; `args` is JSON with uint256 values as "<decimal>n" strings. */
export const chainEvents = sqliteTable(
  "chain_events",
  {
    source: text("source").notNull(),
    block: integer("block").notNull(),
    logIndex: integer("log_index").notNull(),
    blockHash: text("block_hash").notNull(),
    txHash: text("tx_hash").notNull(),
    name: text("name").notNull(),
    /** The protocol round the event happened in (RoundsManager.currentRound at its block). */
    round: integer("round").notNull().default(0),
    args: text("args").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.block, t.logIndex] })],
);
