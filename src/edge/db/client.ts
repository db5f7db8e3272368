import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema/index.ts";

export type Db = LibSQLDatabase<typeof schema>;

export interface DbHandle {
  url: string;
  client: Client;
  db: Db;
  close(): void;
}

/**
 * Busy timeout of every pooled connection of a `file:` database, in ms. Deliberately short:
 * libSQL's local driver is synchronous, so a connection waiting on SQLite's busy handler freezes
 * the whole event loop, and if the lock belongs to an open transaction of this same process the
 * holder cannot commit until the wait ends. 50 ms absorbs the common case (another process's
 * transaction of a few ms); anything longer surfaces as SQLITE_BUSY and is retried
 * asynchronously with jitter (writeTx / retryBusy in ./tx.ts).
 */
export const BUSY_TIMEOUT_MS = 50;

// Resolved when used, not at import: Workers bundles have no file URL and never migrate.
// A bundled copy of this module (benches run under Node) lives elsewhere: fall back to ./migrations.
const migrationsFolder = async (): Promise<string> => {
  const beside = new URL("../../../migrations", import.meta.url).pathname;
  const { existsSync } = await import("node:fs");
  return existsSync(`${beside}/meta/_journal.json`) ? beside : `${process.cwd()}/migrations`;
};

/**
 * Opens a libSQL database (`file:…`, `:memory:` or `libsql://…`) and applies the committed
 * migrations. File databases get WAL, and every pooled connection (the client opens more as
 * transactions hold some) gets the short busy timeout above and synchronous=NORMAL, so several
 * processes can share them.
 */
