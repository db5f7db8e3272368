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
import { type Offer, offersOf, priceIn, type ServedEntry } from "./offers.ts";
import { recipientRandFor } from "./rand.ts";

/**
 * What the live runners attached to a hosted orchestrator serve: bootstrap passes the runners'
 * registrations (jobs/runners.ts). Only these advertise an AI pipeline (offers.ts).
 */
export type CapabilitySource = (deps: AppDeps, orchestrator: Address) => Promise<ServedEntry[]>;

export interface InfoRequest {
  sender: Address;
  /** A hosted identity; the first configured one when absent. */
  orchestrator?: Address;
  /** Pin the ticket params to this capability's (and model's) price; the first price when absent. */
  capability?: string;
  modelId?: string;
}

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

function pinnedPrice(hosted: HostedOrchestrator, offers: readonly Offer[], req: InfoRequest): PriceInfo {
  if (req.capability === undefined) {
    // The first configured price still on offer, else the first offer's.
    const configured = hosted.config.prices
      .map((p) => priceIn(offers, p.capability, p.modelId))
      .find((p) => p !== undefined);
    return configured ?? offers.find((o) => o.price)?.price ?? { pricePerUnit: 0n, pixelsPerUnit: 1n };
  }
  const p = priceIn(offers, req.capability, req.modelId);
  if (!p) {
    throw new LivepeerError(
      "CAPABILITY_NOT_FOUND",
      `not offered: ${req.capability}${req.modelId ? `/${req.modelId}` : ""}`,
    );
  }
  return p;
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
  const offers = await offersOf(deps, hosted);
  const price = pinnedPrice(hosted, offers, req);
  const { ledger } = deps;
  const [block, round, serviceURI, funds, pending] = await Promise.all([
    ledger.blockNumber(),
    ledger.lastInitializedRound(),
    ledger.getServiceURI(hosted.address),
    senderFunds(deps, hosted.address, sender),
    pendingFaceValue(deps.db, hosted.address, sender),
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
  const capabilities: CapabilityJson[] = offers.map((o) =>
    o.modelId === undefined ? { capability: o.capability } : { capability: o.capability, modelId: o.modelId },
  );
  const prices: CapabilityPriceJson[] = offers.flatMap((o) =>
    o.price
      ? [
          {
            capability: o.capability,
            ...(o.modelId === undefined ? {} : { modelId: o.modelId }),
            pricePerUnit: o.price.pricePerUnit.toString(),
            pixelsPerUnit: o.price.pixelsPerUnit.toString(),
          },
        ]
      : [],
  );
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
