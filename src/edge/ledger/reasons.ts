// The contracts' revert reason strings and the stable code each maps to. The devnet throws with
// these exact strings; the chain ledger decodes a revert's string back into the same code.
import { LedgerError, type LedgerErrorCode, solidityPanic } from "./errors.ts";

export const REVERT_CODES: Readonly<Record<string, LedgerErrorCode>> = {
  // RoundsManager / modifiers
  "current round is not initialized": "ROUND_NOT_INITIALIZED",
  "round already initialized": "ROUND_ALREADY_INITIALIZED",
  // BondingManager
  "caller must be bonded": "NOT_BONDED",
  "caller must be unbonded": "NOT_UNBONDED",
  "unbond amount must be greater than 0": "INVALID_AMOUNT",
  "amount is greater than bonded amount": "INSUFFICIENT_BONDED",
  "invalid unbonding lock ID": "INVALID_LOCK",
  "withdraw round must be before or equal to the current round": "LOCK_NOT_WITHDRAWABLE",
  "insufficient fees to withdraw": "INSUFFICIENT_FEES",
  "registered transcoders can't delegate towards other addresses": "INVALID_ADDRESS",
  "delegation amount must be greater than 0": "INVALID_AMOUNT",
  ILLEGAL_CLAIM_EARNINGS: "CLAIM_FORBIDDEN",
  INVALID_DELEGATOR: "INVALID_ADDRESS",
  INVALID_DELEGATE: "INVALID_ADDRESS",
  INVALID_DELEGATE_CHANGE: "INVALID_ADDRESS",
  "can't update transcoder params, current round is locked": "ROUND_LOCKED",
  "invalid rewardCut percentage": "INVALID_PERCENTAGE",
  "invalid feeShare percentage": "INVALID_PERCENTAGE",
  "transcoder must be registered": "CALLER_NOT_REGISTERED",
  "caller can't be active or must have already called reward for the current round":
    "ORCHESTRATOR_NOT_REWARDED",
  "caller must be an active transcoder": "CALLER_NOT_ACTIVE",
  "caller has already called reward for the current round": "REWARD_ALREADY_CALLED",
  // BondingManager, delegated reward calling (livepeer/protocol#648)
  "caller must be a reward caller set by the transcoder": "CALLER_NOT_REWARD_CALLER",
  // Minter
  "minted tokens cannot exceed mintable": "MINT_EXCEEDS_MINTABLE",
  // TicketBroker
  "ticket recipient is null address": "TICKET_RECIPIENT_INVALID",
  "ticket sender is null address": "TICKET_SENDER_INVALID",
  "invalid length for ticket auxData: must be 64 bytes": "TICKET_AUX_INVALID",
  "ticket creationRound does not have a block hash": "TICKET_AUX_INVALID",
  "ticket creationRoundBlockHash invalid for creationRound": "TICKET_AUX_INVALID",
  "ticket is expired": "TICKET_EXPIRED",
  "recipientRand does not match recipientRandHash": "TICKET_RAND_INVALID",
  "ticket is used": "TICKET_USED",
  "invalid signature over ticket hash": "TICKET_SIG_INVALID",
  "ticket did not win": "TICKET_NOT_WINNING",
  "sender is unlocked": "SENDER_UNLOCKED",
  "sender deposit and reserve are zero": "SENDER_NO_FUNDS",
  "sender deposit and reserve insufficient to cover ticket face value": "TICKET_UNDERFUNDED",
  "unlock already initiated": "SENDER_UNLOCK_PENDING",
  "no unlock request in progress": "SENDER_NOT_UNLOCKING",
  "account is locked": "SENDER_UNLOCK_PENDING",
};

/** A LedgerError for a decoded revert: a reason string, a panic code, or nothing. */
export function revertError(
  reason: string | undefined,
  panic: bigint | undefined,
  call: string,
): LedgerError {
  if (panic === 0x11n) return solidityPanic("0x11", call);
  if (panic === 0x12n) return solidityPanic("0x12", call);
  if (reason !== undefined) {
    // In a redemption, "transcoder must be registered" is about the ticket's recipient.
    if (call === "redeemWinningTicket" && reason === "transcoder must be registered") {
      return new LedgerError("TICKET_RECIPIENT_INVALID", reason);
    }
    const code = REVERT_CODES[reason];
    if (code) return new LedgerError(code, reason);
  }
  return new LedgerError("LEDGER_ERROR", `${call} reverted${reason ? `: ${reason}` : ""}`, {
    details: panic === undefined ? {} : { panic: `0x${panic.toString(16)}` },
  });
}
