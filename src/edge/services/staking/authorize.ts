import { lt } from "drizzle-orm";
import { verifyTypedData } from "viem";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import {
  DEVNET_CHAIN_ID,
  type StakingAction,
  type StakingRequest,
  stakingDomain,
  stakingMessage,
  stakingTypes,
} from "../../../wire/staking.ts";
import { authNonces } from "../../db/schema/edge.ts";
import type { AppDeps } from "../../deps.ts";

/** How far ahead a deadline may be; it bounds how long a nonce must be remembered. */
export const MAX_DEADLINE_SECONDS = 24 * 60 * 60;

/** The EIP-712 domain's chain id: the chain's id, or DEVNET_CHAIN_ID on the devnet. */
export function signingChainId(deps: AppDeps): number {
  return deps.ledger.kind === "chain" && deps.ledger.chainId !== undefined
    ? deps.ledger.chainId
    : DEVNET_CHAIN_ID;
}

/**
 * Checks a signed write and burns its nonce: deadline in (now, now + 1 day], signature by
 * `signer` over exactly these args, nonce never used by this signer. Returns the caller.
 */
export async function authorize(deps: AppDeps, action: StakingAction, req: StakingRequest): Promise<Address> {
  const now = Math.floor(deps.clock.now() / 1000);
  const deadline = BigInt(req.deadline);
  if (deadline < BigInt(now)) {
    throw new LivepeerError("AUTH_DEADLINE_EXPIRED", `deadline ${deadline} has passed (now ${now})`);
  }
  if (deadline > BigInt(now + MAX_DEADLINE_SECONDS)) {
    throw new LivepeerError(
      "AUTH_DEADLINE_TOO_FAR",
      `deadline may be at most ${MAX_DEADLINE_SECONDS}s ahead`,
    );
  }
  let valid = false;
  try {
    valid = await verifyTypedData({
      address: req.signer,
      domain: stakingDomain(signingChainId(deps)),
      types: stakingTypes,
      primaryType: "StakingRequest",
      message: stakingMessage(action, req.args, req.nonce, deadline),
      signature: req.signature,
    });
  } catch {
    valid = false; // malformed signature bytes
  }
  if (!valid) {
    throw new LivepeerError(
      "AUTH_SIGNATURE_INVALID",
      `signature does not recover to ${req.signer} for ${action}`,
    );
  }
  const signer = req.signer.toLowerCase() as Address;
  // The primary key (signer, nonce) makes the nonce single-use across every edge on this database.
  const inserted = await deps.db
    .insert(authNonces)
    .values({
      signer,
      nonce: req.nonce.toLowerCase(),
      action,
      deadline: Number(deadline),
      usedAt: deps.clock.now(),
    })
    .onConflictDoNothing()
    .returning({ nonce: authNonces.nonce });
  if (inserted.length === 0) throw new LivepeerError("AUTH_NONCE_REPLAYED", "this nonce was already used");
  return signer;
}

/** Forgets nonces whose deadline has passed (their requests are refused anyway). */
export async function pruneNonces(deps: AppDeps): Promise<number> {
  const now = Math.floor(deps.clock.now() / 1000);
  const removed = await deps.db
    .delete(authNonces)
    .where(lt(authNonces.deadline, now))
    .returning({ n: authNonces.nonce });
  return removed.length;
}
