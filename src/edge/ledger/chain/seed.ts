// Seeds a freshly deployed protocol with a genesis's actions, through the chain ledger's own writes
// (the devnet replays the same list through its methods): `npm run chain` and the tests that run
// the devnet's scenarios on anvil start from the same state.
import type { Address } from "../../../protocol/types.ts";
import type { GenesisAction } from "../genesis.ts";
import type { ChainLedger } from "./ledger.ts";

export interface SeedOptions {
  /** Moves the chain to the first block of the next round (anvil_mine on a local chain). */
  advanceRound(): Promise<void>;
  /** Mines n blocks. */
  advanceBlocks(n: bigint): Promise<void>;
}

/**
 * Replays each action; a failure names it. Unlike the devnet, blocks move while the actions run (one
 * per transaction, and more on a timer), so a round may end in the middle: each action first
 * initializes the round it lands in, and a `transcoder` call that meets the lock period waits for
 * the next round (or, active already, calls its reward first, as the contract requires).
 */
export async function seedGenesis(
  ledger: ChainLedger,
  initializer: Address,
  actions: readonly GenesisAction[],
  o: SeedOptions,
): Promise<void> {
  // A fresh round leaves the most room before a boundary.
  await o.advanceRound();
  const initialized = async () => {
    if (!(await ledger.currentRoundInitialized())) await ledger.initializeRound(initializer);
  };
  for (const [i, a] of actions.entries()) {
    try {
      if (a.method !== "advanceRound" && a.method !== "advanceBlocks" && a.method !== "initializeRound") {
        await initialized();
        if (a.method === "transcoder") await readyForTranscoder(ledger, a.caller as Address, o, initialized);
      }
      if (a.method === "initializeRound") await initialized();
      else if (a.method === "advanceRound") await o.advanceRound();
      else if (a.method === "advanceBlocks") await o.advanceBlocks(a.args[0] as bigint);
      else {
        const fn = ledger[a.method] as (caller: Address, ...rest: never[]) => Promise<unknown>;
        await fn(a.caller as Address, ...(a.args as never[]));
      }
    } catch (e) {
      throw new Error(`genesis action ${i} (${a.method}) failed: ${(e as Error).message}`, { cause: e });
    }
  }
}

async function readyForTranscoder(
  ledger: ChainLedger,
  caller: Address,
  o: SeedOptions,
  initialized: () => Promise<void>,
): Promise<void> {
  if (await ledger.currentRoundLocked()) {
    await o.advanceRound();
    await initialized();
  }
  const round = await ledger.currentRound();
  if (
    (await ledger.isActiveTranscoder(caller)) &&
    (await ledger.getTranscoder(caller)).lastRewardRound !== round
  ) {
    await ledger.reward(caller);
  }
}
