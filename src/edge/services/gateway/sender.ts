import { and, eq, sql } from "drizzle-orm";
import { ticketsForFee } from "../../../protocol/pricing.ts";
import { signTicket } from "../../../protocol/signature.ts";
import type { Address, Hex, Ticket } from "../../../protocol/types.ts";
import { ticketEV } from "../../../protocol/win.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { OrchestratorInfoJson } from "../../../wire/orchestrator-info.ts";
import {
  type Payment,
  type PaymentJson,
  paymentToJson,
  priceFromJson,
  ticketParamsFromJson,
} from "../../../wire/payment.ts";
import { gatewayBalances, gatewayNonces } from "../../db/schema/payments.ts";
import type { AppDeps } from "../../deps.ts";
import { type Tx, writeTx } from "../tickets/tx.ts";
import { MAX_NONCES_PER_RAND_HASH } from "../tickets/validate.ts";

export interface CreatedPayment {
  orchestrator: Address;
  payment: Payment;
  /** The wire form, ready for POST /v1/orchestrator/tickets or a job's `payment` field. */
  json: PaymentJson;
  tickets: number;
  /** EV of one ticket and of all of them, wei. */
  ev: bigint;
  totalEv: bigint;
  fee: bigint;
  /** Credit the gateway believes it holds at the orchestrator after this payment and fee. */
  balance: bigint;
}

const lower = (a: string) => a.toLowerCase() as Address;

async function balanceIn(tx: Tx | AppDeps["db"], sender: Address, orchestrator: Address) {
  const [row] = await tx
    .select()
    .from(gatewayBalances)
    .where(and(eq(gatewayBalances.sender, sender), eq(gatewayBalances.orchestrator, orchestrator)));
  return row
    ? { balance: BigInt(row.balance), sentEv: BigInt(row.sentEv), spent: BigInt(row.spent) }
    : { balance: 0n, sentEv: 0n, spent: 0n };
}

async function writeBalance(
  tx: Tx,
  sender: Address,
  orchestrator: Address,
  v: { balance: bigint; sentEv: bigint; spent: bigint },
  now: number,
) {
  const values = {
    balance: v.balance.toString(),
    sentEv: v.sentEv.toString(),
    spent: v.spent.toString(),
    updatedAt: now,
  };
  await tx
    .insert(gatewayBalances)
    .values({ sender, orchestrator, ...values })
    .onConflictDoUpdate({ target: [gatewayBalances.sender, gatewayBalances.orchestrator], set: values });
}

/** EV this gateway sent `orchestrator` on params created in `round` (Σ tickets × EV per params). */
async function roundSpendIn(tx: Tx, orchestrator: Address, round: number): Promise<bigint> {
  const rows = await tx
    .select({ lastNonce: gatewayNonces.lastNonce, ev: gatewayNonces.ev })
    .from(gatewayNonces)
    .where(and(eq(gatewayNonces.orchestrator, orchestrator), eq(gatewayNonces.creationRound, round)));
  return rows.reduce((sum, r) => sum + BigInt(r.lastNonce) * BigInt(r.ev), 0n);
}

/** The gateway-side view of its credit at `orchestrator` (EV sent minus fees and rejected tickets). */
export async function getGatewayBalance(deps: AppDeps, orchestrator: Address): Promise<bigint> {
  const sender = deps.keys.sender;
  if (!sender) return 0n;
  return (await balanceIn(deps.db, lower(sender.address), lower(orchestrator))).balance;
}

/**
 * Builds and signs a payment covering `fee` wei of work at the orchestrator described by `info`
 * (its ticket params and pinned price). Tickets = ceil((fee - current credit) / EV), at least
 * `minTickets` (default 1, so a job always carries a payment); nonces are reserved atomically per
 * recipientRandHash starting at 1; the gateway-side balance moves by Σ EV - fee. Throws
 * GATEWAY_SENDER_MISSING without a sender key, TICKET_NONCE_LIMIT when the params have no nonces
 * left (fetch fresh info), FEE_EXCEEDS_TICKET_LIMIT when the fee needs more than 600 tickets, TICKET_PARAMS_INVALID for params with zero EV,
 * GATEWAY_SPEND_LIMIT when the tickets would take the orchestrator past
 * `gateway.spend.maxPerOrchestratorPerRound` of EV in the params' round.
 */
