// The chain ledger's event log in libSQL: protocol events are read from the chain once, from a
// cursor (block number and hash) kept per source, so getEvents never rescans from genesis and a
// restart picks up where the last read stopped. A cursor whose block hash no longer matches the
// chain means a reorg: the events of the last REORG_DEPTH blocks are dropped and read again.
import { and, asc, eq, gte } from "drizzle-orm";
import type { Address, Log, PublicClient } from "viem";
import type { Db } from "../../db/client.ts";
import { chainCursors, chainEvents } from "../../db/schema/chain.ts";
import { retryBusy } from "../../db/tx.ts";
import type { LedgerEvent, LedgerEventName } from "../types.ts";

/** How far back a detected reorg re-reads. */
export const REORG_DEPTH = 64n;
/** Blocks per eth_getLogs request (providers cap ranges). */
const LOG_CHUNK = 10_000n;

export interface EventStoreOptions {
  client: PublicClient;
  db: Db;
  /** One deployment: chain id and Controller. */
  source: string;
  addresses: Address[];
  fromBlock: bigint;
  /** Blocks left unread at the head, so shallow reorgs never reach the store. */
  confirmations: number;
  /** Decodes the protocol's events, each with the round it happened in. */
  decode(logs: Log[]): Promise<LedgerEvent[]>;
  now(): number;
}

export interface EventStore {
  /** Reads new blocks into the store (one read at a time in this process). */
  sync(): Promise<void>;
  /** Every stored event of the source in chain order, optionally of one name. */
  list(name?: LedgerEventName): Promise<LedgerEvent[]>;
}

// uint256 values survive JSON as "<decimal>n"; addresses and hashes start with 0x, so never clash.
const encodeArgs = (args: LedgerEvent["args"]) =>
  JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
const decodeArgs = (text: string): LedgerEvent["args"] =>
  JSON.parse(text, (_k, v) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));

export function createEventStore(o: EventStoreOptions): EventStore {
  let running: Promise<void> | undefined;

  async function cursor(): Promise<{ block: bigint; hash: string } | undefined> {
    const [row] = await o.db.select().from(chainCursors).where(eq(chainCursors.source, o.source));
    return row ? { block: BigInt(row.block), hash: row.blockHash } : undefined;
  }

  async function hashAt(block: bigint): Promise<string | undefined> {
    try {
      return (await o.client.getBlock({ blockNumber: block })).hash ?? undefined;
    } catch {
      return undefined; // past the head after a reorg to a shorter chain
    }
  }

  async function setCursor(block: bigint, hash: string): Promise<void> {
    const values = { block: Number(block), blockHash: hash, updatedAt: o.now() };
    await retryBusy(() =>
      o.db
        .insert(chainCursors)
        .values({ source: o.source, ...values })
        .onConflictDoUpdate({ target: chainCursors.source, set: values }),
    );
  }

  async function rollBack(from: bigint): Promise<void> {
    await retryBusy(() =>
      o.db
        .delete(chainEvents)
        .where(and(eq(chainEvents.source, o.source), gte(chainEvents.block, Number(from)))),
    );
  }

  async function read(): Promise<void> {
    const head = (await o.client.getBlockNumber({ cacheTime: 0 })) - BigInt(o.confirmations);
    let next = o.fromBlock;
    const at = await cursor();
    if (at) {
      next = at.block + 1n;
      if ((await hashAt(at.block)) !== at.hash) {
        next = at.block - REORG_DEPTH > o.fromBlock ? at.block - REORG_DEPTH : o.fromBlock;
        await rollBack(next);
      }
    }
    while (next <= head) {
      const to = next + LOG_CHUNK - 1n < head ? next + LOG_CHUNK - 1n : head;
      const logs = (await o.client.getLogs({ address: o.addresses, fromBlock: next, toBlock: to })) as Log[];
      const rows = (await o.decode(logs)).map((e) => ({
        source: o.source,
        block: Number(e.block),
        logIndex: Number(e.id & 0xffffffn),
        blockHash: logs.find((l) => l.transactionHash === e.ref)?.blockHash ?? "0x",
        txHash: e.ref,
        name: e.name,
        round: Number(e.round),
        args: encodeArgs(e.args),
      }));
      if (rows.length) {
        await retryBusy(() => o.db.insert(chainEvents).values(rows).onConflictDoNothing());
      }
      const hash = await hashAt(to);
      if (!hash) return; // the head moved back under us: the next read sorts it out
      await setCursor(to, hash);
      next = to + 1n;
    }
  }

  return {
    sync() {
      running ??= read().finally(() => {
        running = undefined;
      });
      return running;
    },
    async list(name) {
      const rows = await o.db
        .select()
        .from(chainEvents)
        .where(
          name
            ? and(eq(chainEvents.source, o.source), eq(chainEvents.name, name))
            : eq(chainEvents.source, o.source),
        )
        .orderBy(asc(chainEvents.block), asc(chainEvents.logIndex));
      return rows.map((r) => ({
        id: (BigInt(r.block) << 24n) | BigInt(r.logIndex),
        name: r.name as LedgerEventName,
        round: BigInt(r.round),
        block: BigInt(r.block),
        ref: r.txHash as `0x${string}`,
        args: decodeArgs(r.args),
      }));
    },
  };
}
