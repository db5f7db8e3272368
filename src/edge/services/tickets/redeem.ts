import { and, eq, inArray, lt, lte, or } from "drizzle-orm";
import type { Address, Hex, Ticket } from "../../../protocol/types.ts";
import type { ErrorCode } from "../../../wire/errors.ts";
import { acceptedTickets, ticketRedemptions } from "../../db/schema/payments.ts";
import type { AppDeps } from "../../deps.ts";
import { LedgerError } from "../../ledger/errors.ts";
import type { TxResult } from "../../ledger/types.ts";
import { METRIC } from "../../metrics.ts";
import { writeTx } from "./tx.ts";

export interface RedeemOptions {
  /** Identifies this process in the claim (lease) column. */
  owner?: string;
  /** Most tickets tried per call. Default 50. */
  limit?: number;
  /** How long a claim holds before another process may take the ticket over. Default 60 s. */
  leaseMs?: number;
  /** First retry delay; doubles per attempt up to maxRetryMs. Default 5 s. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface RedeemReport {
  /** Tickets this call claimed and worked on. */
  claimed: number;
  redeemed: number;
  /** Settled for less than face value and consumed (protocol#663). */
  partial: number;
  /** Found already used on the ledger (redeemed before a crash, or by another party). */
  alreadyUsed: number;
  /** Put back for a later attempt (underfunded sender, round not initialized, ledger error). */
  retried: number;
  /** Past the validity window: can never be redeemed. */
  expired: number;
  /** Rejected by the ledger for a reason no retry can fix. */
  failed: number;
}

/** Ledger codes after which a retry cannot succeed. */
const PERMANENT = new Set([
  "TICKET_NOT_WINNING",
  "TICKET_SIG_INVALID",
  "TICKET_RAND_INVALID",
  "TICKET_RECIPIENT_INVALID",
  "TICKET_SENDER_INVALID",
  "TICKET_AUX_INVALID",
]);

const defaultOwner = `edge-${crypto.randomUUID()}`;

function paidAmount(result: TxResult, fallback: bigint): bigint {
  const transfer = result.events.find((e) => e.name === "WinningTicketTransfer");
  const amount = transfer?.args.amount;
  if (typeof amount === "bigint") return amount;
  if (typeof amount === "string" && /^\d+$/.test(amount)) return BigInt(amount);
  return transfer ? fallback : 0n;
}

/**
 * Redeems queued winning tickets (the scheduler calls this each tick). A ticket is tried only
 * after its params expired (expirationBlock ≤ current block), only while its sender can pay
 * (not unlocked, deposit + reserve ≥ faceValue), and at most once across processes: each row is
 * claimed in a write transaction before the ledger call, and `usedTickets` is consulted first.
 * Underfunded or failed tickets are retried with backoff until their validity window closes
 * (go-livepeer#4013); a settlement below face value is recorded as `partial` (protocol#663).
 */
