import { isSuspended } from "../../protocol/selection.ts";
import type { Address } from "../../protocol/types.ts";
import { hexOf } from "../../wire/go/bytes.ts";
import { AI_ROUTE_CAPABILITY, bitstringSubset } from "../../wire/go/capabilities.ts";
import type { Capabilities, OrchestratorInfo } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { priceFromProto, ticketParamsFromProto } from "../../wire/go/payment.ts";
import type { PriceInfo } from "../../wire/payment.ts";
import type { AppDeps } from "../deps.ts";
import {
  capFor,
  type DiscoveryQuery,
  priceAtMost,
  reportOrchestratorFailure,
} from "../services/gateway/discovery.ts";
import { type CapabilityRequest, gatewayCapabilities, getOrchestrator, orchestratorRpc } from "./grpc.ts";

// Discovery of go-livepeer orchestrators: the configured -orchAddr list, and (gateway.goWire.
// ledgerProbe) the ledger's active orchestrators whose service URI did not answer this project's
// JSON info. Each is asked GetOrchestrator with the job's capabilities; answers are cached like
// the JSON infos (gateway.infoTtlMs) and share the JSON path's suspensions and price caps.

/** A go-livepeer orchestrator that can take a job. */
export interface GoCandidate {
  /** Where gRPC dials (the -orchAddr entry or the ledger's service URI). */
  url: string;
  /** The ticket recipient: the orchestrator's account, the key of suspensions and balances. */
  address: Address;
  stake: bigint;
  info: OrchestratorInfo;
  price: PriceInfo;
  /** The capabilities asked for (a session for the job asks for the same). */
  capabilities: Capabilities;
}

/** An -orchAddr entry as go-livepeer reads it: a bare host:port is TLS. */
export function orchAddrUrl(entry: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(entry) ? entry : `https://${entry}`;
  const u = new URL(withScheme);
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error(`unsupported orchAddr ${entry}`);
  return u.origin;
}

/** The go-livepeer capability request of a job: transcoding, or an AI pipeline with its model. */
export function goCapabilityRequest(
  q: Pick<DiscoveryQuery, "capability" | "modelId">,
): CapabilityRequest | null {
  if (q.capability === "transcode") return {};
  const bit = AI_ROUTE_CAPABILITY[q.capability];
  // go-livepeer's AI orchestrators are priced and matched per model: no model, no match.
  if (bit === undefined || !q.modelId) return null;
  return { bits: [bit], models: { [bit]: [q.modelId] } };
}

/** Whether the orchestrator's capabilities cover the request (go-livepeer's CompatibleWith). */
export function goCompatible(
  orch: Capabilities | undefined,
  req: CapabilityRequest,
  want: Capabilities,
): boolean {
  if (!orch) return (req.bits ?? []).length === 0;
  if (!bitstringSubset(want.bitstring, orch.bitstring)) return false;
  if (!bitstringSubset(orch.mandatories, want.bitstring)) return false;
  for (const [bit, models] of Object.entries(req.models ?? {})) {
    const offered = orch.constraints?.PerCapability[Number(bit)]?.models ?? {};
    if (models.some((m) => !(m in offered))) return false;
  }
  return true;
}

async function probe(
  deps: AppDeps,
  url: string,
  key: string,
  capabilities: Capabilities,
): Promise<{ info?: OrchestratorInfo; error?: string }> {
  const s = deps.services.discovery;
  const now = deps.clock.now();
  const hit = s.go.get(key);
  if (hit && now - hit.fetchedAt < deps.config.gateway.infoTtlMs) {
    if (!hit.info) return hit;
    const block = await deps.ledger.blockNumber();
    // Never params about to expire.
    if (ticketParamsFromProto(hit.info.ticketParams!).expirationBlock > block + 1n) return hit;
  }
  const rpc = orchestratorRpc(url);
  let entry: { info?: OrchestratorInfo; error?: string; fetchedAt: number };
  try {
    const timeout = deps.config.gateway.outbound.infoTimeoutMs;
    const info = await getOrchestrator(rpc, deps.keys.sender!, capabilities, timeout);
    if (!info.transcoder || !info.authToken || !info.ticketParams) {
      entry = {
        error: "orchestrator info lacks a transcoder, an auth token or ticket params",
        fetchedAt: now,
      };
    } else entry = { info, fetchedAt: now };
  } catch (err) {
    entry = { error: (err as Error).message, fetchedAt: now };
  } finally {
    rpc.close();
  }
  s.go.set(key, entry);
  while (s.go.size > 10_000) s.go.delete(s.go.keys().next().value!);
  return entry;
}

/**
 * The go-livepeer orchestrators that offer the job's capability (and model) within the price cap,
 * not suspended. A failed GetOrchestrator counts as a failure toward suspension (and is cached
 * for the info TTL, so a dead address is not dialled for every job).
 */
export async function discoverGoOrchestrators(deps: AppDeps, q: DiscoveryQuery): Promise<GoCandidate[]> {
  const req = goCapabilityRequest(q);
  const s = deps.services.discovery;
  const configured = deps.config.gateway.goWire.orchAddr;
  if (!req || !deps.keys.sender || (configured.length === 0 && s.goProbe.size === 0)) return [];
  const capabilities = gatewayCapabilities(req);
  const capKey = `${q.capability}|${q.modelId ?? ""}`;
  const active = await deps.ledger.getActiveSet();
  const stakes = new Map(active.map((m) => [m.address.toLowerCase(), m.totalStake]));
  const targets = new Map<string, Address | null>();
  for (const entry of configured) {
    try {
      targets.set(orchAddrUrl(entry), null);
    } catch (err) {
      deps.logger.warn("orchAddr entry refused", { entry, error: (err as Error).message });
    }
  }
  for (const [address, uri] of s.goProbe) {
    if (stakes.has(address)) targets.set(new URL(uri).origin, address as Address);
    else s.goProbe.delete(address);
  }
  const cap = capFor(deps, q);
  const found = await Promise.all(
    [...targets].map(async ([url, expected]): Promise<GoCandidate | undefined> => {
      const got = await probe(deps, url, `${url}|${capKey}`, capabilities);
      if (!got.info) {
        deps.logger.warn("go-livepeer orchestrator unavailable", { url, error: got.error });
        if (expected) reportOrchestratorFailure(deps, expected);
        return undefined;
      }
      const info = got.info;
      const address = hexOf(info.ticketParams!.recipient).toLowerCase() as Address;
      // A ledger member must be paid as itself: its service URI answering for another account is refused.
      if (expected && address !== expected) {
        reportOrchestratorFailure(deps, expected);
        return undefined;
      }
      s.goAddresses.add(address);
      if (isSuspended(s.suspensions, address, s.refresh)) return undefined;
      if (!goCompatible(info.capabilities, req, capabilities)) return undefined;
      const price = priceFromProto(info.priceInfo);
      if (price.pixelsPerUnit <= 0n || !priceAtMost(price, cap)) return undefined;
      return { url, address, stake: stakes.get(address) ?? 0n, info, price, capabilities };
    }),
  );
  return found.filter((c): c is GoCandidate => c !== undefined);
}

/** Forgets the cached GetOrchestrator answers of one dial URL (its session failed). */
export function invalidateGoInfo(deps: AppDeps, url: string): void {
  const s = deps.services.discovery;
  for (const key of [...s.go.keys()]) if (key.startsWith(`${url}|`)) s.go.delete(key);
}
