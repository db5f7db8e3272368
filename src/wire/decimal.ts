import { z } from "@hono/zod-openapi";

const UINT256_MAX = (1n << 256n) - 1n;

/**
 * A uint256 as a decimal string. 78 digits can still exceed 2^256 − 1, which would fail later,
 * while encoding a ticket, as a 500: the bound is checked here so bad input is a 400.
 */
export const uint256Decimal = z
  .string()
  .regex(/^\d{1,78}$/, "must be a non-negative decimal integer")
  .refine((s) => BigInt(s) <= UINT256_MAX, "must fit in a uint256 (at most 2^256 − 1)");