export async function redeemDueTickets(deps: AppDeps, options: RedeemOptions = {}): Promise<RedeemReport> {
  const report: RedeemReport = {
    claimed: 0,
    redeemed: 0,
    partial: 0,
    alreadyUsed: 0,
    retried: 0,
    expired: 0,
    failed: 0,
  };
  const owner = options.owner ?? defaultOwner;
  const leaseMs = options.leaseMs ?? 60_000;
  const retryMs = options.retryMs ?? 5_000;
  const maxRetryMs = options.maxRetryMs ?? 300_000;
  const { ledger, db } = deps;
  const [block, round, initialized] = await Promise.all([
    ledger.blockNumber(),
    ledger.currentRound(),
    ledger.currentRoundInitialized(),
  ]);
  let now = deps.clock.now();
  // TicketBroker reverts in an uninitialized round: wait for the next tick instead of spending an
  // attempt and a backoff that, on short devnet rounds, could outlast the ticket's validity.
  if (!initialized) return report;

  // Close the window on tickets that can no longer be redeemed.
  const expired = await writeTx(db, async (tx) => {
    const rows = await tx
      .select({ id: ticketRedemptions.ticketId, lastValidRound: ticketRedemptions.lastValidRound })
      .from(ticketRedemptions)
      .where(eq(ticketRedemptions.status, "queued"));
    const ids = rows.filter((r) => BigInt(r.lastValidRound) < round).map((r) => r.id);
    if (ids.length === 0) return 0;
    await tx
      .update(ticketRedemptions)
      .set({ status: "expired", leaseOwner: null, leaseUntil: null, updatedAt: now })
      .where(and(inArray(ticketRedemptions.ticketId, ids), eq(ticketRedemptions.status, "queued")));
    await tx.update(acceptedTickets).set({ status: "expired" }).where(inArray(acceptedTickets.id, ids));
    return ids.length;
  });
  if (expired > 0) deps.metrics.inc(METRIC.redemptionsExpired, {}, expired);
  report.expired = expired;

  const due = await db
    .select({ id: ticketRedemptions.ticketId })
    .from(ticketRedemptions)
    .where(
      and(
        lt(ticketRedemptions.expirationBlock, Number(block) + 1),
        or(
          and(eq(ticketRedemptions.status, "queued"), lte(ticketRedemptions.nextAttemptAt, now)),
          and(eq(ticketRedemptions.status, "redeeming"), lt(ticketRedemptions.leaseUntil, now)),
        ),
      ),
    )
    .orderBy(ticketRedemptions.nextAttemptAt)
    .limit(options.limit ?? 50);

  for (const { id } of due) {
    now = deps.clock.now();
    const claimed = await writeTx(db, async (tx) => {
      const res = await tx
        .update(ticketRedemptions)
        .set({ status: "redeeming", leaseOwner: owner, leaseUntil: now + leaseMs, updatedAt: now })
        .where(
          and(
            eq(ticketRedemptions.ticketId, id),
            or(
              eq(ticketRedemptions.status, "queued"),
              and(eq(ticketRedemptions.status, "redeeming"), lt(ticketRedemptions.leaseUntil, now)),
            ),
          ),
        )
        .returning({
          id: ticketRedemptions.ticketId,
          attempts: ticketRedemptions.attempts,
          lastValidRound: ticketRedemptions.lastValidRound,
        });
      if (res.length === 0) return undefined;
      const [t] = await tx.select().from(acceptedTickets).where(eq(acceptedTickets.id, id));
      return t
        ? { row: t, attempts: res[0]!.attempts, lastValidRound: BigInt(res[0]!.lastValidRound) }
        : undefined;
    });
    if (!claimed) continue;
    report.claimed++;
    const outcome = await redeemOne(deps, claimed.row, round, round >= claimed.lastValidRound);
    now = deps.clock.now();
    const labels = { orchestrator: claimed.row.recipient };
    const finish = async (
      status: "queued" | "redeemed" | "partial" | "expired" | "failed",
      fields: { error?: string; ref?: Hex; paid?: bigint },
    ) => {
      const attempts = claimed.attempts + 1;
      const delay = Math.min(maxRetryMs, retryMs * 2 ** Math.min(claimed.attempts, 16));
      await writeTx(db, async (tx) => {
        await tx
          .update(ticketRedemptions)
          .set({
            status,
            attempts,
            lastError: fields.error ?? null,
            nextAttemptAt: status === "queued" ? now + delay : now,
            leaseOwner: null,
            leaseUntil: null,
            ...(fields.ref === undefined ? {} : { ref: fields.ref, redeemedRound: round.toString() }),
            ...(fields.paid === undefined ? {} : { amountPaid: fields.paid.toString() }),
            updatedAt: now,
          })
          .where(and(eq(ticketRedemptions.ticketId, id), eq(ticketRedemptions.leaseOwner, owner)));
        if (status !== "queued")
          await tx.update(acceptedTickets).set({ status }).where(eq(acceptedTickets.id, id));
      });
    };
    switch (outcome.kind) {
      case "redeemed": {
        const face = BigInt(claimed.row.faceValue);
        const partial = outcome.paid < face;
        await finish(partial ? "partial" : "redeemed", {
          ref: outcome.ref,
          paid: outcome.paid,
          ...(partial ? { error: `settled ${outcome.paid} of ${face} (protocol#663 partial payment)` } : {}),
        });
        deps.metrics.inc(METRIC.ticketsRedeemed, labels);
        deps.metrics.inc(METRIC.ticketValueRedeemedWei, labels, outcome.paid);
        if (partial) {
          report.partial++;
          deps.metrics.inc(METRIC.redemptionsPartial, labels);
          deps.metrics.inc(METRIC.redemptionShortfallWei, labels, face - outcome.paid);
          deps.logger.warn("winning ticket settled below face value (protocol#663)", {
            ticketId: id,
            sender: claimed.row.sender,
            faceValue: face.toString(),
            paid: outcome.paid.toString(),
          });
        } else report.redeemed++;
        break;
      }
      case "used":
        // Redeemed before (by us before a crash, or elsewhere): never submit it again.
        await finish("redeemed", { error: "ticket already used on the ledger" });
        report.alreadyUsed++;
        break;
      case "retry":
        await finish("queued", { error: `${outcome.code}: ${outcome.error}` });
        deps.metrics.inc(METRIC.redemptionRetries, { ...labels, reason: outcome.code });
        report.retried++;
        break;
      case "expired":
        await finish("expired", { error: outcome.error });
        deps.metrics.inc(METRIC.redemptionsExpired, labels);
        report.expired++;
        break;
      case "failed":
        await finish("failed", { error: `${outcome.code}: ${outcome.error}` });
        deps.metrics.inc(METRIC.redemptionErrors, { ...labels, code: outcome.code });
        deps.logger.error("winning ticket rejected by the ledger", { ticketId: id, error: outcome.error });
        report.failed++;
        break;
    }
  }
  return report;
}

