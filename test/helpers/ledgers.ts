// One test body, run on both ledgers: the devnet always, and the real contracts on anvil where the
// compiled artifacts are at hand (else that variant is skipped, and its title says why and names
// LIVEPEER_PROTOCOL_ARTIFACTS). The services under test run unchanged on either; the body builds
// its world from the kind it is given.
import { describe } from "bun:test";
import type { Account } from "viem";
import type { BuildOverrides } from "../../src/edge/bootstrap.ts";
import { TREASURY_ADDRESS } from "../../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, deriveAccounts, type GenesisInput } from "../../src/edge/ledger/genesis.ts";
import type { Ledger } from "../../src/edge/ledger/types.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { artifactsMissing, titleWithSkipReason } from "./contracts/artifacts.ts";
import { type ChainWorld, startChainWorld } from "./contracts/chain-world.ts";
import { freshDevnet, type TestDevnet } from "./devnet.ts";

export type LedgerKind = "devnet" | "chain";

/** Registers `body` twice: `title [devnet]`, and `title [chain: real contracts on anvil]`. */
export function describeOnLedgers(title: string, body: (kind: LedgerKind) => void): void {
  describe(`${title} [devnet]`, () => body("devnet"));
  const missing = artifactsMissing();
  describe.skipIf(missing !== undefined)(
    titleWithSkipReason(`${title} [chain: real contracts on anvil]`),
    () => body("chain"),
  );
}

/**
 * makeEdge options for an edge on `chain` (its own chain ledger, signing with `keys`, as the
 * bootstrap builds one for LEDGER=chain), or the edge's own devnet when `chain` is undefined.
 */
export async function edgeOn(
  chain: ChainWorld | undefined,
  keys: Account[],
  options: { dbUrl?: string } = {},
): Promise<{ dbUrl?: string; overrides?: BuildOverrides }> {
  if (!chain) return options;
  return { ...options, overrides: { ledger: await chain.open({ accounts: keys }) } };
}

/** A genesis on either ledger, for tests that drive the Ledger interface itself. */
export interface LedgerWorld {
  kind: LedgerKind;
  /** Signs for every genesis account. Replaced by each fresh(). */
  ledger: Ledger;
  /** Genesis account addresses, in order (checksummed, as the devnet's helpers give them). */
  addr: Address[];
  /** Where the treasury's share of each reward goes. */
  treasury: Address;
  /** Back to the state right after genesis: a new devnet, or the chain reverted to a snapshot. */
  fresh(): Promise<Ledger>;
  /** To the first block of the next round (not initialized); returns that round. */
  advanceRound(): Promise<bigint>;
  advanceBlocks(n: bigint): Promise<bigint>;
  /** advanceRound, then initializeRound by `caller`. */
  nextRound(caller: Address): Promise<bigint>;
  close(): Promise<void>;
}

/** One deployment per world on the chain (reverted between tests); a devnet file per fresh() otherwise. */
export function ledgerWorld(kind: LedgerKind, genesis: GenesisInput): LedgerWorld {
  let devnet: TestDevnet | undefined;
  let chain: ChainWorld | undefined;
  let snapshot: Hex | undefined;
  const addr = deriveAccounts(genesis.mnemonic ?? DEFAULT_MNEMONIC, genesis.accounts.length).map(
    (a) => a.address,
  );
  const world: LedgerWorld = {
    kind,
    ledger: undefined as unknown as Ledger,
    addr,
    treasury: TREASURY_ADDRESS,
    async fresh() {
      if (kind === "devnet") {
        await devnet?.cleanup();
        devnet = await freshDevnet({ genesis });
        world.ledger = devnet.devnet;
        return world.ledger;
      }
      if (!chain) {
        chain = await startChainWorld(genesis);
        world.ledger = chain.ledger;
        world.treasury = chain.deployed.addresses.Treasury;
      } else {
        await chain.revert(snapshot!);
      }
      snapshot = await chain.snapshot();
      return world.ledger;
    },
    advanceRound: () => (chain ? chain.advanceRound() : devnet!.devnet.advanceRound()),
    advanceBlocks: (n) => (chain ? chain.advanceBlocks(n) : devnet!.devnet.advanceBlocks(n)),
    async nextRound(caller) {
      const round = await world.advanceRound();
      await world.ledger.initializeRound(caller);
      return round;
    },
    async close() {
      await devnet?.cleanup();
      await chain?.close();
    },
  };
  return world;
}
