import type { Address } from "../../../protocol/types.ts";
import type { Payment } from "../../../wire/payment.ts";
import { rawSql } from "../../db/raw.ts";
import { ticketRedemptions } from "../../db/schema/payments.ts";
import type { AppDeps } from "../../deps.ts";
import { METRIC } from "../../metrics.ts";
import { adjustBalanceIn, balanceIn, getBalance } from "./balance.ts";
import { creditBacking, pendingFaceValue, type SenderFunds } from "./float.ts";
import { insertedSince, insertTicketRows, ticketsOfRandHash } from "./ticket-rows.ts";
import { writeTx } from "./tx.ts";
import { MAX_NONCES_PER_RAND_HASH, type TicketError, validatePayment } from "./validate.ts";

export interface AcceptResult {
  /** The hosted recipient, or undefined when the payment named none of ours. */
  orchestrator: Address | undefined;
  sender: Address;
  accepted: number;
  won: number;
  /** Σ EV of the accepted tickets, credited to the (orchestrator, sender) balance. */
  credit: bigint;
  /** The sender's balance with the orchestrator after the credit. */
  balance: bigint;
  errors: TicketError[];
}

/**
 * Validates a payment and, in ONE write transaction, stores the accepted tickets, queues the
 * winners for redemption, and credits Σ EV to the sender's balance. Idempotent: the unique
 * (recipientRandHash, senderNonce) key means a ticket is accepted once even when two edges on one
 * database receive it; the repeat is reported as TICKET_NONCE_REPLAYED. Invalid tickets are
 * returned in `errors`, never thrown.
 */
