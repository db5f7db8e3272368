// Shared setup for the devnet benches: a devnet on a temp file with `n` funded mnemonic accounts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "../../src/edge/db/client.ts";
import { createDevnet, type Devnet } from "../../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, deriveAccounts, type GenesisInput } from "../../src/edge/ledger/genesis.ts";
import { ETH, LPT, testGenesis } from "../../test/helpers/devnet.ts";

export { LPT };
export async function benchDevnet(
  n: number,
  params: Partial<GenesisInput["params"]>,
  actions: GenesisInput["actions"],
): Promise<{ devnet: Devnet; addr: `0x${string}`[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "bench-devnet-"));
  const genesis = testGenesis({
    n,
    eth: 100n * ETH,
    params: { numActiveTranscoders: "100", ...params },
    actions,
  });
  const url = `file:${join(dir, "devnet.db")}`;
  // The same database setup as the edge (pooled busy timeout, retired busy connections).
  const handle = await openDb(url);
  const devnet = await createDevnet({ url, genesis, handle });
  const addr = deriveAccounts(DEFAULT_MNEMONIC, n).map((a) => a.address);
  return {
    devnet,
    addr,
    close: async () => {
      await devnet.close();
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mean ms per call over `calls`, run one after another. */
export async function timeEach(calls: (() => Promise<unknown>)[]): Promise<number> {
  const t0 = performance.now();
  for (const c of calls) await c();
  return (performance.now() - t0) / calls.length;
}
