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

// Resolved when used, not at import: Workers bundles have no file URL and never migrate.
// A bundled copy of this module (benches run under Node) lives elsewhere: fall back to ./migrations.
const migrationsFolder = async (): Promise<string> => {
  const beside = new URL("../../../migrations", import.meta.url).pathname;
  const { existsSync } = await import("node:fs");
  return existsSync(`${beside}/meta/_journal.json`) ? beside : `${process.cwd()}/migrations`;
};

/**
 * Opens a libSQL database (`file:…`, `:memory:` or `libsql://…`) and applies the committed
 * migrations. File databases get WAL and a busy timeout so several processes can share them.
 */
export async function openDb(
  url: string,
  options: { authToken?: string; migrate?: boolean; migrationsFolder?: string } = {},
): Promise<DbHandle> {
  const client = createClient(options.authToken ? { url, authToken: options.authToken } : { url });
  if (url.startsWith("file:")) {
    await client.execute("PRAGMA busy_timeout = 10000");
    await client.execute("PRAGMA journal_mode = WAL");
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
