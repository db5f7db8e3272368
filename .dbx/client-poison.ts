import { createClient } from "@libsql/client";
import { openDb } from "../src/edge/db/client.ts";
import { rmSync } from "node:fs";
const path = "/tmp/dbx/cp.db";
for (const s of ["", "-wal", "-shm"]) rmSync(path + s, { force: true });
const useFix = process.argv[2] === "fix";
const url = `file:${path}`;
const h = useFix ? await openDb(url, { migrate: false }) : { client: createClient({ url, timeout: 50 }) };
const victim = h.client;
await victim.execute("PRAGMA journal_mode=WAL");
await victim.execute("CREATE TABLE t (x INTEGER)");
const holder = createClient({ url });
for (let round = 0; round < 3; round++) {
  const tx = await holder.transaction("write");
  try { await victim.execute("INSERT INTO t VALUES (1)"); console.log("unexpected ok"); } catch (e: any) { console.log("busy as expected", e.code, e.extendedCode); }
  await tx.rollback();
  for (let i = 0; i < 3; i++) {
    try {
      const t = await victim.transaction("write"); await t.execute("INSERT INTO t VALUES (2)"); await t.commit(); console.log(round, i, "tx ok");
    } catch (e: any) { console.log(round, i, "tx FAIL", e.code, e.extendedCode, e.message); }
    await holder.execute("INSERT INTO t VALUES (3)");
  }
}
console.log((await victim.execute("PRAGMA busy_timeout")).rows[0], (await victim.execute("PRAGMA synchronous")).rows[0]);
