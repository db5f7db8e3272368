import type { MiddlewareHandler } from "hono";
import { LivepeerError } from "../../../protocol/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { problem } from "../../http/problem.ts";

export type PriceRefusalCode = "PAYMENT_PRICE_TOO_LOW" | "CAPABILITY_NOT_FOUND";

/** HTTP status of each refusal: a payment that is too small is 402; an unpriced capability 422. */
const STATUS: Readonly<Record<PriceRefusalCode, number>> = {
  PAYMENT_PRICE_TOO_LOW: 402,
  CAPABILITY_NOT_FOUND: 422,
};

/** A job refused because its payment's pinned price does not cover the job's capability. */
export class PriceRefusal extends LivepeerError {
  override readonly code: PriceRefusalCode;
  readonly status: number;

  constructor(code: PriceRefusalCode, message: string, details: Record<string, unknown>) {
    super(code, message, { details });
    this.name = "PriceRefusal";
    this.code = code;
    this.status = STATUS[code];
  }
}

/** Renders a PriceRefusal as problem+json with its own status (the app's map would give 404/422). */
export const priceRefusals: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await next();
  const err = c.error;
  if (!(err instanceof PriceRefusal)) return;
  c.res = undefined;
  c.res = problem(c, err.code, err.message, {
    status: err.status,
    ...(err.details ? { details: err.details } : {}),
  });
};
