import { type ErrorCode, LivepeerError, type LivepeerErrorOptions } from "../../wire/errors.ts";

/** Stable codes for contract reverts; the message carries the contract's revert reason. */
export type LedgerErrorCode = Extract<
  ErrorCode,
  | "CALLER_NOT_ACTIVE"
  | "CALLER_NOT_REGISTERED"
  | "CALLER_NOT_REWARD_CALLER"
  | "REWARD_ALREADY_CALLED"
  | "ROUND_NOT_INITIALIZED"
  | "ROUND_ALREADY_INITIALIZED"
  | "ROUND_LOCKED"
  | "INSUFFICIENT_BALANCE"
  | "INSUFFICIENT_BONDED"
  | "INSUFFICIENT_FEES"
  | "INVALID_AMOUNT"
  | "INVALID_PERCENTAGE"
  | "INVALID_ADDRESS"
  | "SERVICE_URI_INVALID"
  | "INVALID_LOCK"
  | "LOCK_NOT_WITHDRAWABLE"
  | "NOT_BONDED"
  | "NOT_UNBONDED"
  | "CLAIM_FORBIDDEN"
  | "ORCHESTRATOR_NOT_REWARDED"
  | "TICKET_USED"
  | "TICKET_EXPIRED"
  | "TICKET_NOT_WINNING"
  | "TICKET_SIG_INVALID"
  | "TICKET_RAND_INVALID"
  | "TICKET_RECIPIENT_INVALID"
  | "TICKET_SENDER_INVALID"
  | "TICKET_UNDERFUNDED"
  | "TICKET_AUX_INVALID"
  | "SENDER_UNLOCKED"
  | "SENDER_NOT_UNLOCKING"
  | "SENDER_UNLOCK_PENDING"
  | "SENDER_NO_FUNDS"
  | "ARITHMETIC_PANIC"
  | "MINT_EXCEEDS_MINTABLE"
  | "LEDGER_NO_KEY"
  | "LEDGER_FEATURE_MISSING"
  | "LEDGER_ERROR"
  | "LEDGER_BUSY"
  | "LEDGER_UNAVAILABLE"
>;

const PANICS = { "0x11": "arithmetic underflow or overflow", "0x12": "division by zero" } as const;

/**
 * A Solidity panic where the contracts' checked arithmetic fails (0x11 underflow/overflow, 0x12
 * division by zero): the call reverts with no reason string, so the devnet does too.
 */
export function solidityPanic(code: keyof typeof PANICS, where: string): LedgerError {
  return new LedgerError("ARITHMETIC_PANIC", `${PANICS[code]} in ${where}`, { details: { panic: code } });
}

/** A LivepeerError raised by a ledger (a contract revert or the ledger being unavailable). */
export class LedgerError extends LivepeerError<LedgerErrorCode> {
  constructor(code: LedgerErrorCode, message: string, options?: LivepeerErrorOptions) {
    super(code, message, options);
    this.name = "LedgerError";
  }
}
