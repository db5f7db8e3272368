import { LivepeerError } from "../wire/errors.ts";

/** A non-negative rational number of wei; den > 0. Prices stay exact until a fee is rounded. */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** Pricing input failures; codes are stable. */
export class PricingError extends LivepeerError {
  constructor(code: "INVALID_PRICE" | "INVALID_UNITS" | "INVALID_EV", message: string) {
    super(code, message);
    this.name = "PricingError";
  }
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Price per pixel (per unit for AI) = pricePerUnit / pixelsPerUnit, reduced.
 * @example pricePerPixel(1000n, 3n) // { num: 1000n, den: 3n }
 */
export function pricePerPixel(pricePerUnit: bigint, pixelsPerUnit: bigint): Rational {
  if (pixelsPerUnit <= 0n || pricePerUnit < 0n) {
    throw new PricingError("INVALID_PRICE", "pixelsPerUnit must be positive and pricePerUnit non-negative");
  }
  const g = gcd(pricePerUnit, pixelsPerUnit);
  return g === 0n ? { num: 0n, den: 1n } : { num: pricePerUnit / g, den: pixelsPerUnit / g };
}

/** The fee for `units` at `price`, rounded UP to whole wei so fractional work is never free. */
export function feeForUnits(units: bigint, price: Rational): bigint {
  if (units < 0n) throw new PricingError("INVALID_UNITS", "units must not be negative");
  if (price.den <= 0n || price.num < 0n)
    throw new PricingError("INVALID_PRICE", "price must be a non-negative rational");
  return ceilDiv(units * price.num, price.den);
}

/** One output rendition; frame rate is fps / fpsDen (fpsDen defaults to 1, e.g. 30000/1001). */
export interface Rendition {
  width: number;
  height: number;
  fps: number;
  fpsDen?: number;
}

function nonNegInt(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new PricingError("INVALID_UNITS", `${what} must be a non-negative integer`);
  return BigInt(n);
}

/**
 * Transcoding fee: Σ over renditions of width × height × fps × duration × price per pixel.
 * Duration is in milliseconds to stay integral; the total is rounded up once, at the end.
 */
export function transcodeFee(renditions: readonly Rendition[], durationMs: bigint, price: Rational): bigint {
  if (durationMs < 0n) throw new PricingError("INVALID_UNITS", "duration must not be negative");
  // pixels × 1000 × fpsDen-common-denominator kept exact: sum w·h·fps/fpsDen as a rational.
  let num = 0n;
  let den = 1n;
  for (const r of renditions) {
    const fpsDen = nonNegInt(r.fpsDen ?? 1, "fpsDen");
    if (fpsDen === 0n) throw new PricingError("INVALID_UNITS", "fpsDen must be positive");
    const px = nonNegInt(r.width, "width") * nonNegInt(r.height, "height") * nonNegInt(r.fps, "fps");
    num = num * fpsDen + px * den;
    den *= fpsDen;
  }
  return ceilDiv(num * durationMs * price.num, den * 1000n * price.den);
}

/** How many tickets of expected value `ev` pay `fee`: ceil(fee / ev). */
export function ticketsForFee(fee: bigint, ev: bigint): bigint {
  if (ev <= 0n) throw new PricingError("INVALID_EV", "ticket EV must be positive");
  if (fee <= 0n) return 0n;
  return ceilDiv(fee, ev);
}

/** Fee already covered beyond `fee` after sending ticketsForFee tickets (credit the sender keeps). */
export function overpayment(fee: bigint, ev: bigint): bigint {
  return ticketsForFee(fee, ev) * ev - (fee > 0n ? fee : 0n);
}
