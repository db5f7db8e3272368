import { create } from "@bufbuild/protobuf";
import { hexToBytes } from "viem";
import type { Address } from "../../protocol/types.ts";
import {
  AI_ROUTE_CAPABILITY,
  capabilityBitstring,
  DEFAULT_CAPABILITIES,
} from "../../wire/go/capabilities.ts";
import {
  type AuthToken,
  type Capabilities,
  CapabilitiesSchema,
  type OrchestratorInfo,
  OrchestratorInfoSchema,
} from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { priceToProto, ticketParamsToProto } from "../../wire/go/payment.ts";
import { GO_WIRE_VERSION } from "../../wire/go/status.ts";
import { priceFromJson, ticketParamsFromJson } from "../../wire/payment.ts";
import { buildOrchestratorInfo } from "../services/tickets/info.ts";
import { offersOf } from "../services/tickets/offers.ts";
import type { GoWireContext } from "./context.ts";

/** The capability bit of a pipeline name ("transcode" has none: it is the default set). */
export function pipelineBit(pipeline: string): number | undefined {
  return AI_ROUTE_CAPABILITY[pipeline];
}

/** Which pipeline and model a request's capabilities ask for: the first AI bit with a model. */
export function requestedModel(caps: Capabilities | undefined): { pipeline: string; modelId: string } | null {
  const per = caps?.constraints?.PerCapability ?? {};
  for (const [pipeline, bit] of Object.entries(AI_ROUTE_CAPABILITY)) {
    const models = per[bit]?.models;
    const modelId = models ? Object.keys(models)[0] : undefined;
    if (modelId !== undefined) return { pipeline, modelId };
  }
  return null;
}

/**
 * A fresh OrchestratorInfo for `sender`: new ticket params (new seed, recipientRandHash bound to
 * the sender and the price), the capabilities this identity's runners serve, and `authToken`.
 * The price is the one of `pin` (an AI model) or else transcoding's.
 */
export async function goOrchestratorInfo(
  ctx: GoWireContext,
  sender: Address,
  authToken: AuthToken,
  pin: { pipeline: string; modelId?: string | undefined } | null,
): Promise<OrchestratorInfo> {
  const { deps, hosted } = ctx;
  const hasTranscodePrice = hosted.config.prices.some((p) => p.capability === "transcode");
  const pinned = pin ?? (hasTranscodePrice ? { pipeline: "transcode" } : null);
  const [json, offers] = await Promise.all([
    buildOrchestratorInfo(deps, {
      sender,
      orchestrator: hosted.address,
      ...(pinned ? { capability: pinned.pipeline } : {}),
      ...(pinned?.modelId ? { modelId: pinned.modelId } : {}),
    }),
    offersOf(deps, hosted),
  ]);
  // A model is warm while a live runner has it loaded (as its last poll said), else cold.
  const warm = new Set(offers.filter((o) => o.warm).map((o) => `${o.capability}\u0000${o.modelId}`));
  const bits = new Set<number>(DEFAULT_CAPABILITIES);
  const capacities: Record<number, number> = {};
  const perCapability: Record<
    number,
    { models: Record<string, { warm: boolean; capacity: number; runnerVersion: string }> }
  > = {};
  for (const c of json.capabilities) {
    const bit = pipelineBit(c.capability);
    if (bit === undefined) continue;
    bits.add(bit);
    capacities[bit] = json.capacity;
    if (c.modelId !== undefined) {
      perCapability[bit] ??= { models: {} };
      perCapability[bit].models[c.modelId] = {
        warm: warm.has(`${c.capability}\u0000${c.modelId}`),
        capacity: json.capacity,
        runnerVersion: "",
      };
    }
  }
  for (const bit of DEFAULT_CAPABILITIES) capacities[bit] = json.capacity;
  const capabilities = create(CapabilitiesSchema, {
    bitstring: capabilityBitstring(bits),
    capacities,
    version: GO_WIRE_VERSION,
    constraints: { minVersion: "", PerCapability: perCapability },
  });
  const capabilitiesPrices = json.prices.flatMap((p) => {
    const bit = pipelineBit(p.capability);
    if (bit === undefined) return [];
    return [priceToProto(priceFromJson(p), bit, p.modelId ?? "")];
  });
  return create(OrchestratorInfoSchema, {
    transcoder: ctx.serviceUri,
    ticketParams: ticketParamsToProto(ticketParamsFromJson(json.ticketParams), {
      creationRound: BigInt(json.expirationParams.creationRound),
      creationRoundBlockHash: json.expirationParams.creationRoundBlockHash as `0x${string}`,
    }),
    priceInfo: priceToProto(priceFromJson(json.priceInfo)),
    address: hexToBytes(hosted.address),
    capabilities,
    authToken,
    capabilitiesPrices,
  });
}
