import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Transaction } from "@libsql/client";
import { BUSY_TIMEOUT_MS, openDb } from "../../../src/edge/db/client.ts";
import { tempDir } from "../../helpers/edge.ts";

const tmp = tempDir("db-pool-");
afterAll(() => tmp.cleanup());

// Each open transaction holds its own pooled connection, so N open transactions are N distinct
// connections: every one must carry the settings, not only the one that ran openDb's PRAGMAs.
test("every pooled connection of a file database has the busy timeout, WAL and synchronous=NORMAL", async () => {
  const handle = await openDb(`file:${join(tmp.dir, "pool.db")}`, { migrate: false });
  const held: Transaction[] = [];
  try {
    for (let i = 0; i < 4; i++) held.push(await handle.client.transaction("deferred"));
    const settings = [];
    for (const tx of held) {
      const read = async (pragma: string) => (await tx.execute(`PRAGMA ${pragma}`)).rows[0]![0];
      settings.push({
        busyTimeout: Number(await read("busy_timeout")),
        journalMode: String(await read("journal_mode")),
        synchronous: Number(await read("synchronous")), // 1 = NORMAL
      });
    }
    expect(BUSY_TIMEOUT_MS).toBeGreaterThan(0);
    expect(settings).toEqual(
      held.map(() => ({ busyTimeout: BUSY_TIMEOUT_MS, journalMode: "wal", synchronous: 1 })),
    );
  } finally {
    for (const tx of held) tx.close();
    handle.close();
  }
});

test("a second process's connections get the same settings from the file and their own pool", async () => {
  const url = `file:${join(tmp.dir, "pool2.db")}`;
  (await openDb(url, { migrate: false })).close();
  const script = `
    const { openDb } = await import(${JSON.stringify(join(import.meta.dir, "../../../src/edge/db/client.ts"))});
    const h = await openDb(${JSON.stringify(url)}, { migrate: false });
    const a = await h.client.transaction("deferred");
    const b = await h.client.transaction("deferred");
    const out = [];
    for (const tx of [a, b]) out.push([(await tx.execute("PRAGMA busy_timeout")).rows[0][0], (await tx.execute("PRAGMA synchronous")).rows[0][0]].map(Number));
    a.close(); b.close(); h.close();
    console.log(JSON.stringify(out));`;
  const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  expect(JSON.parse(out.trim())).toEqual([
    [BUSY_TIMEOUT_MS, 1],
    [BUSY_TIMEOUT_MS, 1],
  ]);
});
