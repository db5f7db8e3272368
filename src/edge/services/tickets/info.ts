import { bytesToHex } from "../../../protocol/bytes.ts";
import { recipientRandHash } from "../../../protocol/commit-reveal.ts";
import { computeTicketParams } from "../../../protocol/ticket-params.ts";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type {
  CapabilityJson,
  CapabilityPriceJson,
  OrchestratorInfoJson,
} from "../../../wire/orchestrator-info.ts";
import { type PriceInfo, priceToJson, type TicketParams, ticketParamsToJson } from "../../../wire/payment.ts";
import type { AppDeps } from "../../deps.ts";
import { floatOf, pendingFaceValue, senderFunds } from "./float.ts";
import { findHosted, type HostedOrchestrator } from "./hosted.ts";
import { signOrchestratorInfo } from "./info-signature.ts";
import { recipientRandFor } from "./rand.ts";

/**
 * Where the info endpoint learns capabilities beyond the configured prices: bootstrap passes the
 * capabilities of the runners attached to each hosted orchestrator (jobs/runners.ts).
 */
export type CapabilitySource = (deps: AppDeps, orchestrator: Address) => Promise<CapabilityJson[]>;

export interface InfoRequest {
  sender: Address;
  /** A hosted identity; the first configured one when absent. */
  orchestrator?: Address;
  /** Pin the ticket params to this capability's (and model's) price; the first price when absent. */
  capability?: string;
  modelId?: string;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** Price of a capability/model: an exact model entry first, then the capability's generic entry. */
export function priceFor(
  hosted: HostedOrchestrator,
  capability: string,
  modelId?: string,
): PriceInfo | undefined {
  const prices = hosted.config.prices;
  const exact = prices.find((p) => p.capability === capability && p.modelId === modelId);
  const generic = prices.find((p) => p.capability === capability && p.modelId === undefined);
  const p = exact ?? generic;
  return p ? { pricePerUnit: p.pricePerUnit, pixelsPerUnit: p.pixelsPerUnit } : undefined;
}

function pinnedPrice(hosted: HostedOrchestrator, req: InfoRequest): PriceInfo {
  if (req.capability === undefined) {
    const first = hosted.config.prices[0];
    return first
      ? { pricePerUnit: first.pricePerUnit, pixelsPerUnit: first.pixelsPerUnit }
      : { pricePerUnit: 0n, pixelsPerUnit: 1n };
  }
  const p = priceFor(hosted, req.capability, req.modelId);
  if (!p) {
    throw new LivepeerError(
      "CAPABILITY_NOT_FOUND",
      `no price for ${req.capability}${req.modelId ? `/${req.modelId}` : ""}`,
    );
  }
  return p;
}

async function capabilitiesOf(deps: AppDeps, hosted: HostedOrchestrator): Promise<CapabilityJson[]> {
  const seen = new Set<string>();
  const out: CapabilityJson[] = [];
  const add = (c: CapabilityJson) => {
    const key = `${c.capability}\u0000${c.modelId ?? ""}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(
      c.modelId === undefined
        ? { capability: c.capability }
        : { capability: c.capability, modelId: c.modelId },
    );
  };
  for (const p of hosted.config.prices) add(p.modelId === undefined ? { capability: p.capability } : p);
  for (const c of await deps.services.capabilities(deps, hosted.address)) add(c);
  return out;
}

/**
 * Builds and signs the OrchestratorInfo for one sender: prices, capabilities, capacity, and fresh
 * ticket params (new CSPRNG seed; recipientRandHash bound to the sender, params and pinned price).
 * Throws LivepeerError ORCHESTRATOR_NOT_FOUND, CAPABILITY_NOT_FOUND, TICKET_SENDER_INVALID, or
 * SENDER_RESERVE_INSUFFICIENT (the sender's max float cannot carry one ticket's EV).
 */
export async function buildOrchestratorInfo(deps: AppDeps, req: InfoRequest): Promise<OrchestratorInfoJson> {
  const hosted = findHosted(deps, req.orchestrator);
  if (!hosted) throw new LivepeerError("ORCHESTRATOR_NOT_FOUND", "no such orchestrator on this edge");
  const sender = req.sender.toLowerCase() as Address;
  if (sender === ZERO_ADDRESS)
    throw new LivepeerError("TICKET_SENDER_INVALID", "sender must not be the zero address");
  const price = pinnedPrice(hosted, req);
  const { ledger } = deps;
  const [block, round, serviceURI, funds, pending, capabilities] = await Promise.all([
    ledger.blockNumber(),
    ledger.lastInitializedRound(),
    ledger.getServiceURI(hosted.address),
    senderFunds(deps, hosted.address, sender),
    pendingFaceValue(deps.db, hosted.address, sender),
    capabilitiesOf(deps, hosted),
  ]);
  const blockHash = await ledger.blockHashForRound(round);
  const t = hosted.config.ticket;
  // Face values offered are clamped to the sender's max float (pending winners counted).
  const float = floatOf(funds, pending);
  const offer = computeTicketParams({
    ev: t.ev,
    gasPrice: t.gasPrice,
    redeemGas: t.redeemGas,
    txCostMultiplier: t.faceValueMultiplier,
    maxFloat: float,
    ...(t.maxFaceValue === undefined ? {} : { maxFaceValue: t.maxFaceValue }),
  });
  const seed = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  const base = {
    recipient: hosted.address,
    faceValue: offer.faceValue,
    winProb: offer.winProb,
    seed,
    expirationBlock: block + t.expiryBlocks,
  };
  const params: TicketParams = {
    ...base,
    recipientRandHash: recipientRandHash(recipientRandFor(hosted, sender, base, price)),
  };
  const prices: CapabilityPriceJson[] = hosted.config.prices.map((p) => ({
    capability: p.capability,
    ...(p.modelId === undefined ? {} : { modelId: p.modelId }),
    pricePerUnit: p.pricePerUnit.toString(),
    pixelsPerUnit: p.pixelsPerUnit.toString(),
  }));
  return signOrchestratorInfo(hosted.account, {
    version: 1,
    address: hosted.address,
    serviceURI: serviceURI || hosted.config.serviceURI,
    sender,
    capacity: hosted.config.capacity,
    capabilities,
    prices,
    priceInfo: priceToJson(price),
    ticketParams: ticketParamsToJson(params),
    expirationParams: { creationRound: round.toString(), creationRoundBlockHash: blockHash },
    issuedAt: deps.clock.now(),
  });
}
