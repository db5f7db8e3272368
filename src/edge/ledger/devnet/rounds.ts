// RoundsManager: round initialization, the lock period, pseudo block hashes.
import { encodePacked, keccak256 } from "viem";
import { percOf } from "../../../protocol/math.ts";
import type { Hex } from "../../../protocol/types.ts";
import { LedgerError } from "../errors.ts";
import type { Ctx } from "./context.ts";
import { setCurrentRewardTokens } from "./minter.ts";

/** Deterministic pseudo block hash of a round: keccak256(genesisId ‖ uint256 round). */
export function pseudoBlockHash(genesisId: Hex, round: bigint): Hex {
  return keccak256(encodePacked(["bytes32", "uint256"], [genesisId, round]));
}

export function isRoundInitialized(ctx: Ctx): boolean {
  return ctx.store.big("lastInitializedRound") === ctx.round;
}

/** The `currentRoundInitialized` modifier. */
export function requireInitialized(ctx: Ctx): void {
  if (!isRoundInitialized(ctx))
    throw new LedgerError("ROUND_NOT_INITIALIZED", "current round is not initialized");
}

export function roundStartBlock(ctx: Ctx): bigint {
  return ctx.round * ctx.clock.roundLength;
}

/** The last roundLockAmount of a round is locked. */
export function isRoundLocked(ctx: Ctx): boolean {
  const lockedBlocks = percOf(ctx.clock.roundLength, ctx.params.roundLockAmount);
  return ctx.block - roundStartBlock(ctx) >= ctx.clock.roundLength - lockedBlocks;
}

export async function initializeRound(ctx: Ctx): Promise<void> {
  const { store, round } = ctx;
  if (store.big("lastInitializedRound") >= round) {
    throw new LedgerError("ROUND_ALREADY_INITIALIZED", "round already initialized");
  }
  store.set("lastInitializedRound", round);
  const blockHash = pseudoBlockHash(store.str("genesisId") as Hex, round);
  store.addRound(round, blockHash, roundStartBlock(ctx), ctx.block);
  // BondingManager.setCurrentRoundTotalActiveStake
  store.set("currentRoundTotalActiveStake", store.big("nextRoundTotalActiveStake"));
  store.set("treasuryRewardCutRate", store.big("nextRoundTreasuryRewardCutRate"));
  setCurrentRewardTokens(ctx);
  store.emit("NewRound", { round, blockHash });
}
