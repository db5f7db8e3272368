import type { StakingAction } from "../../../wire/staking.ts";
import type { StakingActionDef } from "./action.ts";
import { bond, claimEarnings, rebond, unbond, withdrawFees, withdrawStake } from "./bonding.ts";
import { cancelUnlock, fundDeposit, fundDepositAndReserve, fundReserve, unlock, withdraw } from "./broker.ts";
import { setRewardCaller, setServiceURI, transcoder } from "./orchestrators.ts";

/** Every signed write, by action name (the path segment of POST /v1/staking/{action}). */
export const stakingActions: { [A in StakingAction]: StakingActionDef<A> } = {
  bond,
  unbond,
  rebond,
  withdrawStake,
  withdrawFees,
  claimEarnings,
  transcoder,
  setServiceURI,
  setRewardCaller,
  fundDeposit,
  fundReserve,
  fundDepositAndReserve,
  unlock,
  cancelUnlock,
  withdraw,
};