export async function openDb(
  url: string,
  options: { authToken?: string; migrate?: boolean; migrationsFolder?: string } = {},
): Promise<DbHandle> {
  const local = url.startsWith("file:");
  // `timeout` is applied by the client to each connection it opens; a PRAGMA through
  // client.execute would reach only the one connection that happened to run it.
  if (local) await installLocalConnectionFixes();
  const client = createClient({
    url,
    ...(options.authToken ? { authToken: options.authToken } : {}),
    ...(local ? { timeout: BUSY_TIMEOUT_MS } : {}),
  });
  if (local) {
    // The pool holds one connection here (the client's open probe), which the fixes below could
    // not set up before the file was in WAL: these two statements reach exactly that one.
    await client.execute("PRAGMA journal_mode = WAL"); // stored in the file: once is enough
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  const db = drizzle(client, { schema });
  serializeTransactions(db);
  if (options.migrate !== false) {
    await migrate(db, { migrationsFolder: options.migrationsFolder ?? (await migrationsFolder()) });
  }
  return { url, client, db, close: () => client.close() };
}

/**
 * Runs this process's transactions on the database one at a time. libSQL's local driver is
 * synchronous: a second connection that waits for the write lock held by an open transaction of
 * the same process blocks the event loop, so the holder can never commit (a stall until the busy
 * timeout). Other processes are unaffected and still contend through SQLite's lock.
 */
function serializeTransactions(db: Db): void {
  const run = db.transaction.bind(db);
  let tail: Promise<unknown> = Promise.resolve();
  db.transaction = ((fn, config) => {
    const result = tail.then(() => run(fn, config));
    tail = result.catch(() => undefined);
    return result;
  }) as Db["transaction"];
}

// ---- Local (`file:`) connection fixes ---------------------------------------------------------

/** The parts of the `libsql` package's Database and Statement that the fixes touch. */
interface LocalStatement {
  run(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
  raw(toggle?: boolean): LocalStatement;
  safeIntegers(toggle?: boolean): LocalStatement;
  columns(): unknown[];
}
interface LocalDatabase {
  open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): LocalStatement;
  exec(sql: string): void;
  close(): void;
}
interface LocalDatabaseClass {
  prototype: LocalDatabase & { [FIXED]?: true };
}

const FIXED = Symbol.for("livepeer.edge.libsqlLocalFixes");
const prepared = new WeakSet<LocalDatabase>();
/** Prepared statements kept per connection, by SQL text (the client prepares on every call). */
const statementCache = new WeakMap<LocalDatabase, Map<string, LocalStatement>>();
/** Distinct SQL texts kept per connection; the least recently used is dropped past it. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Patches the `libsql` package (the native driver behind @libsql/client's `file:` URLs) once per
 * process, for two defects of libsql 0.5.x:
 *
 * 1. A statement that fails with SQLITE_BUSY is never reset (SQLite leaves it resumable; libsql
 *    resets only before a run, and finalizes only on garbage collection). The pooled connection
 *    then counts it as an active writer: its next transaction takes the lock with BEGIN IMMEDIATE
 *    but cannot COMMIT ("cannot commit transaction - SQL statements in progress"), and after the
 *    rollback the connection keeps a stale read snapshot, so every later BEGIN IMMEDIATE fails
 *    with SQLITE_BUSY_SNAPSHOT, and with a busy handler installed each try blocks the event loop
 *    for the whole timeout. Retrying on that connection can never succeed (tursodatabase/
 *    libsql-client-ts#352, libsql-js#237/#238, unreleased). Fix: a connection whose statement
 *    failed busy is retired. `open = false` makes the client's pool drop it on release without
 *    reading `inTransaction` (which aborts the process on a really closed handle); any open
 *    transaction on it is rolled back first, and the handle is really closed on a later turn.
 * 2. PRAGMAs are per connection and the client runs none on the connections it adds to its pool:
 *    each connection of a WAL database gets synchronous=NORMAL before its first statement.
 * 3. The client prepares every statement anew on every call (parsing and planning the SQL each
 *    time: a sizeable part of the payment intake's CPU). Statements are kept per connection by
 *    SQL text (LRU, STATEMENT_CACHE_SIZE) and reused: the driver is synchronous and the client
 *    runs each to completion (all/run) and rebinds every argument, so reuse is safe; a retired
 *    connection takes its cache with it. A kept statement also keeps its column list and whether
 *    it returns rows (rememberShape).
 *
 * Best effort: where `libsql` cannot be loaded (another runtime), nothing is patched.
 */
async function installLocalConnectionFixes(): Promise<void> {
  const specifier = "libsql"; // through a variable, so Workers bundlers do not try to bundle it
  let Database: LocalDatabaseClass | undefined;
  try {
    const mod = (await import(specifier)) as { default?: LocalDatabaseClass } & LocalDatabaseClass;
    Database = mod.default ?? mod;
  } catch {
    return;
  }
  const proto = Database?.prototype;
  if (!proto || typeof proto.prepare !== "function" || proto[FIXED]) return;
  const prepare = proto.prepare;
  proto.prepare = function (this: LocalDatabase, sql: string): LocalStatement {
    if (!prepared.has(this)) {
      prepared.add(this);
      setUpConnection(this, prepare);
    }
    let cache = statementCache.get(this);
    if (cache === undefined) {
      cache = new Map();
      statementCache.set(this, cache);
    }
    const hit = cache.get(sql);
    if (hit !== undefined) {
      cache.delete(sql); // most recently used last
      cache.set(sql, hit);
      return hit;
    }
    const stmt = prepare.call(this, sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(sql, stmt);
    rememberShape(stmt);
    for (const name of ["run", "get", "all"] as const) {
      const method = stmt[name];
      stmt[name] = (...args: unknown[]) => {
        try {
          return method.apply(stmt, args);
        } catch (err) {
          if (isBusyRaw(err)) retire(this);
          throw err;
        }
      };
    }
    return stmt;
  };
  proto[FIXED] = true;
}

/**
 * The client asks every statement, on every call, for its columns (twice: names, then types),
 * sets safeIntegers(true) and probes raw(true), which throws for a statement that returns no rows.
 * The answers are fixed once the statement is prepared (the schema is migrated before any
 * statement of the app is prepared) and the modes stay as last set, yet together these native
 * calls cost more than running a small statement: they are answered from what is kept here.
 */
function rememberShape(stmt: LocalStatement): void {
  const columns = stmt.columns;
  let knownColumns: unknown[] | undefined;
  stmt.columns = () => {
    knownColumns ??= columns.call(stmt);
    return knownColumns;
  };
  const raw = stmt.raw;
  let noRows: unknown;
  let rawMode: boolean | undefined;
  stmt.raw = (toggle?: boolean) => {
    const on = toggle !== false;
    if (on && noRows !== undefined) throw noRows;
    if (rawMode === on) return stmt;
    try {
      raw.call(stmt, on);
      rawMode = on;
      return stmt;
    } catch (err) {
      if (on) noRows = err;
      throw err;
    }
  };
  const safeIntegers = stmt.safeIntegers;
  let safeMode: boolean | undefined;
  stmt.safeIntegers = (toggle?: boolean) => {
    const on = toggle !== false;
    if (safeMode !== on) {
      safeIntegers.call(stmt, on);
      safeMode = on;
    }
    return stmt;
  };
}

function setUpConnection(conn: LocalDatabase, prepare: (this: LocalDatabase, sql: string) => LocalStatement) {
  try {
    const row = prepare.call(conn, "PRAGMA journal_mode").get() as { journal_mode?: unknown } | undefined;
    if (String(row?.journal_mode).toLowerCase() === "wal") conn.exec("PRAGMA synchronous = NORMAL");
  } catch {
    // a connection that cannot answer will fail its real statement with the real error
  }
}

/** The driver's own SqliteError: `rawCode` is the extended result code; 5 is SQLITE_BUSY. */
function isBusyRaw(err: unknown): boolean {
  const raw = (err as { rawCode?: unknown } | null)?.rawCode;
  return typeof raw === "number" && (raw & 0xff) === 5;
}

function retire(conn: LocalDatabase): void {
  if (!conn.open) return;
  try {
    if (conn.inTransaction) conn.exec("ROLLBACK"); // sqlite3_exec finalizes its own statement
  } catch {
    // the handle is retired either way
  }
  conn.open = false;
  const close = Object.getPrototypeOf(conn).close as (this: LocalDatabase) => void;
  setTimeout(() => {
    try {
      close.call(conn);
    } catch {
      // already gone
    }
  }, 0);
}
