import type { Address } from "../../../protocol/types.ts";
import type { PriceInfo } from "../../../wire/payment.ts";
import type { AppDeps } from "../../deps.ts";
import { findHosted } from "./hosted.ts";
import { offeredPrice } from "./offers.ts";

export type PriceCheck =
  | { ok: true; price: PriceInfo }
  | { ok: false; code: "CAPABILITY_NOT_FOUND" | "PAYMENT_PRICE_TOO_LOW"; message: string };

/**
 * Whether a payment's pinned `expectedPrice` pays at least the orchestrator's price for this
 * capability/model as offered now (offers.ts: config and the runners' manifest prices) (the HMAC proves the orchestrator offered that price, but not for which
 * capability, so a job route must check it). Compared as fractions, without division.
 */
export async function checkExpectedPrice(
  deps: AppDeps,
  orchestrator: Address,
  capability: string,
  modelId: string | undefined,
  expected: PriceInfo,
): Promise<PriceCheck> {
  const hosted = findHosted(deps, orchestrator);
  const price = hosted && (await offeredPrice(deps, hosted, capability, modelId));
  if (!price) {
    return {
      ok: false,
      code: "CAPABILITY_NOT_FOUND",
      message: `no price for ${capability}${modelId ? `/${modelId}` : ""}`,
    };
  }
  if (
    expected.pixelsPerUnit <= 0n ||
    expected.pricePerUnit * price.pixelsPerUnit < price.pricePerUnit * expected.pixelsPerUnit
  ) {
    return {
      ok: false,
      code: "PAYMENT_PRICE_TOO_LOW",
      message: `expected price ${expected.pricePerUnit}/${expected.pixelsPerUnit} is below ${price.pricePerUnit}/${price.pixelsPerUnit}`,
    };
  }
  return { ok: true, price };
}
