import type { Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import {
  type StakingAction,
  type StakingArgs,
  type StakingRequest,
  stakingDomain,
  stakingMessage,
  stakingTypes,
} from "../wire/staking.ts";

// The app side of the staking API: sign a write with the caller's own key and send it.

/**
 * Builds and signs a staking write with a viem account.
 *
 * @example
 * const body = await signStakingRequest(account, { action: "bond", args: { amount: "1000", to }, chainId });
 * await fetch(`${edge}/v1/staking/bond`, { method: "POST", body: JSON.stringify(body) });
 */
export async function signStakingRequest<A extends StakingAction>(
  account: LocalAccount,
  request: { action: A; args: StakingArgs[A]; chainId: number; nonce?: Hex; deadline?: bigint; now?: number },
): Promise<StakingRequest<A>> {
  const nonce = request.nonce ?? randomNonce();
  const deadline = request.deadline ?? BigInt(Math.floor((request.now ?? Date.now()) / 1000) + 300);
  const signature = await account.signTypedData({
    domain: stakingDomain(request.chainId),
    types: stakingTypes,
    primaryType: "StakingRequest",
    message: stakingMessage(request.action, request.args, nonce, deadline),
  });
  return { signer: account.address, args: request.args, nonce, deadline: deadline.toString(), signature };
}

/** Signs and POSTs a staking write; resolves to the response (problem+json on failure). */
export async function sendStakingRequest<A extends StakingAction>(
  baseUrl: string,
  account: LocalAccount,
  request: { action: A; args: StakingArgs[A]; chainId: number; deadline?: bigint },
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  const body = await signStakingRequest(account, request);
  return fetchFn(`${baseUrl.replace(/\/$/, "")}/v1/staking/${request.action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function randomNonce(): Hex {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
