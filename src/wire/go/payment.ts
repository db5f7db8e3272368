import { create } from "@bufbuild/protobuf";
import type { Address, Hex } from "viem";
import type { Payment, PriceInfo, TicketParams } from "../payment.ts";
import { addressOfBytes, bigIntToMinimalBytes, bytesOf, hexOf, minimalBytesToBigInt } from "./bytes.ts";
import {
  type TicketExpirationParams as PbExpirationParams,
  TicketExpirationParamsSchema as PbExpirationParamsSchema,
  type Payment as PbPayment,
  PaymentSchema as PbPaymentSchema,
  type PriceInfo as PbPriceInfo,
  PriceInfoSchema as PbPriceInfoSchema,
  type TicketParams as PbTicketParams,
  TicketParamsSchema as PbTicketParamsSchema,
  TicketSenderParamsSchema as PbTicketSenderParamsSchema,
} from "./gen/net/lp_rpc_pb.ts";

// Conversion between this project's bigint ticket types and go-livepeer's protobuf ones.

export interface ExpirationParams {
  creationRound: bigint;
  creationRoundBlockHash: Hex;
}

const ZERO32 = `0x${"00".repeat(32)}` as Hex;

export function priceToProto(p: PriceInfo, capability = 0, constraint = ""): PbPriceInfo {
  return create(PbPriceInfoSchema, {
    pricePerUnit: p.pricePerUnit,
    pixelsPerUnit: p.pixelsPerUnit,
    capability,
    constraint,
  });
}

export function priceFromProto(p: PbPriceInfo | undefined): PriceInfo {
  return { pricePerUnit: p?.pricePerUnit ?? 0n, pixelsPerUnit: p?.pixelsPerUnit ?? 0n };
}

export function expirationToProto(e: ExpirationParams): PbExpirationParams {
  return create(PbExpirationParamsSchema, {
    creationRound: e.creationRound,
    creationRoundBlockHash: bytesOf(e.creationRoundBlockHash),
  });
}

/** Ticket params as an OrchestratorInfo carries them: fields 1–6 and the expiration params (7). */
export function ticketParamsToProto(t: TicketParams, expiration?: ExpirationParams): PbTicketParams {
  return create(PbTicketParamsSchema, {
    recipient: bytesOf(t.recipient),
    faceValue: bigIntToMinimalBytes(t.faceValue),
    winProb: bigIntToMinimalBytes(t.winProb),
    recipientRandHash: bytesOf(t.recipientRandHash),
    seed: bytesOf(t.seed),
    expirationBlock: bigIntToMinimalBytes(t.expirationBlock),
    ...(expiration ? { expirationParams: expirationToProto(expiration) } : {}),
  });
}

/** Why a protobuf field cannot become this project's type. */
export class GoWireFormatError extends Error {
  override readonly name = "GoWireFormatError";
}

export function ticketParamsFromProto(t: PbTicketParams): TicketParams {
  const recipient = addressOfBytes(t.recipient);
  if (recipient === null) throw new GoWireFormatError("ticket recipient must be 20 bytes");
  if (t.recipientRandHash.length !== 32)
    throw new GoWireFormatError("ticket recipientRandHash must be 32 bytes");
  if (t.seed.length > 32) throw new GoWireFormatError("ticket seed longer than 32 bytes");
  return {
    recipient,
    faceValue: minimalBytesToBigInt(t.faceValue),
    winProb: minimalBytesToBigInt(t.winProb),
    recipientRandHash: hexOf(t.recipientRandHash),
    seed: hexOf(leftPad32(t.seed)),
    expirationBlock: minimalBytesToBigInt(t.expirationBlock),
  };
}

function leftPad32(b: Uint8Array): Uint8Array {
  if (b.length === 32) return b;
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}

function expirationFromProto(e: PbExpirationParams | undefined): ExpirationParams {
  if (!e) return { creationRound: 0n, creationRoundBlockHash: ZERO32 };
  const hash = e.creationRoundBlockHash;
  if (hash.length !== 0 && hash.length !== 32)
    throw new GoWireFormatError("creation round block hash must be 32 bytes");
  return { creationRound: e.creationRound, creationRoundBlockHash: hash.length === 0 ? ZERO32 : hexOf(hash) };
}

/** A decoded protobuf Payment: the price it quotes, and the tickets when it carries any. */
export interface GoPayment {
  sender: Address | null;
  expectedPrice: PriceInfo;
  /** Null when the payment carries no ticket params or no tickets (credit only from earlier tickets). */
  payment: Payment | null;
}

/** Converts a protobuf Payment; throws GoWireFormatError on a malformed field. */
export function paymentFromProto(p: PbPayment): GoPayment {
  const sender = p.sender.length === 0 ? null : addressOfBytes(p.sender);
  if (p.sender.length !== 0 && sender === null) throw new GoWireFormatError("sender must be 20 bytes");
  const expectedPrice = priceFromProto(p.expectedPrice);
  if (!p.ticketParams || p.ticketSenderParams.length === 0 || sender === null)
    return { sender, expectedPrice, payment: null };
  return {
    sender,
    expectedPrice,
    payment: {
      sender,
      ticketParams: ticketParamsFromProto(p.ticketParams),
      expirationParams: expirationFromProto(p.expirationParams ?? p.ticketParams.expirationParams),
      expectedPrice,
      tickets: p.ticketSenderParams.map((t) => ({ senderNonce: BigInt(t.senderNonce), sig: hexOf(t.sig) })),
    },
  };
}

/** A protobuf Payment as a gateway sends it: ticket params 1–6, expiration in top-level field 3. */
export function paymentToProto(p: Payment): PbPayment {
  for (const t of p.tickets)
    if (t.senderNonce < 0n || t.senderNonce > 0xffffffffn)
      throw new GoWireFormatError("sender nonce does not fit in uint32");
  return create(PbPaymentSchema, {
    ticketParams: ticketParamsToProto(p.ticketParams),
    sender: bytesOf(p.sender),
    expirationParams: expirationToProto(p.expirationParams),
    ticketSenderParams: p.tickets.map((t) =>
      create(PbTicketSenderParamsSchema, { senderNonce: Number(t.senderNonce), sig: bytesOf(t.sig) }),
    ),
    expectedPrice: priceToProto(p.expectedPrice),
  });
}
