import type { Address } from "../../protocol/types.ts";
import type { SegData } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import {
  decodePaymentHeader,
  decodeSegDataHeader,
  PAYMENT_HEADER,
  SEGMENT_HEADER,
} from "../../wire/go/headers.ts";
import { type GoPayment, paymentFromProto } from "../../wire/go/payment.ts";
import { segDataHash, verifyHashSignature } from "../../wire/go/signatures.ts";
import { GO_TEXT } from "../../wire/go/status.ts";
import type { PriceInfo } from "../../wire/payment.ts";
import { acceptPayment } from "../services/tickets/accept.ts";
import { checkExpectedPrice } from "../services/tickets/price.ts";
import type { TicketErrorCode } from "../services/tickets/validate.ts";
import type { GoWireContext } from "./context.ts";
import { header, type NodeRequest } from "./http.ts";

/** A refusal as go-livepeer words it: the HTTP status and the text gateways match on. */
export interface Refusal {
  status: number;
  text: string;
}

export const refusal = (status: number, text: string): Refusal => ({ status, text });
export const isRefusal = (v: unknown): v is Refusal =>
  typeof v === "object" && v !== null && "status" in v && "text" in v;

/** The two headers every paid request carries, decoded in go-livepeer's order (payment first: 402). */
export function decodePaidHeaders(req: NodeRequest): Refusal | { seg: SegData; payment: GoPayment } {
  let payment: GoPayment;
  try {
    payment = paymentFromProto(decodePaymentHeader(header(req, PAYMENT_HEADER) ?? ""));
  } catch (err) {
    return refusal(402, (err as Error).message);
  }
  try {
    return { seg: decodeSegDataHeader(header(req, SEGMENT_HEADER) ?? ""), payment };
  } catch {
    return refusal(403, GO_TEXT.segEncoding);
  }
}

/** SegData.sig must be the payment sender's signature of the segment's signed fields. */
export async function checkSegSignature(
  seg: SegData,
  sender: Address | null,
  profileNames: readonly string[],
): Promise<Refusal | null> {
  if (sender === null || seg.hash.length !== 32) return refusal(403, GO_TEXT.segSig);
  const h = segDataHash({ manifestId: seg.manifestId, seq: seg.seq, hash: seg.hash, profileNames });
  return (await verifyHashSignature(h, seg.sig, sender)) ? null : refusal(403, GO_TEXT.segSig);
}

const TICKET_TEXT: Partial<Record<TicketErrorCode, string>> = {
  TICKET_PARAMS_EXPIRED: GO_TEXT.ticketParamsExpired,
  TICKET_NONCE_REPLAYED: GO_TEXT.nonceAlreadySeen,
  TICKET_NONCE_LIMIT: GO_TEXT.nonceTooMany,
  TICKET_RAND_HASH_UNKNOWN: GO_TEXT.invalidRecipientRand,
  TICKET_SIG_INVALID: GO_TEXT.invalidTicketSignature,
  TICKET_RECIPIENT_INVALID: GO_TEXT.invalidTicketRecipient,
};

/** go-livepeer's text for a rejected ticket, with this node's detail after it. */
export function ticketErrorText(code: TicketErrorCode, message: string): string {
  const text = TICKET_TEXT[code];
  return text ? `${text}: ${message}` : message;
}

/**
 * go-livepeer's ProcessPayment: the payment's price must cover `capability`'s, and its tickets go
 * through the edge's payment intake (the same validation and database credit as the JSON path);
 * their EV is also credited to (sender, manifest). A payment without tickets credits nothing. Any
 * rejected ticket refuses the request with 400 and its text; the valid ones stay credited.
 */
export async function processPayment(
  ctx: GoWireContext,
  payment: GoPayment,
  manifest: string,
  capability: string,
  modelId?: string,
): Promise<Refusal | null> {
  const p = payment.payment;
  if (p === null) return null;
  if (p.ticketParams.recipient !== ctx.hosted.address)
    return refusal(400, `${GO_TEXT.invalidTicketRecipient}: ${p.ticketParams.recipient}`);
  const priced = await checkExpectedPrice(ctx.deps, ctx.hosted.address, capability, modelId, p.expectedPrice);
  if (!priced.ok) return refusal(400, `${GO_TEXT.invalidExpectedPrice}: ${priced.message}`);
  const accepted = await acceptPayment(ctx.deps, p);
  if (accepted.credit > 0n) ctx.credit.add(p.sender, manifest, accepted.credit);
  const first = accepted.errors[0];
  return first ? refusal(400, ticketErrorText(first.code, first.message)) : null;
}

/**
 * Work needs a balance of at least one ticket's EV on this (sender, manifest) whenever this
 * orchestrator charges for the capability (its own price, so an empty payment buys nothing).
 */
export function checkBalance(
  ctx: GoWireContext,
  sender: Address | null,
  manifest: string,
  price: PriceInfo | undefined,
): Refusal | null {
  if (price !== undefined && price.pricePerUnit === 0n) return null;
  const balance = sender === null ? 0n : ctx.credit.balance(sender, manifest);
  return balance >= ctx.hosted.config.ticket.ev ? null : refusal(400, GO_TEXT.insufficientBalance);
}

/** The price work is billed at: the payment's expected price, else this orchestrator's own. */
export function billingPrice(payment: GoPayment, own: PriceInfo | undefined): PriceInfo {
  const e = payment.expectedPrice;
  if (e.pricePerUnit > 0n && e.pixelsPerUnit > 0n) return e;
  return own ?? { pricePerUnit: 0n, pixelsPerUnit: 1n };
}
