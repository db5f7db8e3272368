// One drizzle schema, split by owner: the chain ledger's event cursors, the devnet ledger's tables, the edge's, and the job queue's.
export * from "./chain.ts";
export * from "./devnet.ts";
export * from "./edge.ts";
export * from "./jobs.ts";
export * from "./payments.ts";
