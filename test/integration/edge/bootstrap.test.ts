import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { buildDeps } from "../../../src/edge/bootstrap.ts";
import { parseConfig } from "../../../src/edge/config.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";
import { genesisAccount, genesisKey, makeEdge, tempDir } from "../../helpers/edge.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

test("the generated ticket secret is stored once and shared by every edge on the database", async () => {
  const a = await makeEdge();
  const b = await makeEdge({}, { dbUrl: a.dbUrl });
  const other = await makeEdge();
  expect(a.deps.keys.ticketSecret).toHaveLength(32);
  expect(Buffer.from(b.deps.keys.ticketSecret).equals(Buffer.from(a.deps.keys.ticketSecret))).toBe(true);
  expect(Buffer.from(other.deps.keys.ticketSecret).equals(Buffer.from(a.deps.keys.ticketSecret))).toBe(false);
  await Promise.all([b.close(), other.close()]);
  await a.close();
});

test("keys: hosted orchestrators by lowercase address, the sender, a configured secret", async () => {
  const secret = `0x${"cd".repeat(32)}`;
  const e = await makeEdge({
    ticketSecret: secret,
    orchestrators: [{ privateKey: genesisKey(2), serviceURI: "http://127.0.0.1:9" }],
    gateway: { senderPrivateKey: genesisKey(0) },
  });
  expect([...e.deps.keys.orchestrators.keys()]).toEqual([
    genesisAccount(2).address.toLowerCase() as `0x${string}`,
  ]);
  expect(e.deps.keys.sender?.address).toBe(genesisAccount(0).address);
  expect(Buffer.from(e.deps.keys.ticketSecret).toString("hex")).toBe("cd".repeat(32));
  await e.close();
});

test("a chain ledger whose RPC cannot be reached fails with LEDGER_UNAVAILABLE", async () => {
  // A loopback port nothing listens on: a listener bound and closed at once.
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const config = parseConfig({
    database: { url: `file:${join(tmp.dir, "chain.db")}` },
    ledger: { kind: "chain", rpcUrl: `http://127.0.0.1:${port}` },
  });
  const err = await buildDeps(config, { logLevel: "silent" }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LivepeerError);
  expect((err as LivepeerError).code).toBe("LEDGER_UNAVAILABLE");
  expect((err as LivepeerError).message).toContain(`127.0.0.1:${port}`);
});
