import type { RewardRound } from "../protocol/reward-history.ts";

/** Rounds with a reward() call against rounds that could have had one (the pending round not counted). */
export interface RewardRatio {
  rewarded: number;
  counted: number;
}

/** The ratio over the `window` rounds ending at `currentRound`, from a newest-first history. */
export function rewardRatio(
  history: readonly RewardRound[],
  currentRound: bigint,
  window: number,
): RewardRatio {
  const from = currentRound - BigInt(window) + 1n;
  let rewarded = 0;
  let counted = 0;
  for (const r of history) {
    if (BigInt(r.round) < from || r.status === "pending") continue;
    counted++;
    if (r.status === "rewarded") rewarded++;
  }
  return { rewarded, counted };
}

/** True when every counted round was rewarded (and at least one was counted). */
export function isFullRatio(r: RewardRatio): boolean {
  return r.counted > 0 && r.rewarded === r.counted;
}