type Outcome =
  | { kind: "redeemed"; ref: Hex; paid: bigint }
  | { kind: "used" }
  | { kind: "retry"; code: ErrorCode; error: string }
  | { kind: "expired"; error: string }
  | { kind: "failed"; code: ErrorCode; error: string };

async function redeemOne(
  deps: AppDeps,
  row: typeof acceptedTickets.$inferSelect,
  round: bigint,
  lastChance: boolean,
): Promise<Outcome> {
  const { ledger } = deps;
  const ticket: Ticket = {
    recipient: row.recipient as Address,
    sender: row.sender as Address,
    faceValue: BigInt(row.faceValue),
    winProb: BigInt(row.winProb),
    senderNonce: BigInt(row.senderNonce),
    recipientRandHash: row.recipientRandHash as Hex,
    creationRound: BigInt(row.creationRound),
    creationRoundBlockHash: row.creationRoundBlockHash as Hex,
  };
  try {
    if (await ledger.usedTickets(row.ticketHash as Hex)) return { kind: "used" };
    const info = await ledger.getSenderInfo(ticket.sender);
    if (info.sender.withdrawRound !== 0n && round >= info.sender.withdrawRound) {
      return {
        kind: "retry",
        code: "SENDER_UNLOCKED",
        error: "sender's unlock period is over; waiting for it to re-fund",
      };
    }
    if (info.sender.deposit + info.reserve.fundsRemaining < ticket.faceValue) {
      return {
        kind: "retry",
        code: "TICKET_UNDERFUNDED",
        error: "sender deposit and reserve do not cover the face value",
      };
    }
    // The door checks the whole reserve, the payout only our share of it (protocol#663): wait for a
    // top-up or the next round's allocation rather than settle short, unless this is the last round.
    const payable = info.sender.deposit + (await ledger.claimableReserve(ticket.sender, ticket.recipient));
    if (payable < ticket.faceValue && !(lastChance && payable > 0n)) {
      return {
        kind: "retry",
        code: "TICKET_UNDERFUNDED",
        error: `sender can pay ${payable} of ${ticket.faceValue} to this recipient now`,
      };
    }
    const result = await ledger.redeemWinningTicket(
      ticket.recipient,
      ticket,
      row.sig as Hex,
      BigInt(row.recipientRand),
    );
    return { kind: "redeemed", ref: result.ref, paid: paidAmount(result, ticket.faceValue) };
  } catch (err) {
    const code = err instanceof LedgerError ? err.code : "LEDGER_ERROR";
    const error = err instanceof Error ? err.message : String(err);
    if (code === "TICKET_USED") return { kind: "used" };
    if (code === "TICKET_EXPIRED") return { kind: "expired", error };
    if (PERMANENT.has(code)) return { kind: "failed", code, error };
    // Underfunded, unlocked, round not initialized, busy, or a bare failure: try again later.
    return { kind: "retry", code, error };
  }
}
