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

const MIGRATIONS = new URL("../../../migrations", import.meta.url).pathname;

/**
 * Opens a libSQL database (`file:…`, `:memory:` or `libsql://…`) and applies the committed
 * migrations. File databases get WAL and a busy timeout so several processes can share them.
 */
export async function openDb(
  url: string,
  options: { authToken?: string; migrate?: boolean } = {},
): Promise<DbHandle> {
  const client = createClient(options.authToken ? { url, authToken: options.authToken } : { url });
  if (url.startsWith("file:")) {
    await client.execute("PRAGMA busy_timeout = 10000");
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  const db = drizzle(client, { schema });
  if (options.migrate !== false) await migrate(db, { migrationsFolder: MIGRATIONS });
  return { url, client, db, close: () => client.close() };
}
