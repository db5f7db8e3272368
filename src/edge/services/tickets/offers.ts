import type { PriceInfo } from "../../../wire/payment.ts";
import { pipelineSpec } from "../../../wire/pipelines.ts";
import type { OrchestratorConfig } from "../../config.ts";
import type { AppDeps } from "../../deps.ts";
import type { HostedOrchestrator } from "./hosted.ts";

/**
 * One thing a hosted orchestrator's live runners serve: a capability, or a model of an AI
 * pipeline, with the price its runner's manifest gives the model (absent for transcode and for a
 * pipeline's generic entry).
 */
export interface ServedEntry {
  capability: string;
  modelId?: string;
  price?: PriceInfo;
  /** A model: loaded on the runner now. */
  warm?: boolean;
}

/** What an orchestrator advertises, each with the price it charges (absent: not for sale). */
export interface Offer {
  capability: string;
  modelId?: string;
  price?: PriceInfo;
  /** A model: loaded now on at least one live runner (go-livepeer's ModelConstraint.warm). */
  warm?: boolean;
}

const keyOf = (capability: string, modelId?: string) => `${capability}\u0000${modelId ?? ""}`;

/** a ≥ b, as fractions, without division. */
const atLeast = (a: PriceInfo, b: PriceInfo) =>
  a.pricePerUnit * b.pixelsPerUnit >= b.pricePerUnit * a.pixelsPerUnit;

function configPrice(
  prices: OrchestratorConfig["prices"],
  capability: string,
  modelId: string | undefined,
): PriceInfo | undefined {
  const p = prices.find((e) => e.capability === capability && e.modelId === modelId);
  return p ? { pricePerUnit: p.pricePerUnit, pixelsPerUnit: p.pixelsPerUnit } : undefined;
}

/**
 * What `hosted` advertises and at what price (docs/models.md#prices):
 * - an AI pipeline, and each of its models, only while a live runner has registered a model for
 *   it; a configured price alone advertises nothing;
 * - a model's price is the config's entry for that exact model, else its runner's manifest price
 *   (the highest when runners disagree, so none is paid below its own), else the config's price
 *   for the pipeline;
 * - a pipeline's generic entry (no model named) costs the config's pipeline price, else the
 *   highest of its models' prices, so a job the runner routes to any model is paid for;
 * - transcode is advertised when priced in config or served by a runner, as before.
 */
export function offersFrom(
  config: Pick<OrchestratorConfig, "prices">,
  served: readonly ServedEntry[],
): Offer[] {
  const entries = new Map<string, ServedEntry>();
  for (const s of served) {
    const key = keyOf(s.capability, s.modelId);
    const had = entries.get(key);
    if (!had) entries.set(key, { ...s });
    else {
      if (s.price && (!had.price || !atLeast(had.price, s.price))) had.price = s.price;
      if (s.warm) had.warm = true;
    }
  }
  for (const p of config.prices) {
    const spec = pipelineSpec(p.capability);
    if (spec?.kind === "ai") continue;
    const key = keyOf(p.capability);
    if (!entries.has(key)) entries.set(key, { capability: p.capability });
  }
  const list = [...entries.values()];
  const priced = list.map((e) => {
    const price =
      configPrice(config.prices, e.capability, e.modelId) ??
      e.price ??
      configPrice(config.prices, e.capability, undefined);
    return { ...e, price };
  });
  return priced.map((e) => {
    if (e.modelId !== undefined)
      return { ...withPrice(e.capability, e.modelId, e.price), warm: e.warm === true };
    if (e.price) return withPrice(e.capability, e.modelId, e.price);
    let top: PriceInfo | undefined;
    for (const m of priced) {
      if (m.capability === e.capability && m.modelId !== undefined && m.price) {
        if (!top || !atLeast(top, m.price)) top = m.price;
      }
    }
    return withPrice(e.capability, undefined, top);
  });
}

function withPrice(capability: string, modelId: string | undefined, price: PriceInfo | undefined): Offer {
  return {
    capability,
    ...(modelId === undefined ? {} : { modelId }),
    ...(price ? { price: { pricePerUnit: price.pricePerUnit, pixelsPerUnit: price.pixelsPerUnit } } : {}),
  };
}

/** The offers of `hosted` now: its live runners' registrations against its config. */
export async function offersOf(deps: AppDeps, hosted: HostedOrchestrator): Promise<Offer[]> {
  return offersFrom(hosted.config, await deps.services.capabilities(deps, hosted.address));
}

/** The price `hosted` charges for a capability/model it advertises now; undefined when it does not. */
export async function offeredPrice(
  deps: AppDeps,
  hosted: HostedOrchestrator,
  capability: string,
  modelId?: string,
): Promise<PriceInfo | undefined> {
  return priceIn(await offersOf(deps, hosted), capability, modelId);
}

/**
 * The price in `offers` for a capability, or for one model of it: only an advertised entry has
 * one (a model no runner registered is not for sale, even when its pipeline is).
 */
export function priceIn(
  offers: readonly Offer[],
  capability: string,
  modelId?: string,
): PriceInfo | undefined {
  const model = modelId || undefined; // "" names no model
  return offers.find((o) => o.capability === capability && o.modelId === model)?.price;
}
