// BondingManager orchestrator verbs: transcoder() registration / update and reward().
import { isActiveInRound } from "../../../protocol/active-set.ts";
import { rewardUpdate, syncPoolForRound, treasuryShare } from "../../../protocol/earnings.ts";
import { validPerc } from "../../../protocol/math.ts";
import { LedgerError } from "../errors.ts";
import { MINTER_ADDRESS, TREASURY_ADDRESS } from "./addresses.ts";
import type { Ctx } from "./context.ts";
import { earningsOf } from "./earnings.ts";
import { createReward } from "./minter.ts";
import { isRoundLocked, requireInitialized } from "./rounds.ts";
import { increaseTotalStake, isRegistered, tryToJoinActiveSet } from "./stake.ts";
import { transferLpt } from "./tokens.ts";

export async function transcoder(
  ctx: Ctx,
  caller: string,
  rewardCut: bigint,
  feeShare: bigint,
): Promise<void> {
  requireInitialized(ctx);
  if (isRoundLocked(ctx)) {
    throw new LedgerError("ROUND_LOCKED", "can't update transcoder params, current round is locked");
  }
  if (!validPerc(rewardCut)) throw new LedgerError("INVALID_PERCENTAGE", "invalid rewardCut percentage");
  if (!validPerc(feeShare)) throw new LedgerError("INVALID_PERCENTAGE", "invalid feeShare percentage");
  const { store, round } = ctx;
  const d = await store.delegator(caller);
  if (!isRegistered(caller, d))
    throw new LedgerError("CALLER_NOT_REGISTERED", "transcoder must be registered");
  const t = await store.transcoder(caller);
  if (isActiveInRound(t, round) && t.lastRewardRound !== round) {
    throw new LedgerError(
      "ORCHESTRATOR_NOT_REWARDED",
      "caller can't be active or must have already called reward for the current round",
    );
  }
  t.rewardCut = rewardCut;
  t.feeShare = feeShare;
  if (!t.inPool) await tryToJoinActiveSet(ctx, caller, d.delegatedAmount, round + 1n);
  store.emit("TranscoderUpdate", { transcoder: caller, rewardCut, feeShare });
}

export async function reward(ctx: Ctx, caller: string): Promise<void> {
  requireInitialized(ctx);
  const { store, round } = ctx;
  const t = await store.transcoder(caller);
  if (!isActiveInRound(t, round))
    throw new LedgerError("CALLER_NOT_ACTIVE", "caller must be an active transcoder");
  if (t.lastRewardRound === round) {
    throw new LedgerError("REWARD_ALREADY_CALLED", "caller has already called reward for the current round");
  }
  await store.loadPools(caller, [round, t.lastActiveStakeUpdateRound, t.lastRewardRound]);
  const lookup = store.poolLookup(caller);
  const pool = syncPoolForRound(earningsOf(t), store.pool(caller, round), lookup, round);
  store.setPool(caller, round, pool);

  // The ceiling halts treasury contributions from the next round on.
  const ceiling = ctx.params.treasuryBalanceCeiling;
  if (ceiling > 0n && store.big("nextRoundTreasuryRewardCutRate") > 0n) {
    if ((await store.balance(TREASURY_ADDRESS)).lpt >= ceiling)
      store.set("nextRoundTreasuryRewardCutRate", 0n);
  }

  const total = await createReward(ctx, pool.totalStake, store.big("currentRoundTotalActiveStake"));
  const treasury = treasuryShare(total, store.big("treasuryRewardCutRate"));
  if (treasury > 0n) {
    await transferLpt(store, MINTER_ADDRESS, TREASURY_ADDRESS, treasury);
    store.emit("TreasuryReward", { transcoder: caller, treasury: TREASURY_ADDRESS, amount: treasury });
  }
  const rewards = total - treasury;
  const upd = rewardUpdate(earningsOf(t), pool, lookup, round, rewards);
  Object.assign(t, upd.transcoder);
  store.setPool(caller, round, upd.pool);
  await increaseTotalStake(ctx, caller, rewards);
  store.emit("Reward", { transcoder: caller, amount: rewards });
}
