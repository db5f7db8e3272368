import type { Address, Hex } from "viem";

/**
 * Signed staking writes. The edge never holds a user's key: every write carries the caller's
 * EIP-712 signature over {action, args, nonce, deadline}; the edge verifies it, burns the nonce
 * and calls the ledger as the signer. This file is the wire contract; src/client/staking.ts signs.
 */

export const STAKING_DOMAIN_NAME = "Livepeer Edge";
export const STAKING_DOMAIN_VERSION = "1";
/** Chain id of the devnet ledger in the signing domain (the chain ledger uses its real id). */
export const DEVNET_CHAIN_ID = 1337;

export const stakingTypes = {
  StakingRequest: [
    { name: "action", type: "string" },
    { name: "args", type: "string" },
    { name: "nonce", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function stakingDomain(chainId: number) {
  return { name: STAKING_DOMAIN_NAME, version: STAKING_DOMAIN_VERSION, chainId } as const;
}

type Amount = string;

/** Arguments per action; amounts and ids are decimal strings, PERC values in 1e6 units. */
export interface StakingArgs {
  bond: { amount: Amount; to: Address };
  unbond: { amount: Amount };
  /** With `to`, rebonds an unbonded delegator to that orchestrator (rebondFromUnbonded). */
  rebond: { lockId: Amount; to?: Address | undefined };
  withdrawStake: { lockId: Amount };
  withdrawFees: { recipient: Address; amount: Amount };
  /** `endRound` defaults to the current round (the contract ignores it). */
  claimEarnings: { endRound?: Amount | undefined };
  transcoder: { rewardCut: Amount; feeShare: Amount };
  setServiceURI: { uri: string };
  /** The one address that may call reward for the signer (the zero address clears it). */
  setRewardCaller: { rewardCaller: Address };
  fundDeposit: { amount: Amount };
  fundReserve: { amount: Amount };
  fundDepositAndReserve: { deposit: Amount; reserve: Amount };
  unlock: Record<string, never>;
  cancelUnlock: Record<string, never>;
  withdraw: Record<string, never>;
}
export type StakingAction = keyof StakingArgs;

export const STAKING_ACTIONS = [
  "bond",
  "unbond",
  "rebond",
  "withdrawStake",
  "withdrawFees",
  "claimEarnings",
  "transcoder",
  "setServiceURI",
  "setRewardCaller",
  "fundDeposit",
  "fundReserve",
  "fundDepositAndReserve",
  "unlock",
  "cancelUnlock",
  "withdraw",
] as const satisfies readonly StakingAction[];

/** The JSON body of POST /v1/staking/{action}. */
export interface StakingRequest<A extends StakingAction = StakingAction> {
  signer: Address;
  args: StakingArgs[A];
  nonce: Hex;
  /** Unix seconds, decimal string. */
  deadline: string;
  signature: Hex;
}

/**
 * The signed `args` string: JSON with keys sorted and every value a string. The edge recomputes
 * it from the request's args, so what runs is exactly what was signed.
 */
export function canonicalArgs(args: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(args).sort()) sorted[key] = args[key];
  return JSON.stringify(sorted);
}

/** The EIP-712 message for a request (what the signer signs and the edge verifies). */
export function stakingMessage(
  action: StakingAction,
  args: Record<string, unknown>,
  nonce: Hex,
  deadline: bigint,
) {
  return { action, args: canonicalArgs(args), nonce, deadline } as const;
}
