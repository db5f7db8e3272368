import { bytesToHex } from "../../../protocol/bytes.ts";
import { recipientRandHash } from "../../../protocol/commit-reveal.ts";
import type { Address, Hex, Ticket } from "../../../protocol/types.ts";
import { createTicketVerifier, type TicketVerifier } from "../../../protocol/verifier.ts";
import { nobleBackend } from "../../../protocol/verifier-noble.ts";
import { MAX_WIN_PROB, ticketEV } from "../../../protocol/win.ts";
import type { ErrorCode } from "../../../wire/errors.ts";
import type { Payment } from "../../../wire/payment.ts";
import type { AppDeps } from "../../deps.ts";
import { findHosted, type HostedOrchestrator } from "./hosted.ts";
import { recipientRandFor } from "./rand.ts";

/** Stable codes for a rejected ticket (docs/protocol.md#accepting-a-payment). */
export type TicketErrorCode = Extract<
  ErrorCode,
  | "TICKET_RECIPIENT_INVALID"
  | "TICKET_SENDER_INVALID"
  | "TICKET_PARAMS_INVALID"
  | "TICKET_RAND_HASH_UNKNOWN"
  | "TICKET_PARAMS_EXPIRED"
  | "TICKET_ROUND_EXPIRED"
  | "TICKET_ROUND_HASH_INVALID"
  | "TICKET_SIG_INVALID"
  | "TICKET_NONCE_REPLAYED"
  | "TICKET_NONCE_LIMIT"
  | "SENDER_UNLOCKING"
  | "SENDER_NO_DEPOSIT"
  | "SENDER_NO_RESERVE"
  | "SENDER_RESERVE_INSUFFICIENT"
>;

export interface TicketError {
  /** Decimal string of the ticket's nonce. */
  senderNonce: string;
  code: TicketErrorCode;
  message: string;
}

/** A ticket that passed every check that does not need the database. */
export interface ValidTicket {
  ticket: Ticket;
  sig: Hex;
  hash: Hex;
  won: boolean;
  ev: bigint;
}

export interface PaymentValidation {
  /** The hosted recipient, when the payment names one. */
  hosted: HostedOrchestrator | undefined;
  recipientRand: bigint;
  /** Ledger facts the checks used (the caller reuses them). */
  currentBlock: bigint;
  lastValidRound: bigint;
  /** The sender's deposit as the checks read it (the credit rule reuses it: one ledger read less). */
  senderDeposit: bigint;
  /**
   * The recipient's claimable share of the sender's reserve, read with the checks' other ledger
   * facts (one devnet batch, one round trip) for the credit rule; its error, if the read failed,
   * is kept for the credit rule to throw, so a payment refused by the checks never meets it.
   */
  claimable: { ok: true; value: bigint } | { ok: false; error: unknown };
  valid: ValidTicket[];
  errors: TicketError[];
}

/** Nonces accepted per recipientRandHash, as go-livepeer caps them. */
export const MAX_NONCES_PER_RAND_HASH = 600;

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/**
 * Validates a payment exactly as docs/protocol.md#accepting-a-payment lists, except the nonce replay
 * check against stored tickets (done in the accepting transaction). Checks the whole payment first
 * (recipient, sender, params, recipientRandHash, expiry, creation round, sender standing) and then
 * each ticket (signature, nonces repeated inside the payment). Never throws for an invalid ticket.
 */
