// Glue between the stored pools and the pure LIP-36 maths: claims, pending values, fee credit.
import {
  feeUpdate,
  fillEndFactors,
  pendingStakeAndFees,
  syncPoolForRound,
  type TranscoderEarnings,
} from "../../../protocol/earnings.ts";
import { solidityPanic } from "../errors.ts";
import { ZERO_ADDRESS } from "./addresses.ts";
import type { Ctx } from "./context.ts";
import type { Store, Transcoder } from "./store.ts";

export function earningsOf(t: Transcoder): TranscoderEarnings {
  return {
    lastRewardRound: t.lastRewardRound,
    lastFeeRound: t.lastFeeRound,
    lastActiveStakeUpdateRound: t.lastActiveStakeUpdateRound,
    rewardCut: t.rewardCut,
    feeShare: t.feeShare,
    activeCumulativeRewards: t.activeCumulativeRewards,
    cumulativeRewards: t.cumulativeRewards,
    cumulativeFees: t.cumulativeFees,
  };
}

/** Pending stake and fees of `addr` at the current round (constant cost: four pools at most). */
export async function pending(
  store: Store,
  addr: string,
  round: bigint,
): Promise<{ stake: bigint; fees: bigint }> {
  const d = await store.delegator(addr);
  const delegate = d.delegateAddress;
  const t = await store.transcoder(delegate);
  await store.loadPools(delegate, [d.lastClaimRound, round, t.lastRewardRound, t.lastFeeRound]);
  return pendingStakeAndFees(
    {
      bondedAmount: d.bondedAmount,
      fees: d.fees,
      lastClaimRound: d.lastClaimRound,
      isTranscoder: delegate === addr,
    },
    earningsOf(t),
    store.poolLookup(delegate),
    round,
  );
}

/** updateDelegatorWithEarnings: writes pending values, fills round N's zero factors. */
export async function updateDelegatorWithEarnings(ctx: Ctx, addr: string): Promise<void> {
  const { store, round } = ctx;
  const d = await store.delegator(addr);
  const startRound = d.lastClaimRound + 1n;
  let stake = d.bondedAmount;
  let fees = d.fees;
  const delegate = d.delegateAddress;
  if (delegate !== ZERO_ADDRESS) {
    ({ stake, fees } = await pending(store, addr, round));
    const t = await store.transcoder(delegate);
    store.setPool(delegate, round, fillEndFactors(earningsOf(t), store.poolLookup(delegate), round));
    if (delegate === addr) {
      t.cumulativeRewards = 0n;
      t.cumulativeFees = 0n;
    }
  }
  store.emit("EarningsClaimed", {
    delegate,
    delegator: addr,
    rewards: stake - d.bondedAmount,
    fees: fees - d.fees,
    startRound,
    endRound: round,
  });
  d.lastClaimRound = round;
  d.bondedAmount = stake;
  d.fees = fees;
}

/** The autoClaimEarnings modifier: claims once per round. */
export async function autoClaimEarnings(ctx: Ctx, addr: string): Promise<void> {
  const d = await ctx.store.delegator(addr);
  if (d.lastClaimRound < ctx.round) await updateDelegatorWithEarnings(ctx, addr);
}

/**
 * A new delegation to `delegate` in round N: a zero CRF/CFF of pool N is filled from the last
 * reward / fee round, so the delegator's claim start is never read as a CRF of 1.
 */
export async function fillDelegatePool(ctx: Ctx, delegate: string): Promise<void> {
  const { store, round } = ctx;
  const t = await store.transcoder(delegate);
  await store.loadPools(delegate, [round, t.lastRewardRound, t.lastFeeRound]);
  store.setPool(delegate, round, fillEndFactors(earningsOf(t), store.poolLookup(delegate), round));
}

/** updateTranscoderWithFees: fees of a redeemed ticket, credited in the CURRENT round. */
export async function updateTranscoderWithFees(ctx: Ctx, addr: string, fees: bigint): Promise<void> {
  const { store, round } = ctx;
  const t = await store.transcoder(addr);
  await store.loadPools(addr, [
    round,
    round - 1n,
    t.lastRewardRound,
    t.lastFeeRound,
    t.lastActiveStakeUpdateRound,
  ]);
  const lookup = store.poolLookup(addr);
  const stake =
    round > t.lastRewardRound
      ? syncPoolForRound(earningsOf(t), store.pool(addr, round), lookup, round).totalStake
      : store.pool(addr, round).totalStake;
  if (stake === 0n) {
    // EarningsPool.updateFeeFactor divides by the pool's stake: a panic, as on chain.
    throw solidityPanic("0x12", "BondingManager.updateTranscoderWithFees");
  }
  const upd = feeUpdate(earningsOf(t), store.pool(addr, round), lookup, round, fees, {
    currentMintableTokens: store.big("currentMintableTokens"),
    currentMintedTokens: store.big("currentMintedTokens"),
    currentRoundTotalActiveStake: store.big("currentRoundTotalActiveStake"),
    treasuryRewardCutRate: store.big("treasuryRewardCutRate"),
  });
  Object.assign(t, upd.transcoder);
  store.setPool(addr, round, upd.pool);
}
