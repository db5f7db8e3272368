// Minter: the inflation step and mintable tokens at each initialized round; createReward.
import { createReward as computeReward, mintableTokens, nextInflation } from "../../../protocol/minter.ts";
import type { Ctx } from "./context.ts";
import { mintLpt } from "./tokens.ts";

export function setCurrentRewardTokens(ctx: Ctx): void {
  const { store } = ctx;
  const totalSupply = store.big("totalSupply");
  const inflation = nextInflation({
    inflation: store.big("inflation"),
    inflationChange: ctx.params.inflationChange,
    targetBondingRate: ctx.params.targetBondingRate,
    totalBonded: store.big("currentRoundTotalActiveStake"),
    totalSupply,
  });
  const mintable = mintableTokens(totalSupply, inflation);
  store.set("inflation", inflation);
  store.set("currentMintableTokens", mintable);
  store.set("currentMintedTokens", 0n);
  store.emit("SetCurrentRewardTokens", { currentMintableTokens: mintable, currentInflation: inflation });
}

/** Mints the stake's share of the round's mintable tokens to the Minter; returns the amount. */
export async function createReward(ctx: Ctx, stake: bigint, totalActiveStake: bigint): Promise<bigint> {
  const { store } = ctx;
  if (totalActiveStake === 0n) return 0n;
  const r = computeReward(
    {
      currentMintableTokens: store.big("currentMintableTokens"),
      currentMintedTokens: store.big("currentMintedTokens"),
    },
    stake,
    totalActiveStake,
  );
  store.set("currentMintedTokens", r.currentMintedTokens);
  await mintLpt(store, r.amount);
  return r.amount;
}
