import { LivepeerError } from "../../../wire/errors.ts";
import type { StakingAction, StakingArgs, StakingRequest } from "../../../wire/staking.ts";
import type { AppDeps } from "../../deps.ts";
import { type TxJson, txJson } from "../protocol/serialize.ts";
import { stakingActions } from "./actions.ts";
import { authorize } from "./authorize.ts";

/**
 * Authorizes a signed write and applies it to the ledger as the signer. On the chain ledger the
 * edge cannot send as a user (it never holds their key): refused before the nonce is spent.
 */
export async function executeStakingAction<A extends StakingAction>(
  deps: AppDeps,
  action: A,
  req: StakingRequest<A>,
): Promise<TxJson & { action: A; caller: string }> {
  if (deps.ledger.kind === "chain") {
    throw new LivepeerError(
      "STAKING_NEEDS_TRANSACTION",
      `the chain ledger cannot sign for ${req.signer}: POST /v1/staking/tx/${action} builds the transaction to sign and send`,
    );
  }
  const caller = await authorize(deps, action, req as StakingRequest);
  const def = stakingActions[action];
  const result = await def.run(deps, caller, req.args as StakingArgs[A]);
  deps.logger.info("staking write", { action, caller, ref: result.ref, round: result.round });
  return { action, caller, ...txJson(result) };
}
