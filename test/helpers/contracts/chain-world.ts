// A genesis on the real contracts: anvil started with the genesis mnemonic, the protocol deployed
// from the artifacts with the genesis params and LPT balances, each account's ETH set to its genesis
// amount, then the genesis actions replayed by the chain ledger (seedGenesis, as `npm run chain`
// does). The chain counterpart of a devnet built from the same genesis.
import { type Account, http } from "viem";
import type { HDAccount } from "viem/accounts";
import type { Db } from "../../../src/edge/db/client.ts";
import { type DeployedProtocol, deployProtocol } from "../../../src/edge/ledger/chain/deploy.ts";
import { type ChainLedger, createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import { seedGenesis } from "../../../src/edge/ledger/chain/seed.ts";
import {
  DEFAULT_MNEMONIC,
  deriveAccounts,
  type GenesisInput,
  loadGenesis,
} from "../../../src/edge/ledger/genesis.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { type Anvil, startAnvil } from "./anvil.ts";
import { loadArtifacts } from "./artifacts.ts";

export interface ChainWorld {
  anvil: Anvil;
  deployed: DeployedProtocol;
  /** The genesis accounts, in order. */
  accounts: HDAccount[];
  /** Signs for every genesis account through anvil (its unlocked accounts): what a test drives. */
  ledger: ChainLedger;
  roundLength: bigint;
  /** Mines to the first block of the next round (does not initialize it); returns that round. */
  advanceRound(): Promise<bigint>;
  /** Mines n blocks; returns the new block number. */
  advanceBlocks(n: bigint): Promise<bigint>;
  /** A ledger of its own for an edge: local keys (its own nonce queue), events kept in `db`. */
  open(options?: { accounts?: Account[]; db?: Db }): Promise<ChainLedger>;
  snapshot(): Promise<Hex>;
  /** Back to a snapshot (which anvil then forgets: take a new one to return again). */
  revert(id: Hex): Promise<void>;
  close(): Promise<void>;
}

export async function startChainWorld(input: GenesisInput): Promise<ChainWorld> {
  const genesis = loadGenesis(input);
  const accounts = deriveAccounts(genesis.mnemonic ?? DEFAULT_MNEMONIC, genesis.accounts.length);
  const anvil = await startAnvil({ accounts: accounts.length });
  try {
    for (const a of genesis.accounts) {
      await anvil.client.request({
        method: "anvil_setBalance" as never,
        params: [a.address, `0x${a.eth.toString(16)}`] as never,
      });
    }
    const fromBlock = await anvil.blockNumber();
    const deployed = await deployProtocol(
      loadArtifacts(),
      anvil.wallet(0),
      anvil.client,
      genesis.params,
      genesis.accounts.map((a) => ({ address: a.address, lpt: a.lpt })),
    );
    const roundLength = genesis.params.roundLength;
    const open = (o: { accounts?: Account[]; db?: Db } = {}) =>
      createChainLedger({
        transport: http(anvil.url, { retryCount: 0, timeout: 120_000 }),
        chain: anvil.chain,
        controller: deployed.addresses.Controller,
        accounts: o.accounts ?? [],
        pollingIntervalMs: 10,
        fromBlock,
        ...(o.db ? { db: o.db } : {}),
      });
    const ledger = await open({
      accounts: accounts.map((a) => ({ address: a.address, type: "json-rpc" }) as const),
    });
    const advanceRound = async () => {
      const block = await anvil.blockNumber();
      await anvil.mine(roundLength - (block % roundLength));
      return ledger.currentRound();
    };
    const advanceBlocks = async (n: bigint) => {
      await anvil.mine(n);
      return anvil.blockNumber();
    };
    // The devnet starts with its first round initialized; so does this chain, whatever the actions.
    const first = { method: "initializeRound" as const, caller: accounts[0]!.address, args: [] };
    await seedGenesis(ledger, accounts[0]!.address as Address, [first, ...genesis.actions], {
      advanceRound: async () => {
        await advanceRound();
      },
      advanceBlocks: async (n) => {
        await advanceBlocks(n);
      },
    });
    return {
      anvil,
      deployed,
      accounts,
      ledger,
      roundLength,
      advanceRound,
      advanceBlocks,
      open,
      snapshot: async () => (await anvil.client.request({ method: "evm_snapshot" as never })) as Hex,
      revert: async (id) => {
        const ok = await anvil.client.request({ method: "evm_revert" as never, params: [id] as never });
        if (ok !== true) throw new Error(`anvil could not revert to snapshot ${id}`);
      },
      close: async () => {
        await ledger.close();
        await anvil.stop();
      },
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
