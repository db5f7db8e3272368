// BondingManager's delegated reward calling (livepeer/protocol#648): an orchestrator names one
// address that may call reward for it, so its own key can stay offline.
import { LedgerError } from "../errors.ts";
import type { Ctx } from "./context.ts";
import { requireInitialized } from "./rounds.ts";
import { reward } from "./transcoders.ts";

/** setRewardCaller: any account may set its own; the zero address clears it. */
export function setRewardCaller(ctx: Ctx, caller: string, rewardCaller: string): void {
  ctx.store.setRewardCaller(caller, rewardCaller);
  ctx.store.emit("RewardCallerSet", { transcoder: caller, rewardCaller });
}

/**
 * rewardForTranscoder(WithHint): reward() for `transcoder`, with one more revert when `caller` is
 * not its reward caller. Everything else (the active check, the once-per-round guard, the minted
 * amount, the events) is keyed on the transcoder, exactly as its own call.
 */
export async function rewardForTranscoder(ctx: Ctx, caller: string, transcoder: string): Promise<void> {
  requireInitialized(ctx);
  if ((await ctx.store.rewardCaller(transcoder)) !== caller) {
    throw new LedgerError("CALLER_NOT_REWARD_CALLER", "caller must be a reward caller set by the transcoder");
  }
  await reward(ctx, transcoder);
}
