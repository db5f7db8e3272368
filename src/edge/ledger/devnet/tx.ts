// Every state-changing call is ONE database transaction (BEGIN IMMEDIATE), retried with jitter on
// SQLITE_BUSY, that applies fully or not at all and appends its events to devnet_events.
import { encodePacked, keccak256 } from "viem";
import type { Hex } from "../../../protocol/types.ts";
import type { DbHandle } from "../../db/client.ts";
import { devnetEvents } from "../../db/schema/devnet.ts";
import { isBusy, retryBusy } from "../../db/tx.ts";
import type { Clock } from "../../deps.ts";
import { LedgerError } from "../errors.ts";
import type { TxResult } from "../types.ts";
import { type Ctx, makeCtx } from "./context.ts";
import { addressesOf, encodeArgs, toLedgerEvent } from "./events.ts";
import type { Mutex } from "./mutex.ts";
import { type Executor, readGlobals, Store } from "./store.ts";

export interface DevnetEnv {
  handle: DbHandle;
  clock: Clock;
  mutex: Mutex;
  reads: ReadBatch;
}

const ZERO_REF = `0x${"00".repeat(32)}` as Hex;
const BUSY_DEADLINE_MS = 30_000;

/** Runs `fn` in a write transaction and returns the receipt. */
export async function write(env: DevnetEnv, fn: (ctx: Ctx) => Promise<void>): Promise<TxResult> {
  return env.mutex.run(() =>
    busyRetry(() =>
      env.handle.db.transaction(async (tx) => {
        const store = new Store(tx as unknown as Executor);
        await store.loadGlobals();
        const n = store.big("txCounter") + 1n;
        store.set("txCounter", n);
        const ref = keccak256(encodePacked(["bytes32", "uint256"], [store.str("genesisId") as Hex, n]));
        const ctx = makeCtx(store, env.clock.now(), ref);
        await fn(ctx);
        await store.flush();
        const events = [];
        if (store.events.length > 0) {
          const rows = await tx
            .insert(devnetEvents)
            .values(
              store.events.map((e) => ({
                ref,
                name: e.name,
                round: Number(ctx.round),
                block: Number(ctx.block),
                args: encodeArgs(e.args),
                addresses: addressesOf(e.args),
              })),
            )
            .returning();
          events.push(...rows.map(toLedgerEvent));
        }
        return { ref, round: ctx.round, block: ctx.block, events };
      }),
    ),
  );
}

/**
 * Runs a read against the committed state. Reads that wait for the mutex together form one batch:
 * the state rows are read once for all of them (a ticket's validation asks six questions at once),
 * then each read runs in turn on its own store over a copy of them, as if it had read them itself.
 */
export function read<T>(env: DevnetEnv, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry: PendingRead = { fn, resolve: resolve as (v: unknown) => void, reject };
    if (env.reads.waiting) {
      env.reads.waiting.push(entry);
      return;
    }
    const batch = [entry];
    env.reads.waiting = batch;
    void env.mutex.run(async () => {
      env.reads.waiting = undefined; // reads from here on wait for the next batch
      const db = env.handle.db as unknown as Executor;
      let globals: Map<string, string>;
      try {
        globals = await busyRetry(() => readGlobals(db));
      } catch (err) {
        for (const r of batch) r.reject(err);
        return;
      }
      const now = env.clock.now();
      for (const r of batch) {
        try {
          r.resolve(await busyRetry(() => r.fn(makeCtx(new Store(db, globals), now, ZERO_REF))));
        } catch (err) {
          r.reject(err);
        }
      }
    });
  });
}

interface PendingRead {
  fn: (ctx: Ctx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The batch of reads waiting for the mutex (read), if one is forming. */
export interface ReadBatch {
  waiting: PendingRead[] | undefined;
}

/**
 * The shared busy retry (src/edge/db/tx.ts), except that the devnet's own domain errors are
 * never retried, and running out of time is a LedgerError (LEDGER_BUSY) like any ledger failure.
 */
async function busyRetry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await retryBusy(fn, { deadlineMs: BUSY_DEADLINE_MS, retryIf: (e) => !(e instanceof LedgerError) });
  } catch (e) {
    if (e instanceof LedgerError || !isBusy(e)) throw e;
    throw new LedgerError("LEDGER_BUSY", "devnet database stayed locked", { cause: e });
  }
}
