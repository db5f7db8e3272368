// The contracts' view tuples and event names, named once: the chain ledger decodes with them, and
// the conformance harness reads the real contracts with the same names.
import type { DelegatorStatus, LedgerEventName } from "../types.ts";

/** The events the Ledger interface reports (the devnet's set); others (ParameterUpdate, …) are dropped. */
export const LEDGER_EVENTS: ReadonlySet<string> = new Set<string>([
  "Bond",
  "Unbond",
  "Rebond",
  "TransferBond",
  "WithdrawStake",
  "WithdrawFees",
  "EarningsClaimed",
  "Reward",
  "TreasuryReward",
  "TranscoderUpdate",
  "TranscoderActivated",
  "TranscoderDeactivated",
  "NewRound",
  "SetCurrentRewardTokens",
  "DepositFunded",
  "ReserveFunded",
  "ReserveClaimed",
  "WinningTicketRedeemed",
  "WinningTicketTransfer",
  "Unlock",
  "UnlockCancelled",
  "Withdrawal",
  "ServiceURIUpdate",
  "RewardCallerSet",
] satisfies LedgerEventName[]);

/** BondingManager.delegatorStatus's enum, by its ordinal. */
export const DELEGATOR_STATUS: readonly DelegatorStatus[] = ["Pending", "Bonded", "Unbonded"];

/** BondingManager.getDelegator's return tuple. */
export const DELEGATOR_FIELDS = [
  "bondedAmount",
  "fees",
  "delegateAddress",
  "delegatedAmount",
  "startRound",
  "lastClaimRound",
  "nextUnbondingLockId",
] as const;

/** BondingManager.getTranscoder's return tuple. */
export const TRANSCODER_FIELDS = [
  "lastRewardRound",
  "rewardCut",
  "feeShare",
  "lastActiveStakeUpdateRound",
  "activationRound",
  "deactivationRound",
  "activeCumulativeRewards",
  "cumulativeRewards",
  "cumulativeFees",
  "lastFeeRound",
] as const;

/** BondingManager.getTranscoderEarningsPoolForRound's return tuple. */
export const EARNINGS_POOL_FIELDS = [
  "totalStake",
  "transcoderRewardCut",
  "transcoderFeeShare",
  "cumulativeRewardFactor",
  "cumulativeFeeFactor",
] as const;

/** Names a view's positional return values by its field list. */
export function byName<K extends string, V>(fields: readonly K[], values: readonly V[]): Record<K, V> {
  return Object.fromEntries(fields.map((k, i) => [k, values[i]])) as Record<K, V>;
}
