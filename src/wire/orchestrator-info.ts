import { z } from "@hono/zod-openapi";
import { uint256Decimal } from "./decimal.ts";
import { ExpirationParamsSchema, PriceInfoSchema, TicketParamsSchema } from "./payment.ts";

// uint256 amounts: a value past 2^256 − 1 is bad input (400), never a 500 later.
const decimal = uint256Decimal;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte 0x address");

export const CapabilitySchema = z
  .object({ capability: z.string().min(1), modelId: z.string().min(1).optional() })
  .openapi("Capability");

export const CapabilityPriceSchema = z
  .object({
    capability: z.string().min(1),
    modelId: z.string().min(1).optional(),
    pricePerUnit: decimal,
    pixelsPerUnit: decimal,
  })
  .openapi("CapabilityPrice");

/**
 * What an orchestrator tells one sender (go-livepeer's OrchestratorInfo): identity, capabilities,
 * prices, and fresh ticket params pinned to `priceInfo`. `signature` is the orchestrator's EIP-191
 * signature over `canonicalInfo(info)` (every other field, keys sorted).
 */
export const OrchestratorInfoSchema = z
  .object({
    version: z.literal(1),
    address,
    serviceURI: z.string(),
    sender: address,
    capacity: z.number().int().nonnegative(),
    capabilities: z.array(CapabilitySchema),
    prices: z.array(CapabilityPriceSchema),
    /** The price the ticket params are bound to (the payment's expectedPrice). */
    priceInfo: PriceInfoSchema,
    ticketParams: TicketParamsSchema,
    expirationParams: ExpirationParamsSchema,
    /** Milliseconds since the epoch, by the orchestrator's clock. */
    issuedAt: z.number().int().nonnegative(),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
  })
  .openapi("OrchestratorInfo");

export type OrchestratorInfoJson = z.infer<typeof OrchestratorInfoSchema>;
export type CapabilityJson = z.infer<typeof CapabilitySchema>;
export type CapabilityPriceJson = z.infer<typeof CapabilityPriceSchema>;
