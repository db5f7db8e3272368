import type { Ledger } from "../../ledger/types.ts";

export interface RoundStatus {
  currentRound: string;
  initialized: boolean;
  locked: boolean;
  startBlock: string;
  blockNumber: string;
  roundLength: string;
  lastInitializedRound: string;
}

export async function roundStatus(ledger: Ledger): Promise<RoundStatus> {
  const [currentRound, initialized, locked, startBlock, blockNumber, roundLength, lastInitializedRound] =
    await Promise.all([
      ledger.currentRound(),
      ledger.currentRoundInitialized(),
      ledger.currentRoundLocked(),
      ledger.currentRoundStartBlock(),
      ledger.blockNumber(),
      ledger.roundLength(),
      ledger.lastInitializedRound(),
    ]);
  return {
    currentRound: currentRound.toString(),
    initialized,
    locked,
    startBlock: startBlock.toString(),
    blockNumber: blockNumber.toString(),
    roundLength: roundLength.toString(),
    lastInitializedRound: lastInitializedRound.toString(),
  };
}
