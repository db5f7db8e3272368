import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { StakingAction, StakingArgs } from "../../../wire/staking.ts";
import type { AppDeps } from "../../deps.ts";
import type { ChainLedger } from "../../ledger/chain/ledger.ts";
import { checkAndEstimate, encodeCall, type UnsignedTx } from "../../ledger/chain/unsigned.ts";
import { lower } from "./action.ts";
import { stakingActions } from "./actions.ts";

export interface UnsignedTxJson {
  chainId: number;
  from: string;
  to: string;
  data: string;
  /** Wei, decimal. */
  value: string;
  /** Decimal; absent where an earlier transaction of the answer must be mined first. */
  gas?: string;
  contract: string;
  function: string;
}

export interface StakingTransactions {
  action: StakingAction;
  chainId: number;
  from: string;
  transactions: UnsignedTxJson[];
}

const txJson = (t: UnsignedTx): UnsignedTxJson => ({
  chainId: t.chainId,
  from: t.from,
  to: t.to.toLowerCase(),
  data: t.data,
  value: t.value.toString(),
  ...(t.gas !== undefined ? { gas: t.gas.toString() } : {}),
  contract: t.contract,
  function: t.functionName,
});

/**
 * The transactions `from` signs and sends, in order, to make a staking write on the chain ledger.
 * The first is run in the pending block: one that would revert is refused with the devnet's code.
 * Later ones depend on it (bond after the LPT approve) and carry no estimate.
 */
export async function buildStakingTransactions<A extends StakingAction>(
  deps: AppDeps,
  action: A,
  from: Address,
  args: StakingArgs[A],
): Promise<StakingTransactions> {
  if (deps.ledger.kind !== "chain") {
    throw new LivepeerError(
      "STAKING_NEEDS_SIGNED_REQUEST",
      `the devnet has no transaction to sign: POST /v1/staking/${action} with an EIP-712 signed request`,
    );
  }
  const ledger = deps.ledger as ChainLedger;
  const caller = lower(from);
  const calls = await stakingActions[action].calls(ledger, caller, args);
  const txs = calls.map((call) => encodeCall(ledger, caller, call));
  txs[0] = await checkAndEstimate(ledger, txs[0]!, calls[0]!);
  return { action, chainId: ledger.chainId, from: caller, transactions: txs.map(txJson) };
}
