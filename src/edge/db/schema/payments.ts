// Tables of the payments area: tickets an orchestrator accepted, sender balances, the redemption
// queue, and the gateway's own nonce and balance tracking. Money is decimal TEXT (bigint in code).
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Every ticket an orchestrator hosted here accepted; the unique key makes acceptance idempotent. */
export const acceptedTickets = sqliteTable(
  "accepted_tickets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    recipient: text("recipient").notNull(),
    sender: text("sender").notNull(),
    faceValue: text("face_value").notNull(),
    winProb: text("win_prob").notNull(),
    /** Decimal string of the uint256 nonce. */
    senderNonce: text("sender_nonce").notNull(),
    recipientRandHash: text("recipient_rand_hash").notNull(),
    creationRound: text("creation_round").notNull(),
    creationRoundBlockHash: text("creation_round_block_hash").notNull(),
    seed: text("seed").notNull(),
    expirationBlock: integer("expiration_block").notNull(),
    pricePerUnit: text("price_per_unit").notNull(),
    pixelsPerUnit: text("pixels_per_unit").notNull(),
    sig: text("sig").notNull(),
    /** The revealed secret; never leaves the server except in the redemption call. */
    recipientRand: text("recipient_rand").notNull(),
    ticketHash: text("ticket_hash").notNull(),
    ev: text("ev").notNull(),
    won: integer("won", { mode: "boolean" }).notNull(),
    /** accepted (lost) | queued (won, waiting for redemption) | redeemed | partial | failed | expired */
    status: text("status").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("accepted_tickets_rand_nonce").on(t.recipientRandHash, t.senderNonce),
    index("accepted_tickets_sender").on(t.recipient, t.sender),
  ],
);

/** What a sender has paid (EV credited) minus what it has spent, per orchestrator. */
export const senderBalances = sqliteTable(
  "sender_balances",
  {
    orchestrator: text("orchestrator").notNull(),
    sender: text("sender").notNull(),
    balance: text("balance").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orchestrator, t.sender] })],
);

/** Redemption queue: one row per winning ticket, claimed under a lease before the ledger call. */
export const ticketRedemptions = sqliteTable(
  "ticket_redemptions",
  {
    ticketId: integer("ticket_id")
      .primaryKey()
      .references(() => acceptedTickets.id),
    recipient: text("recipient").notNull(),
    sender: text("sender").notNull(),
    faceValue: text("face_value").notNull(),
    /** Params expiry: the ticket is not redeemed before this block. */
    expirationBlock: integer("expiration_block").notNull(),
    /** The last round in which the ticket can still be redeemed (creationRound + validity - 1). */
    lastValidRound: text("last_valid_round").notNull(),
    /** queued | redeeming | redeemed | partial | expired | failed */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    ref: text("ref"),
    /** Wei actually paid (less than faceValue for a protocol#663 partial settlement). */
    amountPaid: text("amount_paid"),
    redeemedRound: text("redeemed_round"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("ticket_redemptions_due").on(t.status, t.nextAttemptAt)],
);

/** Gateway side: the last nonce used per recipientRandHash (nonces start at 1). */
export const gatewayNonces = sqliteTable("gateway_nonces", {
  recipientRandHash: text("recipient_rand_hash").primaryKey(),
  orchestrator: text("orchestrator").notNull(),
  lastNonce: integer("last_nonce").notNull(),
  expirationBlock: integer("expiration_block").notNull(),
  /** The params' creation round and EV per ticket: the spend per orchestrator per round is Σ lastNonce × ev. */
  creationRound: integer("creation_round").notNull().default(0),
  ev: text("ev").notNull().default("0"),
});

/** Gateway side: credit the sender believes it holds at each orchestrator (EV sent minus fees). */
export const gatewayBalances = sqliteTable(
  "gateway_balances",
  {
    sender: text("sender").notNull(),
    orchestrator: text("orchestrator").notNull(),
    balance: text("balance").notNull(),
    /** Total EV sent and total fees paid, for reporting. */
    sentEv: text("sent_ev").notNull(),
    spent: text("spent").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sender, t.orchestrator] })],
);
