import { expect, test } from "bun:test";
import { join } from "node:path";
import { genesisAccount, genesisKey, makeEdge, tempDir } from "../../helpers/edge.ts";

// A restart with another public URL over the same database: the hosted orchestrators' service URIs
// on the ledger follow the config, through setServiceURI (event and all); an unchanged URI is left alone.

const hosted = (uri: string) => ({
  publicUrl: uri,
  orchestrators: [1, 2].map((i) => ({ privateKey: genesisKey(i), serviceURI: uri })),
});

test("a restart on another URL updates each hosted orchestrator's service URI on the ledger", async () => {
  const tmp = tempDir();
  const dbUrl = `file:${join(tmp.dir, "edge.db")}`;
  const [o1, o2, o3] = [1, 2, 3].map((i) => genesisAccount(i).address.toLowerCase() as `0x${string}`);
  try {
    const first = await makeEdge(hosted("http://127.0.0.1:8787"), { dbUrl });
    // The genesis registered them at the default URL: nothing to change.
    const before = await first.deps.ledger.getEvents({ name: "ServiceURIUpdate" });
    expect(await first.deps.ledger.getServiceURI(o1!)).toBe("http://127.0.0.1:8787");
    await first.close();

    const second = await makeEdge(hosted("http://127.0.0.1:9911"), { dbUrl });
    const ledger = second.deps.ledger;
    expect(await ledger.getServiceURI(o1!)).toBe("http://127.0.0.1:9911");
    expect(await ledger.getServiceURI(o2!)).toBe("http://127.0.0.1:9911");
    // Orchestrator 3 is not hosted by this edge: its URI is not ours to change.
    expect(await ledger.getServiceURI(o3!)).toBe("http://127.0.0.1:8787");
    const after = await ledger.getEvents({ name: "ServiceURIUpdate" });
    const fresh = after.slice(before.length);
    expect(fresh.map((e) => [String(e.args.addr).toLowerCase(), e.args.serviceURI]).sort()).toEqual(
      [
        [o1, "http://127.0.0.1:9911"],
        [o2, "http://127.0.0.1:9911"],
      ].sort(),
    );
    await second.close();

    // Same URL again (a trailing slash reaches the same routes): no transaction.
    const third = await makeEdge(hosted("http://127.0.0.1:9911/"), { dbUrl });
    expect(await third.deps.ledger.getEvents({ name: "ServiceURIUpdate" })).toHaveLength(after.length);
    await third.close();
  } finally {
    tmp.cleanup();
  }
});

test("a gateway-only edge changes no service URI", async () => {
  // The genesis registers at the default URL (no publicUrl); the config names another.
  const { publicUrl: _, ...config } = hosted("http://127.0.0.1:9912");
  const e = await makeEdge({ roles: ["gateway"], ...config });
  const o1 = genesisAccount(1).address.toLowerCase() as `0x${string}`;
  expect(await e.deps.ledger.getServiceURI(o1)).toBe("http://127.0.0.1:8787");
  await e.close();
});
