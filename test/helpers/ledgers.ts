// One test body, run on both ledgers: the devnet always, and the real contracts on anvil where the
// compiled artifacts are at hand (else that variant is skipped, and its title says why and names
// LIVEPEER_PROTOCOL_ARTIFACTS). The services under test run unchanged on either; the body builds
// its world from the kind it is given.
import { describe } from "bun:test";
import type { Account } from "viem";
import type { BuildOverrides } from "../../src/edge/bootstrap.ts";
import { artifactsMissing, titleWithSkipReason } from "./contracts/artifacts.ts";
import type { ChainWorld } from "./contracts/chain-world.ts";

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
