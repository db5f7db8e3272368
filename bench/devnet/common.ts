// Shared setup for the devnet benches: a devnet on a temp file with `n` funded mnemonic accounts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { DbHandle } from "../../src/edge/db/client.ts";
import * as schema from "../../src/edge/db/schema/index.ts";
import { createDevnet, type Devnet } from "../../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, type GenesisInput } from "../../src/edge/ledger/genesis.ts";

export const LPT = 10n ** 18n;

export async function benchDevnet(
  n: number,
  params: Partial<GenesisInput["params"]>,
  actions: GenesisInput["actions"],
): Promise<{ devnet: Devnet; addr: `0x${string}`[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "bench-devnet-"));
  const genesis: GenesisInput = {
    params: {
      numActiveTranscoders: "100",
      unbondingPeriod: "2",
      roundLength: "100",
      roundLockAmount: "100000",
      inflation: "500000",
      inflationChange: "500",
      targetBondingRate: "500000000",
      treasuryRewardCutRate: "0",
      treasuryBalanceCeiling: "0",
      ticketValidityPeriod: "2",
      unlockPeriod: "2",
      ...params,
    },
    mnemonic: DEFAULT_MNEMONIC,
    accounts: Array.from({ length: n }, () => ({
      lpt: (1_000_000n * LPT).toString(),
      eth: (10n ** 20n).toString(),
    })),
    actions,
  };
  const url = `file:${join(dir, "devnet.db")}`;
  const handle = await openBenchDb(url);
  const devnet = await createDevnet({ url, genesis, handle });
  const { deriveAccounts } = await import("../../src/edge/ledger/genesis.ts");
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

/**
 * openDb resolves migrations relative to its own module, which moves when bench/index.ts bundles
 * a bench for Node; resolve them from the repository root (the cwd benches run in) instead.
 */
async function openBenchDb(url: string): Promise<DbHandle> {
  const client = createClient({ url });
  await client.execute("PRAGMA journal_mode = WAL");
  await client.execute("PRAGMA synchronous = NORMAL");
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: resolve(process.cwd(), "migrations") });
  return { url, client, db, close: () => client.close() };
}
