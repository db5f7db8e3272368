import type { LocalAccount } from "viem/accounts";

// The staking API's EIP-712 request, as the edge verifies it (src/wire/staking.ts holds the
// contract; src/cli imports no project code, and a unit test checks the two stay equal).

export const DOMAIN_NAME = "Livepeer Edge";
export const DOMAIN_VERSION = "1";

export const REQUEST_TYPES = {
  StakingRequest: [
    { name: "action", type: "string" },
    { name: "args", type: "string" },
    { name: "nonce", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** JSON with sorted keys: the `args` string that is signed. */
export function canonical(args: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(args).sort()) sorted[k] = args[k] ?? "";
  return JSON.stringify(sorted);
}

export interface SignedRequest {
  signer: `0x${string}`;
  args: Record<string, string>;
  nonce: `0x${string}`;
  deadline: string;
  signature: `0x${string}`;
}

/** Signs one staking write, valid five minutes. */
export async function signRequest(
  account: LocalAccount,
  chainId: number,
  action: string,
  args: Record<string, string>,
): Promise<SignedRequest> {
  const nonce = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}` as const;
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 300);
  const signature = await account.signTypedData({
    domain: { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId },
    types: REQUEST_TYPES,
    primaryType: "StakingRequest",
    message: { action, args: canonical(args), nonce, deadline },
  });
  return { signer: account.address, args, nonce, deadline: deadline.toString(), signature };
}
