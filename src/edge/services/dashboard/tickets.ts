import { desc, eq, inArray, sql } from "drizzle-orm";
import type { Address } from "../../../protocol/types.ts";
import { acceptedTickets, ticketRedemptions } from "../../db/schema/payments.ts";
import type { AppDeps } from "../../deps.ts";

export interface TicketStats {
  received: number;
  won: number;
  redeemed: number;
  /** Σ EV of every ticket received, in wei. */
  evReceived: bigint;
  /** Σ face value of winning tickets, and Σ paid for those redeemed. */
  faceValueWon: bigint;
  paid: bigint;
  /** Redemption rows by status (queued, redeeming, redeemed, partial, expired, failed). */
  byStatus: Record<string, number>;
  /** Winning tickets not settled yet (queued, redeeming, failed), oldest first. */
  queue: RedemptionRow[];
}

export interface RedemptionRow {
  ticketId: number;
  sender: string;
  faceValue: bigint;
  status: string;
  attempts: number;
  lastValidRound: string;
  lastError: string | null;
  nextAttemptAt: number;
}

const QUEUE_LIMIT = 50;
const OPEN = ["queued", "redeeming", "failed"];

/** The tickets this edge accepted for a hosted orchestrator, and its redemption queue. */
export async function ticketStats(deps: AppDeps, orchestrator: Address): Promise<TicketStats> {
  const addr = orchestrator.toLowerCase();
  const [tickets, redemptions, queue] = await Promise.all([
    deps.db
      .select({ ev: acceptedTickets.ev, won: acceptedTickets.won, faceValue: acceptedTickets.faceValue })
      .from(acceptedTickets)
      .where(eq(acceptedTickets.recipient, addr)),
    deps.db
      .select({ status: ticketRedemptions.status, paid: ticketRedemptions.amountPaid })
      .from(ticketRedemptions)
      .where(eq(ticketRedemptions.recipient, addr)),
    deps.db
      .select()
      .from(ticketRedemptions)
      .where(sql`${ticketRedemptions.recipient} = ${addr} and ${inArray(ticketRedemptions.status, OPEN)}`)
      .orderBy(desc(ticketRedemptions.ticketId))
      .limit(QUEUE_LIMIT),
  ]);
  const out: TicketStats = {
    received: tickets.length,
    won: 0,
    redeemed: 0,
    evReceived: 0n,
    faceValueWon: 0n,
    paid: 0n,
    byStatus: {},
    queue: queue.reverse().map((r) => ({
      ticketId: r.ticketId,
      sender: r.sender,
      faceValue: BigInt(r.faceValue),
      status: r.status,
      attempts: r.attempts,
      lastValidRound: r.lastValidRound,
      lastError: r.lastError,
      nextAttemptAt: r.nextAttemptAt,
    })),
  };
  for (const t of tickets) {
    out.evReceived += BigInt(t.ev);
    if (t.won) {
      out.won++;
      out.faceValueWon += BigInt(t.faceValue);
    }
  }
  for (const r of redemptions) {
    out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + 1;
    if (r.status === "redeemed" || r.status === "partial") {
      out.redeemed++;
      out.paid += BigInt(r.paid ?? "0");
    }
  }
  return out;
}