export async function createPayment(
  deps: AppDeps,
  info: Pick<OrchestratorInfoJson, "address" | "ticketParams" | "expirationParams" | "priceInfo">,
  fee: bigint,
  options: {
    minTickets?: number;
    /**
     * The credit the recipient holds for this payment's manifest when it keeps credit per
     * session (go-livepeer: per auth-token session): tickets cover fee − credit instead of
     * fee − the gateway's balance at that orchestrator.
     */
    credit?: bigint;
  } = {},
): Promise<CreatedPayment> {
  const account = deps.keys.sender;
  if (!account) throw new LivepeerError("GATEWAY_SENDER_MISSING", "the gateway has no sender key configured");
  if (fee < 0n) throw new RangeError("fee must be non-negative");
  const sender = lower(account.address);
  const orchestrator = lower(info.address);
  const params = ticketParamsFromJson(info.ticketParams);
  const ev = ticketEV(params.faceValue, params.winProb);
  if (ev <= 0n)
    throw new LivepeerError("TICKET_PARAMS_INVALID", "offered ticket params carry no expected value");
  const now = deps.clock.now();
  const minTickets = BigInt(options.minTickets ?? 1);

  const creationRound = Number(info.expirationParams.creationRound);
  const roundCap = deps.config.gateway.spend.maxPerOrchestratorPerRound;

  const reserved = await writeTx(deps.db, async (tx) => {
    const current = await balanceIn(tx, sender, orchestrator);
    const owed = fee - (options.credit ?? current.balance);
    let n = ticketsForFee(owed > 0n ? owed : 0n, ev);
    if (n < minTickets) n = minTickets;
    if (n > BigInt(MAX_NONCES_PER_RAND_HASH)) {
      throw new LivepeerError(
        "FEE_EXCEEDS_TICKET_LIMIT",
        `fee needs ${n} tickets, more than one set of params allows`,
      );
    }
    const spentThisRound = await roundSpendIn(tx, orchestrator, creationRound);
    if (spentThisRound + n * ev > roundCap) {
      throw new LivepeerError(
        "GATEWAY_SPEND_LIMIT",
        `sending ${n * ev} wei of EV would take ${orchestrator} past ${roundCap} wei this round`,
        { details: { orchestrator, spentThisRound: spentThisRound.toString() } },
      );
    }
    const [row] = await tx
      .insert(gatewayNonces)
      .values({
        recipientRandHash: params.recipientRandHash,
        orchestrator,
        lastNonce: Number(n),
        expirationBlock: Number(params.expirationBlock),
        creationRound,
        ev: ev.toString(),
      })
      .onConflictDoUpdate({
        target: gatewayNonces.recipientRandHash,
        set: { lastNonce: sql`${gatewayNonces.lastNonce} + ${Number(n)}` },
      })
      .returning({ lastNonce: gatewayNonces.lastNonce });
    const last = BigInt(row!.lastNonce);
    if (last > BigInt(MAX_NONCES_PER_RAND_HASH)) {
      throw new LivepeerError(
        "TICKET_NONCE_LIMIT",
        "these ticket params have no nonces left; fetch fresh info",
      );
    }
    const totalEv = n * ev;
    const next = {
      balance: current.balance + totalEv - fee,
      sentEv: current.sentEv + totalEv,
      spent: current.spent + fee,
    };
    await writeBalance(tx, sender, orchestrator, next, now);
    return { first: last - n + 1n, n, balance: next.balance };
  });

  const base: Omit<Ticket, "senderNonce"> = {
    recipient: params.recipient,
    sender,
    faceValue: params.faceValue,
    winProb: params.winProb,
    recipientRandHash: params.recipientRandHash,
    creationRound: BigInt(info.expirationParams.creationRound),
    creationRoundBlockHash: info.expirationParams.creationRoundBlockHash.toLowerCase() as Hex,
  };
  const tickets: Payment["tickets"] = [];
  for (let nonce = reserved.first; nonce < reserved.first + reserved.n; nonce++) {
    tickets.push({ senderNonce: nonce, sig: await signTicket(account, { ...base, senderNonce: nonce }) });
  }
  const payment: Payment = {
    sender,
    ticketParams: params,
    expirationParams: {
      creationRound: base.creationRound,
      creationRoundBlockHash: base.creationRoundBlockHash,
    },
    expectedPrice: priceFromJson(info.priceInfo),
    tickets,
  };
  return {
    orchestrator,
    payment,
    json: paymentToJson(payment),
    tickets: tickets.length,
    ev,
    totalEv: ev * BigInt(tickets.length),
    fee,
    balance: reserved.balance,
  };
}

/**
 * Applies the orchestrator's answer to the gateway-side balance: tickets it rejected carried no
 * credit, so their EV is taken back; and when `charged` is given (what the orchestrator actually
 * debited for the work: 0 for a job it failed), the part of the reserved fee it did not charge is
 * given back. Call with the `errors` of the payment result.
 */
export async function recordPaymentResult(
  deps: AppDeps,
  created: CreatedPayment,
  result: { accepted: number; errors: readonly unknown[]; charged?: bigint },
): Promise<bigint> {
  const account = deps.keys.sender;
  if (!account) return 0n;
  const rejected = BigInt(Math.max(0, created.tickets - result.accepted));
  const refund = result.charged === undefined ? 0n : created.fee - result.charged;
  const sender = lower(account.address);
  return writeTx(deps.db, async (tx) => {
    const current = await balanceIn(tx, sender, created.orchestrator);
    if (rejected === 0n && refund === 0n) return current.balance;
    const next = {
      balance: current.balance - rejected * created.ev + refund,
      sentEv: current.sentEv - rejected * created.ev,
      spent: current.spent - refund,
    };
    await writeBalance(tx, sender, created.orchestrator, next, deps.clock.now());
    return next.balance;
  });
}
