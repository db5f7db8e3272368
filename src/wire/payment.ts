import { z } from "@hono/zod-openapi";
import type { Address, Hex } from "viem";
import { uint256Decimal } from "./decimal.ts";

// The JSON Payment a gateway sends with a job (go-livepeer's protobuf `Payment`): one set of
// ticket params covers many (senderNonce, sig) pairs. Amounts are decimal strings.

// uint256 amounts: a value past 2^256 − 1 is bad input (400), never a 500 later.
const decimal = uint256Decimal;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte 0x address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x hex");
// Signature length and v are checked per ticket (TICKET_SIG_INVALID), not rejected as a bad body.
const hexBytes = z.string().regex(/^0x[0-9a-fA-F]{0,260}$/, "must be 0x hex");

export const TicketParamsSchema = z
  .object({
    recipient: address,
    faceValue: decimal,
    winProb: decimal,
    recipientRandHash: bytes32,
    seed: bytes32,
    expirationBlock: decimal,
  })
  .openapi("TicketParams");

export const ExpirationParamsSchema = z
  .object({ creationRound: decimal, creationRoundBlockHash: bytes32 })
  .openapi("TicketExpirationParams");

export const PriceInfoSchema = z
  .object({ pricePerUnit: decimal, pixelsPerUnit: decimal })
  .openapi("PriceInfo");

export const TicketSenderParamsSchema = z.object({ senderNonce: decimal, sig: hexBytes });

export const PaymentSchema = z
  .object({
    sender: address,
    ticketParams: TicketParamsSchema,
    expirationParams: ExpirationParamsSchema,
    expectedPrice: PriceInfoSchema,
    tickets: z.array(TicketSenderParamsSchema).min(1).max(600),
  })
  .openapi("Payment", {
    example: {
      sender: "0x1111111111111111111111111111111111111111",
      ticketParams: {
        recipient: "0x2222222222222222222222222222222222222222",
        faceValue: "12000000000000000",
        winProb: "9649029789938390659508226380236051034516296718286113021862082960",
        recipientRandHash: `0x${"ab".repeat(32)}`,
        seed: `0x${"cd".repeat(32)}`,
        expirationBlock: "1040",
      },
      expirationParams: { creationRound: "12", creationRoundBlockHash: `0x${"ef".repeat(32)}` },
      expectedPrice: { pricePerUnit: "1200", pixelsPerUnit: "1" },
      tickets: [{ senderNonce: "1", sig: `0x${"00".repeat(65)}` }],
    },
  });

export type PaymentJson = z.infer<typeof PaymentSchema>;
export type TicketParamsJson = z.infer<typeof TicketParamsSchema>;
export type PriceInfoJson = z.infer<typeof PriceInfoSchema>;

/** Ticket params as the orchestrator offers them (bigint form). */
export interface TicketParams {
  recipient: Address;
  faceValue: bigint;
  winProb: bigint;
  recipientRandHash: Hex;
  seed: Hex;
  expirationBlock: bigint;
}

export interface PriceInfo {
  pricePerUnit: bigint;
  pixelsPerUnit: bigint;
}

/** A Payment in bigint form, addresses and hex lower-cased. */
export interface Payment {
  sender: Address;
  ticketParams: TicketParams;
  expirationParams: { creationRound: bigint; creationRoundBlockHash: Hex };
  expectedPrice: PriceInfo;
  tickets: { senderNonce: bigint; sig: Hex }[];
}

const lower = <T extends string>(s: string) => s.toLowerCase() as T;

/** Converts a schema-validated JSON payment to its bigint form. */
export function paymentFromJson(p: PaymentJson): Payment {
  return {
    sender: lower<Address>(p.sender),
    ticketParams: {
      recipient: lower<Address>(p.ticketParams.recipient),
      faceValue: BigInt(p.ticketParams.faceValue),
      winProb: BigInt(p.ticketParams.winProb),
      recipientRandHash: lower<Hex>(p.ticketParams.recipientRandHash),
      seed: lower<Hex>(p.ticketParams.seed),
      expirationBlock: BigInt(p.ticketParams.expirationBlock),
    },
    expirationParams: {
      creationRound: BigInt(p.expirationParams.creationRound),
      creationRoundBlockHash: lower<Hex>(p.expirationParams.creationRoundBlockHash),
    },
    expectedPrice: {
      pricePerUnit: BigInt(p.expectedPrice.pricePerUnit),
      pixelsPerUnit: BigInt(p.expectedPrice.pixelsPerUnit),
    },
    tickets: p.tickets.map((t) => ({ senderNonce: BigInt(t.senderNonce), sig: lower<Hex>(t.sig) })),
  };
}

/** Converts a payment to the JSON wire shape (decimal strings). */
export function paymentToJson(p: Payment): PaymentJson {
  return {
    sender: p.sender,
    ticketParams: ticketParamsToJson(p.ticketParams),
    expirationParams: {
      creationRound: p.expirationParams.creationRound.toString(),
      creationRoundBlockHash: p.expirationParams.creationRoundBlockHash,
    },
    expectedPrice: priceToJson(p.expectedPrice),
    tickets: p.tickets.map((t) => ({ senderNonce: t.senderNonce.toString(), sig: t.sig })),
  };
}

export function ticketParamsToJson(t: TicketParams): TicketParamsJson {
  return {
    recipient: t.recipient,
    faceValue: t.faceValue.toString(),
    winProb: t.winProb.toString(),
    recipientRandHash: t.recipientRandHash,
    seed: t.seed,
    expirationBlock: t.expirationBlock.toString(),
  };
}

export function ticketParamsFromJson(t: TicketParamsJson): TicketParams {
  return {
    recipient: lower<Address>(t.recipient),
    faceValue: BigInt(t.faceValue),
    winProb: BigInt(t.winProb),
    recipientRandHash: lower<Hex>(t.recipientRandHash),
    seed: lower<Hex>(t.seed),
    expirationBlock: BigInt(t.expirationBlock),
  };
}

export function priceToJson(p: PriceInfo): PriceInfoJson {
  return { pricePerUnit: p.pricePerUnit.toString(), pixelsPerUnit: p.pixelsPerUnit.toString() };
}

export function priceFromJson(p: PriceInfoJson): PriceInfo {
  return { pricePerUnit: BigInt(p.pricePerUnit), pixelsPerUnit: BigInt(p.pixelsPerUnit) };
}