export async function validatePayment(deps: AppDeps, payment: Payment): Promise<PaymentValidation> {
  const p = payment.ticketParams;
  const out: PaymentValidation = {
    hosted: findHosted(deps, p.recipient),
    recipientRand: 0n,
    currentBlock: 0n,
    lastValidRound: 0n,
    senderDeposit: 0n,
    claimable: { ok: true, value: 0n },
    valid: [],
    errors: [],
  };
  const rejectAll = (code: TicketErrorCode, message: string): PaymentValidation => {
    out.errors = payment.tickets.map((t) => ({ senderNonce: t.senderNonce.toString(), code, message }));
    return out;
  };
  if (!out.hosted)
    return rejectAll("TICKET_RECIPIENT_INVALID", `recipient ${p.recipient} is not hosted here`);
  const sender = payment.sender.toLowerCase() as Address;
  if (sender === ZERO_ADDRESS)
    return rejectAll("TICKET_SENDER_INVALID", "sender must not be the zero address");
  if (p.faceValue <= 0n || p.winProb <= 0n || p.winProb > MAX_WIN_PROB) {
    return rejectAll("TICKET_PARAMS_INVALID", "faceValue and winProb must be positive uint256 values");
  }
  if (payment.expectedPrice.pixelsPerUnit <= 0n) {
    return rejectAll("TICKET_PARAMS_INVALID", "expectedPrice.pixelsPerUnit must be positive");
  }
  // The hash binds seed, sender, faceValue, winProb, expiry and price: any change means we never issued it.
  const rand = recipientRandFor(out.hosted, sender, p, payment.expectedPrice);
  if (recipientRandHash(rand) !== p.recipientRandHash.toLowerCase()) {
    return rejectAll(
      "TICKET_RAND_HASH_UNKNOWN",
      "recipientRandHash was not issued by this orchestrator for these params",
    );
  }
  out.recipientRand = rand;

  const { ledger } = deps;
  const { creationRound, creationRoundBlockHash } = payment.expirationParams;
  const [block, round, validity, roundHash, unlocking, info, claimable] = await Promise.all([
    ledger.blockNumber(),
    ledger.currentRound(),
    ledger.ticketValidityPeriod(),
    ledger.blockHashForRound(creationRound),
    ledger.isUnlockInProgress(sender),
    ledger.getSenderInfo(sender),
    ledger.claimableReserve(sender, out.hosted.address).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  out.claimable = claimable;
  out.currentBlock = block;
  out.senderDeposit = info.sender.deposit;
  out.lastValidRound = creationRound + validity - 1n;
  if (p.expirationBlock <= block) {
    return rejectAll(
      "TICKET_PARAMS_EXPIRED",
      `ticket params expired at block ${p.expirationBlock} (now ${block})`,
    );
  }
  if (creationRound + validity <= round) {
    return rejectAll(
      "TICKET_ROUND_EXPIRED",
      `creation round ${creationRound} is past the ${validity}-round validity (now ${round})`,
    );
  }
  if (roundHash.toLowerCase() !== creationRoundBlockHash.toLowerCase() || /^0x0*$/.test(roundHash)) {
    return rejectAll(
      "TICKET_ROUND_HASH_INVALID",
      `creationRoundBlockHash does not match round ${creationRound}`,
    );
  }
  if (unlocking) return rejectAll("SENDER_UNLOCKING", "sender has an unlock in progress");
  if (info.sender.deposit <= 0n) return rejectAll("SENDER_NO_DEPOSIT", "sender has no deposit");
  if (info.reserve.fundsRemaining <= 0n) return rejectAll("SENDER_NO_RESERVE", "sender has no reserve");

  const verifier = deps.ticketVerifier ?? paymentVerifier();
  const ev = ticketEV(p.faceValue, p.winProb);
  const shared: Omit<Ticket, "senderNonce"> = {
    recipient: out.hosted.address,
    sender,
    faceValue: p.faceValue,
    winProb: p.winProb,
    recipientRandHash: p.recipientRandHash.toLowerCase() as Hex,
    creationRound,
    creationRoundBlockHash: creationRoundBlockHash.toLowerCase() as Hex,
  };
  // Nonces repeated inside the payment are refused without signature work; the rest are checked
  // together (one sender, one set of params: the shared fields are encoded once).
  const seen = new Set<bigint>();
  const repeated = payment.tickets.map((t) => seen.size === seen.add(t.senderNonce).size);
  const verdicts = verifier.verifyPayment(
    shared,
    payment.tickets.filter((_, i) => !repeated[i]),
    rand,
  );
  let next = 0;
  payment.tickets.forEach((t, i) => {
    const nonce = t.senderNonce.toString();
    if (repeated[i]) {
      out.errors.push({
        senderNonce: nonce,
        code: "TICKET_NONCE_REPLAYED",
        message: "nonce repeated in this payment",
      });
      return;
    }
    const v = verdicts[next++]!;
    if (!v.ok) {
      out.errors.push({
        senderNonce: nonce,
        code: "TICKET_SIG_INVALID",
        message: `signature rejected (${v.reason})`,
      });
      return;
    }
    out.valid.push({
      ticket: { ...shared, senderNonce: t.senderNonce },
      sig: t.sig,
      hash: bytesToHex(v.hash),
      won: v.winning,
      ev,
    });
  });
  return out;
}

/**
 * For deps built without a verifier (hand-made in tests): one per payment, so no state outlives
 * it; the key cache still spares recovery for the payment's later tickets.
 */
function paymentVerifier(): TicketVerifier {
  return createTicketVerifier({ backend: nobleBackend(), maxCachedSenders: 1 });
}
