import { maxFloat } from "../../../protocol/ticket-params.ts";
import type { Address } from "../../../protocol/types.ts";
import { rawAll } from "../../db/raw.ts";
import type { AppDeps } from "../../deps.ts";
import type { Tx } from "./tx.ts";

/** What the ledger says a sender can pay one recipient: its reserve allocation and its deposit. */
export interface SenderFunds {
  /** The recipient's claimable share of the sender's reserve this round. */
  claimable: bigint;
  deposit: bigint;
}

/**
 * Reads the sender's funds as this recipient sees them (ledger views, no transaction). The intake
 * reads the same two views with its checks instead (validatePayment).
 */
export async function senderFunds(deps: AppDeps, recipient: Address, sender: Address): Promise<SenderFunds> {
  const [claimable, info] = await Promise.all([
    deps.ledger.claimableReserve(sender, recipient),
    deps.ledger.getSenderInfo(sender),
  ]);
  return { claimable, deposit: info.sender.deposit };
}

/**
 * Face value of this sender's winning tickets to `recipient` still pending redemption (queued or
 * being redeemed); redeemed, expired and failed ones no longer count.
 */
export async function pendingFaceValue(
  db: Tx | AppDeps["db"],
  recipient: Address,
  sender: Address,
): Promise<bigint> {
  // Plain SQL (db/raw.ts): every payment's write transaction reads it.
  const rows = await rawAll(
    db,
    "select face_value from ticket_redemptions where recipient = ? and sender = ? and status in ('queued', 'redeeming')",
    [recipient, sender],
  );
  return rows.reduce((sum, r) => sum + BigInt(String(r[0])), 0n);
}

/**
 * The sender's max float with this recipient (go-livepeer's sender monitor): the recipient's
 * reserve allocation, minus the face value of winners pending redemption unless the deposit
 * covers them three times over. Credit and offered face values never go past it.
 */
export function floatOf(funds: SenderFunds, pending: bigint): bigint {
  return maxFloat({
    fundsRemaining: funds.claimable, // claimableReserve is already this recipient's share
    claimedThisRound: 0n,
    activeSetSize: 1n,
    claimedByRecipient: 0n,
    pendingFaceValue: pending,
    deposit: funds.deposit,
  });
}

/**
 * The most credit a sender's balance may hold with this recipient: the winners pending redemption
 * plus the max float left for new ones, and never more than the sender's deposit plus this
 * recipient's reserve share (all this recipient could ever collect).
 */
export function creditBacking(funds: SenderFunds, pending: bigint): bigint {
  const backed = pending + floatOf(funds, pending);
  const collectable = funds.deposit + funds.claimable;
  if (backed > collectable) return collectable; // bigint: no Math.min
  return backed;
}
