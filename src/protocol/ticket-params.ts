import { LivepeerError } from "../wire/errors.ts";
import { winProbFor } from "./win.ts";

/** go-livepeer's defaults (docs/protocol.md#ticket-parameters). */
export const DEFAULT_REDEEM_GAS = 1_200_000n;
export const DEFAULT_TX_COST_MULTIPLIER = 100n;

/** Ticket-parameter failures; codes are stable. */
export class TicketParamsError extends LivepeerError {
  constructor(
    code: "SENDER_RESERVE_INSUFFICIENT" | "INVALID_TICKET_PARAMS_INPUT",
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, details === undefined ? undefined : { details });
    this.name = "TicketParamsError";
  }
}

/** The sender's standing with this recipient (TicketBroker + pending tickets), for maxFloat. */
export interface SenderFloatInput {
  /** Reserve still unclaimed this round (reserve.fundsRemaining). */
  fundsRemaining: bigint;
  /** Reserve claimed by all recipients this round. */
  claimedThisRound: bigint;
  /** Active set size of the round: the reserve is split evenly between its members. */
  activeSetSize: bigint;
  /** What this recipient already claimed from the reserve this round. */
  claimedByRecipient: bigint;
  /** Face value of this recipient's winning tickets not yet redeemed. */
  pendingFaceValue?: bigint;
  /** The sender's deposit; when it covers the pending tickets three times over, they are not subtracted. */
  deposit?: bigint;
}

/**
 * What this recipient can safely be owed by a sender (docs/protocol.md#reserve-and-max-float): its
 * reserve allocation `(fundsRemaining + claimedThisRound) / activeSetSize - claimedByRecipient`,
 * minus pending winning tickets unless the deposit covers them three times over. Never negative.
 */
export function maxFloat(input: SenderFloatInput): bigint {
  if (input.activeSetSize <= 0n) {
    throw new TicketParamsError("INVALID_TICKET_PARAMS_INPUT", "activeSetSize must be positive");
  }
  const alloc =
    (input.fundsRemaining + input.claimedThisRound) / input.activeSetSize - input.claimedByRecipient;
  const pending = input.pendingFaceValue ?? 0n;
  const deposit = input.deposit ?? 0n;
  const float = pending > 0n && deposit >= 3n * pending ? alloc : alloc - pending;
  return float > 0n ? float : 0n;
}

export interface TicketParamsInput {
  /** Expected value per ticket the recipient asks for, wei. */
  ev: bigint;
  /** L2 gas price, wei. */
  gasPrice: bigint;
  /** Gas a redemption costs; default 1,200,000. */
  redeemGas?: bigint;
  /** faceValue = redemption cost × this; default 100. */
  txCostMultiplier?: bigint;
  /** The sender's max float with this recipient (see maxFloat). */
  maxFloat: bigint;
  /** Operator cap on faceValue; none when absent. */
  maxFaceValue?: bigint;
}

export interface TicketParamsOffer {
  faceValue: bigint;
  winProb: bigint;
}

/**
 * faceValue and winProb to offer a sender: faceValue = redeemGas × gasPrice × multiplier, capped
 * by maxFaceValue and by the sender's max float; winProb from the EV. Throws
 * SENDER_RESERVE_INSUFFICIENT when the capped faceValue cannot carry the EV (go-livepeer's
 * errInsufficientSenderReserve): the sender must fund its reserve before it can pay.
 */
export function computeTicketParams(input: TicketParamsInput): TicketParamsOffer {
  const redeemGas = input.redeemGas ?? DEFAULT_REDEEM_GAS;
  const multiplier = input.txCostMultiplier ?? DEFAULT_TX_COST_MULTIPLIER;
  if (input.ev <= 0n || input.gasPrice < 0n || redeemGas <= 0n || multiplier <= 0n) {
    throw new TicketParamsError(
      "INVALID_TICKET_PARAMS_INPUT",
      "ev must be positive; gas, gasPrice, multiplier non-negative",
    );
  }
  // A ticket cannot carry more than its face value, so never offer less than the EV.
  let faceValue = redeemGas * input.gasPrice * multiplier;
  if (faceValue < input.ev) faceValue = input.ev;
  if (input.maxFaceValue !== undefined && input.maxFaceValue > 0n && faceValue > input.maxFaceValue) {
    if (input.maxFaceValue < input.ev) {
      throw new TicketParamsError(
        "INVALID_TICKET_PARAMS_INPUT",
        "maxFaceValue is below the EV asked per ticket",
      );
    }
    faceValue = input.maxFaceValue;
  }
  if (faceValue > input.maxFloat) faceValue = input.maxFloat;
  if (faceValue < input.ev) {
    throw new TicketParamsError(
      "SENDER_RESERVE_INSUFFICIENT",
      "sender's max float cannot cover the ticket EV; the sender must fund its reserve",
      { ev: input.ev.toString(), maxFloat: input.maxFloat.toString(), faceValue: faceValue.toString() },
    );
  }
  return { faceValue, winProb: winProbFor(input.ev, faceValue) };
}