export async function acceptPayment(deps: AppDeps, payment: Payment): Promise<AcceptResult> {
  const sender = payment.sender.toLowerCase() as Address;
  const v = await validatePayment(deps, payment);
  const labels = { orchestrator: v.hosted?.address ?? "unknown" };
  deps.metrics.inc(METRIC.ticketsReceived, labels, payment.tickets.length);
  const errors = [...v.errors];
  if (!v.hosted || v.valid.length === 0) {
    const balance = v.hosted ? await getBalance(deps, v.hosted.address, sender) : 0n;
    return { orchestrator: v.hosted?.address, sender, accepted: 0, won: 0, credit: 0n, balance, errors };
  }
  const orchestrator = v.hosted.address;
  const p = payment.ticketParams;
  const now = deps.clock.now();
  const rand = v.recipientRand.toString();
  if (!v.claimable.ok) throw v.claimable.error;
  const funds: SenderFunds = { claimable: v.claimable.value, deposit: v.senderDeposit };

  const randHash = v.valid[0]!.ticket.recipientRandHash;
  // The payment's fields are the same in every row: converted once, not per ticket.
  const shared = {
    recipient: orchestrator,
    sender,
    faceValue: p.faceValue.toString(),
    winProb: p.winProb.toString(),
    recipientRandHash: randHash,
    creationRound: v.valid[0]!.ticket.creationRound.toString(),
    creationRoundBlockHash: v.valid[0]!.ticket.creationRoundBlockHash,
    seed: p.seed,
    expirationBlock: Number(p.expirationBlock),
    pricePerUnit: payment.expectedPrice.pricePerUnit.toString(),
    pixelsPerUnit: payment.expectedPrice.pixelsPerUnit.toString(),
    recipientRand: rand,
    ev: v.valid[0]!.ev.toString(),
    receivedAt: now,
  };

  const result = await writeTx(deps.db, async (tx) => {
    const raw = rawSql(tx);
    const before = await ticketsOfRandHash(raw, randHash);
    const room = Math.max(0, MAX_NONCES_PER_RAND_HASH - before.count);
    const txErrors: TicketError[] = [];
    // Credit never passes what the sender can be made to pay: each ticket is credited only while
    // the balance stays within what backs it (winners pending redemption plus the max float left,
    // never more than deposit + reserve share), counting a winner's face value as pending at once.
    let pending = await pendingFaceValue(tx, orchestrator, sender);
    const balanceBefore = await balanceIn(tx, orchestrator, sender);
    let projected = balanceBefore;
    const candidates: typeof v.valid = [];
    for (const t of v.valid.slice(0, room)) {
      const nextPending = t.won ? pending + p.faceValue : pending;
      if (projected + t.ev > creditBacking(funds, nextPending)) {
        txErrors.push({
          senderNonce: t.ticket.senderNonce.toString(),
          code: "SENDER_RESERVE_INSUFFICIENT",
          message: "crediting this ticket would take the sender's balance past its max float",
        });
        continue;
      }
      pending = nextPending;
      projected += t.ev;
      candidates.push(t);
    }
    for (const t of v.valid.slice(room)) {
      txErrors.push({
        senderNonce: t.ticket.senderNonce.toString(),
        code: "TICKET_NONCE_LIMIT",
        message: `at most ${MAX_NONCES_PER_RAND_HASH} tickets per recipientRandHash; fetch fresh params`,
      });
    }
    if (candidates.length === 0) return { accepted: 0, txErrors, balance: undefined, credit: 0n, winners: 0 };
    const count = await insertTicketRows(
      raw,
      candidates.map((t) => ({
        ...shared,
        senderNonce: t.ticket.senderNonce.toString(),
        sig: t.sig,
        ticketHash: t.hash,
        won: t.won,
        status: t.won ? ("queued" as const) : ("accepted" as const),
      })),
    );
    // Which rows went in is read back only when it matters: some nonce was already stored (a
    // replay, e.g. the same payment through another edge), or a winner needs its row id.
    const inserted =
      count === candidates.length && !candidates.some((t) => t.won)
        ? candidates.map((t) => ({ id: 0, senderNonce: t.ticket.senderNonce.toString(), won: false }))
        : await insertedSince(raw, randHash, before.topId);
    if (inserted.length !== count) throw new Error(`inserted ${count} tickets but found ${inserted.length}`);
    const byNonce = new Map(inserted.map((r) => [r.senderNonce, r]));
    for (const t of candidates) {
      if (!byNonce.has(t.ticket.senderNonce.toString())) {
        txErrors.push({
          senderNonce: t.ticket.senderNonce.toString(),
          code: "TICKET_NONCE_REPLAYED",
          message: "a ticket with this nonce was already received for this recipientRandHash",
        });
      }
    }
    const winners = inserted.filter((r) => r.won);
    if (winners.length > 0) {
      await tx.insert(ticketRedemptions).values(
        winners.map((w) => ({
          ticketId: w.id,
          recipient: orchestrator,
          sender,
          faceValue: p.faceValue.toString(),
          expirationBlock: Number(p.expirationBlock),
          lastValidRound: v.lastValidRound.toString(),
          status: "queued",
          nextAttemptAt: now,
          updatedAt: now,
        })),
      );
    }
    const credit = BigInt(inserted.length) * (candidates[0]?.ev ?? 0n);
    const balance =
      inserted.length > 0
        ? await adjustBalanceIn(tx, orchestrator, sender, credit, now, balanceBefore)
        : undefined;
    return { accepted: inserted.length, txErrors, balance, credit, winners: winners.length };
  });

  errors.push(...result.txErrors);
  const { accepted } = result;
  const { winners: won, credit } = result;
  if (accepted > 0) {
    deps.metrics.inc(METRIC.ticketsWon, labels, won);
    deps.metrics.inc(METRIC.ticketValueReceivedWei, labels, credit);
  }
  for (const e of errors) deps.metrics.inc(METRIC.paymentRecvErrors, { ...labels, error_code: e.code });
  const balance = result.balance ?? (await getBalance(deps, orchestrator, sender));
  return { orchestrator, sender, accepted, won, credit, balance, errors };
}
