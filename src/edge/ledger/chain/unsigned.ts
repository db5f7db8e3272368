// Unsigned transactions for a user's own wallet: the chain ledger never holds a user's key, so for
// a staking write it answers with what to sign (to, data, value) instead of sending it.
import { BaseError, encodeFunctionData, type Hex, InsufficientFundsError } from "viem";
import type { Address } from "../../../protocol/types.ts";
import { LedgerError } from "../errors.ts";
import type { ContractName } from "./contracts.ts";
import { ABIS, type ChainLedger, toLedgerError } from "./ledger.ts";

/** One contract call to make, before encoding. */
export interface ChainCall {
  contract: ContractName;
  functionName: string;
  args: readonly unknown[];
  /** Wei sent along (the TicketBroker's funding calls). */
  value?: bigint;
}

export interface UnsignedTx {
  chainId: number;
  from: Address;
  /** The contract's proxy, as the Controller names it. */
  to: Address;
  data: Hex;
  value: bigint;
  /** The node's gas estimate; absent where an earlier transaction of the answer must be mined first. */
  gas?: bigint;
  contract: ContractName;
  functionName: string;
}

/** Encodes a call; an argument the ABI cannot hold (a 2^256 amount) is the caller's mistake. */
export function encodeCall(ledger: ChainLedger, from: Address, call: ChainCall): UnsignedTx {
  let data: Hex;
  try {
    data = encodeFunctionData({
      abi: ABIS[call.contract],
      functionName: call.functionName,
      args: call.args,
    } as never);
  } catch (e) {
    throw new LedgerError("INVALID_AMOUNT", `${call.functionName}: ${(e as Error).message.split("\n")[0]}`);
  }
  return {
    chainId: ledger.chainId,
    from,
    to: ledger.addresses[call.contract],
    data,
    value: call.value ?? 0n,
    contract: call.contract,
    functionName: call.functionName,
  };
}

/**
 * Runs the call as `from` in the pending block: a revert becomes the devnet's stable code (there
 * is nothing worth signing), success adds the node's gas estimate.
 */
export async function checkAndEstimate(
  ledger: ChainLedger,
  tx: UnsignedTx,
  call: ChainCall,
): Promise<UnsignedTx> {
  try {
    await ledger.client.simulateContract({
      address: tx.to,
      abi: ABIS[call.contract],
      functionName: call.functionName,
      args: call.args,
      account: tx.from,
      value: tx.value,
      blockTag: "pending",
    } as never);
  } catch (e) {
    // Value beyond the account's ether is the node's refusal, not a revert: the same code as the devnet's.
    if (e instanceof BaseError && e.walk((x) => x instanceof InsufficientFundsError)) {
      throw new LedgerError(
        "INSUFFICIENT_BALANCE",
        `${tx.from} cannot pay ${tx.value} wei for ${call.functionName}`,
      );
    }
    throw toLedgerError(e, call.functionName);
  }
  const gas = await ledger.client
    .estimateGas({ account: tx.from, to: tx.to, data: tx.data, value: tx.value })
    .catch(() => undefined);
  return gas === undefined ? tx : { ...tx, gas };
}
