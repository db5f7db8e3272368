// What `npm run chain` leaves in the data directory for `LEDGER=chain npm start`: where the local
// chain listens and which Controller names the contracts. Written when the chain is ready, removed
// when it stops.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LocalChain {
  rpcUrl: string;
  chainId: number;
  controller: string;
  /** The block before the deployment: where the event cursor starts. */
  fromBlock: string;
  /** Hash of the chain's block 0: a fresh anvil is a different chain, even at the same addresses. */
  genesisHash: string;
  blockMs: number;
  addresses: Record<string, string>;
}

export const localChainFile = (dataDir: string) => join(dataDir, "chain.json");

export function writeLocalChain(dataDir: string, chain: LocalChain): void {
  writeFileSync(localChainFile(dataDir), `${JSON.stringify(chain, null, 2)}\n`, { mode: 0o600 });
}

export function readLocalChain(dataDir: string): LocalChain | undefined {
  const file = localChainFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as LocalChain) : undefined;
}

export function removeLocalChain(dataDir: string): void {
  rmSync(localChainFile(dataDir), { force: true });
}

/**
 * `npm start`'s chain ledger: RPC_URL and CONTROLLER_ADDRESS when set, else the chain `npm run chain`
 * recorded in the data dir. Each fresh local chain gets its own database (named after its block 0),
 * so tickets and event cursors of an earlier chain at the same addresses never mix in.
 */
export function chainLedgerInput(
  dataDir: string,
  env: {
    RPC_URL?: string | undefined;
    CONTROLLER_ADDRESS?: string | undefined;
    CHAIN_ID?: number | undefined;
    CONFIRMATIONS?: number | undefined;
    REPLACE_AFTER_MS?: number | undefined;
    FROM_BLOCK?: number | undefined;
    MAX_FEE_PER_GAS?: string | undefined;
    MAX_PRIORITY_FEE_PER_GAS?: string | undefined;
  },
) {
  const local = env.RPC_URL ? undefined : readLocalChain(dataDir);
  if (!env.RPC_URL && !local) {
    throw new Error(
      `LEDGER=chain: no RPC_URL and no ${localChainFile(dataDir)}; start the local chain first (npm run chain) or set RPC_URL and CONTROLLER_ADDRESS`,
    );
  }
  const fromBlock = env.FROM_BLOCK ?? (local ? Number(local.fromBlock) : undefined);
  const controller = env.CONTROLLER_ADDRESS ?? local?.controller;
  const chainId = env.CHAIN_ID ?? local?.chainId;
  return {
    ledger: {
      kind: "chain" as const,
      rpcUrl: env.RPC_URL ?? local!.rpcUrl,
      ...(controller ? { controller } : {}),
      ...(chainId !== undefined ? { chainId } : {}),
      ...(env.CONFIRMATIONS !== undefined ? { confirmations: env.CONFIRMATIONS } : {}),
      ...(env.REPLACE_AFTER_MS !== undefined ? { replaceAfterMs: env.REPLACE_AFTER_MS } : {}),
      ...(fromBlock !== undefined ? { fromBlock: String(fromBlock) } : {}),
      ...(local ? { pollingIntervalMs: Math.min(local.blockMs, 1000) } : {}),
      ...(env.MAX_FEE_PER_GAS ? { maxFeePerGas: env.MAX_FEE_PER_GAS } : {}),
      ...(env.MAX_PRIORITY_FEE_PER_GAS ? { maxPriorityFeePerGas: env.MAX_PRIORITY_FEE_PER_GAS } : {}),
    },
    dbName: local ? `edge-chain-${local.genesisHash.slice(2, 10)}.db` : "edge-chain.db",
  };
}
