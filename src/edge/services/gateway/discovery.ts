import {
  isSuspended,
  type RandomSource,
  recordFailure,
  recordSuccess,
  type SelectionCandidate,
  type SuspensionState,
  selectOrchestrator,
} from "../../../protocol/selection.ts";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { OrchestratorInfo } from "../../../wire/go/gen/net/lp_rpc_pb.ts";
import { getInfo, type OrchestratorClientOptions } from "../../../wire/orchestrator-client.ts";
import type { OrchestratorInfoJson } from "../../../wire/orchestrator-info.ts";
import type { PriceInfo } from "../../../wire/payment.ts";
import { serviceURIProblem } from "../../../wire/service-uri.ts";
import type { AppDeps } from "../../deps.ts";
import { METRIC } from "../../metrics.ts";
import { verifyOrchestratorInfo } from "../tickets/info-signature.ts";
import { checkOfferedParams, OverreachError } from "./limits.ts";
import { infoClientOptions } from "./outbound.ts";

/** An active orchestrator whose signed info this gateway fetched and verified. */
export interface DiscoveredOrchestrator {
  address: Address;
  serviceURI: string;
  stake: bigint;
  info: OrchestratorInfoJson;
  /** Clock time the info was fetched, and how long the fetch took. */
  fetchedAt: number;
  infoLatencyMs: number;
}

export interface DiscoveryQuery {
  capability: string;
  modelId?: string;
  /** Price cap; else the config's gateway.maxPrices entry for the capability, else gateway.defaultMaxPrice. */
  maxPrice?: PriceInfo;
}

export interface CacheEntry {
  info: OrchestratorInfoJson;
  fetchedAt: number;
  latencyMs: number;
}

/** The gateway's discovery state for this process: info cache, suspensions, refresh counter, job latencies. */
export interface DiscoveryState {
  cache: Map<string, CacheEntry>;
  suspensions: SuspensionState;
  refresh: number;
  latency: Map<string, number>;
  /** go-livepeer GetOrchestrator answers by dial URL and capability (go-gateway/discovery.ts). */
  go: Map<string, GoProbeEntry>;
  /**
   * Ledger members whose service URI did not answer the JSON info, to be probed for the go wire
   * (gateway.goWire.ledgerProbe): address → service URI. Their failure counts once that fails too.
   */
  goProbe: Map<string, string>;
  /** Accounts that answered GetOrchestrator: their JSON info failing counts against none of them. */
  goAddresses: Set<string>;
}

/** One GetOrchestrator answer (or its failure) as cached. */
export interface GoProbeEntry {
  info?: OrchestratorInfo;
  error?: string;
  fetchedAt: number;
}

/** Empty discovery state, built once at bootstrap. */
export function createDiscoveryState(): DiscoveryState {
  return {
    cache: new Map(),
    suspensions: {},
    refresh: 0,
    latency: new Map(),
    go: new Map(),
    goProbe: new Map(),
    goAddresses: new Set(),
  };
}

const state = (deps: AppDeps): DiscoveryState => deps.services.discovery;

const policy = (deps: AppDeps) => ({
  threshold: deps.config.gateway.suspendAfterFailures,
  penaltyRefreshes: 3,
});

/** Records a failed job or fetch; after `gateway.suspendAfterFailures` the orchestrator is suspended. */
export function reportOrchestratorFailure(deps: AppDeps, address: Address): void {
  const s = state(deps);
  s.suspensions = recordFailure(s.suspensions, address, s.refresh, policy(deps));
  deps.metrics.inc(METRIC.orchestratorFailures, { orchestrator: address.toLowerCase() });
  for (const key of [...s.cache.keys()]) if (key.startsWith(address.toLowerCase())) s.cache.delete(key);
}

/** Suspends the orchestrator at once: it asked for more than this gateway pays, or gave a bad URL. */
export function suspendOrchestrator(deps: AppDeps, address: Address, reason: string): void {
  const s = state(deps);
  const threshold = policy(deps).threshold;
  do s.suspensions = recordFailure(s.suspensions, address, s.refresh, policy(deps));
  while ((s.suspensions[address.toLowerCase()]?.failures ?? threshold) < threshold);
  deps.metrics.inc(METRIC.orchestratorRefused, {
    orchestrator: address.toLowerCase(),
    reason,
  });
  invalidateInfo(deps, address);
}

/**
 * Refusals caused by this gateway's own sender (no deposit or reserve, an unlock in progress):
 * every orchestrator would answer the same, so they count against none of them.
 */
const SENDER_SIDE_CODES = new Set([
  "SENDER_RESERVE_INSUFFICIENT",
  "SENDER_UNLOCKING",
  "SENDER_NO_DEPOSIT",
  "SENDER_NO_RESERVE",
  "TICKET_SENDER_INVALID",
]);

/** Whether an error is the gateway's own payment failure rather than the orchestrator's. */
export function isSenderSideFailure(code: string): boolean {
  return SENDER_SIDE_CODES.has(code);
}

/** Records a successful job and its round-trip latency (used to prefer fast sessions). */
export function reportOrchestratorSuccess(deps: AppDeps, address: Address, latencyMs?: number): void {
  const s = state(deps);
  s.suspensions = recordSuccess(s.suspensions, address);
  if (latencyMs !== undefined) s.latency.set(address.toLowerCase(), latencyMs);
}

/** Whether the orchestrator is suspended right now. */
export function isOrchestratorSuspended(deps: AppDeps, address: Address): boolean {
  const s = state(deps);
  return isSuspended(s.suspensions, address, s.refresh);
}

/** Drops cached info for one orchestrator (e.g. its params ran out of nonces) or for all. */
export function invalidateInfo(deps: AppDeps, address?: Address): void {
  const s = state(deps);
  if (!address) s.cache.clear();
  else for (const key of [...s.cache.keys()]) if (key.startsWith(address.toLowerCase())) s.cache.delete(key);
}

/** a/b ≤ c/d for prices, without division. */
export function priceAtMost(price: PriceInfo, cap: PriceInfo): boolean {
  return price.pricePerUnit * cap.pixelsPerUnit <= cap.pricePerUnit * price.pixelsPerUnit;
}

export function capFor(deps: AppDeps, q: DiscoveryQuery): PriceInfo {
  if (q.maxPrice) return q.maxPrice;
  const caps = deps.config.gateway.maxPrices;
  const c =
    caps.find((p) => p.capability === q.capability && p.modelId === q.modelId) ??
    caps.find((p) => p.capability === q.capability && p.modelId === undefined) ??
    deps.config.gateway.defaultMaxPrice;
  return { pricePerUnit: c.pricePerUnit, pixelsPerUnit: c.pixelsPerUnit };
}

/** Whether the info offers the capability (and model: a capability listed without model covers any). */
export function offers(info: OrchestratorInfoJson, capability: string, modelId?: string): boolean {
  return info.capabilities.some(
    (c) =>
      c.capability === capability &&
      (c.modelId === undefined || modelId === undefined || c.modelId === modelId),
  );
}

async function fetchInfo(
  deps: AppDeps,
  member: { address: Address; serviceURI: string },
  q: DiscoveryQuery,
  sender: Address,
  currentBlock: bigint,
  clientOptions: OrchestratorClientOptions,
): Promise<CacheEntry> {
  const s = state(deps);
  const key = `${member.address.toLowerCase()}|${q.capability}|${q.modelId ?? ""}`;
  const now = deps.clock.now();
  const hit = s.cache.get(key);
  // Reuse within the TTL, but never params that are about to expire.
  if (
    hit &&
    now - hit.fetchedAt < deps.config.gateway.infoTtlMs &&
    BigInt(hit.info.ticketParams.expirationBlock) > currentBlock + 1n
  ) {
    return hit;
  }
  const started = performance.now();
  const info = await getInfo(
    member.serviceURI,
    {
      sender,
      orchestrator: member.address,
      capability: q.capability,
      ...(q.modelId ? { modelId: q.modelId } : {}),
    },
    clientOptions,
  );
  const verified = await verifyOrchestratorInfo(info, member.address);
  if (!verified.ok) throw new LivepeerError(verified.code, verified.message);
  if (info.sender.toLowerCase() !== sender.toLowerCase()) {
    throw new LivepeerError("INFO_SIGNATURE_INVALID", "info was issued for another sender");
  }
  checkOfferedParams(deps, info);
  const entry = { info, fetchedAt: now, latencyMs: performance.now() - started };
  s.cache.set(key, entry);
  return entry;
}

/**
 * The orchestrators a job can go to: the ledger's current active set, each one's service URI,
 * and its signed info (cached for `gateway.infoTtlMs`, signature verified), minus suspended ones,
 * those lacking the capability/model, and those priced above the cap. A failed fetch counts as a
 * failure toward suspension. Each call is one discovery refresh.
 */
export async function discoverOrchestrators(
  deps: AppDeps,
  q: DiscoveryQuery,
  clientOptions: OrchestratorClientOptions = {},
): Promise<DiscoveredOrchestrator[]> {
  const account = deps.keys.sender;
  if (!account) throw new LivepeerError("GATEWAY_SENDER_MISSING", "the gateway has no sender key configured");
  const sender = account.address.toLowerCase() as Address;
  const s = state(deps);
  s.refresh++;
  const [active, block] = await Promise.all([deps.ledger.getActiveSet(), deps.ledger.blockNumber()]);
  const cap = capFor(deps, q);
  const found = await Promise.all(
    active.map(async (m): Promise<DiscoveredOrchestrator | undefined> => {
      const address = m.address.toLowerCase() as Address;
      if (isSuspended(s.suspensions, address, s.refresh)) {
        deps.metrics.inc(METRIC.orchestratorSkipped, {
          orchestrator: address,
          reason: "suspended",
        });
        return undefined;
      }
      const serviceURI = await deps.ledger.getServiceURI(address);
      if (!serviceURI) return undefined;
      const problem = serviceURIProblem(serviceURI);
      if (problem) {
        deps.logger.warn("orchestrator service URI refused", { orchestrator: address, problem });
        suspendOrchestrator(deps, address, "service_uri");
        return undefined;
      }
      try {
        const e = await fetchInfo(deps, { address, serviceURI }, q, sender, block, {
          ...infoClientOptions(deps),
          ...clientOptions,
        });
        s.goProbe.delete(address);
        return {
          address,
          serviceURI,
          stake: m.totalStake,
          info: e.info,
          fetchedAt: e.fetchedAt,
          infoLatencyMs: e.latencyMs,
        };
      } catch (err) {
        // Not offering the capability is an answer, not a failure.
        if (err instanceof LivepeerError && err.code === "CAPABILITY_NOT_FOUND") return undefined;
        deps.logger.warn("orchestrator info unavailable", { orchestrator: address, error: String(err) });
        // Our own sender's standing is no fault of the orchestrator's.
        if (err instanceof LivepeerError && isSenderSideFailure(err.code)) return undefined;
        if (
          err instanceof OverreachError ||
          (err instanceof LivepeerError && err.code === "PEER_URL_REFUSED")
        ) {
          suspendOrchestrator(deps, address, err.code.toLowerCase());
          return undefined;
        }
        // Its account answers on go-livepeer's wire (an orchAddr or a probed URI): no failure here.
        if (s.goAddresses.has(address)) return undefined;
        // It may speak go-livepeer's wire instead: the go discovery probes it and counts the failure.
        if (deps.config.gateway.goWire.ledgerProbe) {
          s.goProbe.set(address, serviceURI);
          return undefined;
        }
        reportOrchestratorFailure(deps, address);
        return undefined;
      }
    }),
  );
  return found.filter((d): d is DiscoveredOrchestrator => {
    if (!d || !offers(d.info, q.capability, q.modelId)) return false;
    const price = {
      pricePerUnit: BigInt(d.info.priceInfo.pricePerUnit),
      pixelsPerUnit: BigInt(d.info.priceInfo.pixelsPerUnit),
    };
    return priceAtMost(price, cap);
  });
}

export interface SelectForJobOptions {
  /** Orchestrators not to pick (e.g. ones that already failed this job). */
  exclude?: readonly Address[];
  /** Prefer a known session at or under this latency over the stake-weighted draw. */
  latencyThresholdMs?: number;
  random?: RandomSource;
  clientOptions?: OrchestratorClientOptions;
}

/**
 * Discovers and picks one orchestrator for a job: stake-weighted draw (0.7 stake share + 0.3
 * uniform, go-livepeer's default), preferring a known low-latency session when
 * `latencyThresholdMs` is given, never a suspended or excluded one. Throws
 * NO_ORCHESTRATOR_AVAILABLE when none qualifies.
 */
export async function selectForJob(
  deps: AppDeps,
  q: DiscoveryQuery,
  options: SelectForJobOptions = {},
): Promise<DiscoveredOrchestrator> {
  const found = await discoverOrchestrators(deps, q, options.clientOptions ?? {});
  const s = state(deps);
  const excluded = new Set((options.exclude ?? []).map((a) => a.toLowerCase()));
  const candidates: SelectionCandidate[] = found
    .filter((d) => !excluded.has(d.address))
    .map((d) => {
      const latencyMs = s.latency.get(d.address);
      return latencyMs === undefined
        ? { address: d.address, stake: d.stake }
        : { address: d.address, stake: d.stake, latencyMs };
    });
  const pick = selectOrchestrator(candidates, {
    suspensions: s.suspensions,
    refresh: s.refresh,
    ...(options.random ? { random: options.random } : {}),
    ...(options.latencyThresholdMs === undefined ? {} : { latencyThresholdMs: options.latencyThresholdMs }),
  });
  const chosen = pick && found.find((d) => d.address === pick.address);
  if (!chosen) {
    throw new LivepeerError(
      "NO_ORCHESTRATOR_AVAILABLE",
      `no active orchestrator offers ${q.capability} within the price cap`,
    );
  }
  return chosen;
}

/**
 * Whether any active orchestrator advertises the capability (its signed info prices it), read
 * through the same info cache as selection. Suspension and price caps are not considered: they
 * make an orchestrator unavailable, not the capability unknown. "unknown" when an orchestrator
 * could not be asked: the job may still find it.
 */
export async function capabilityAdvertised(
  deps: AppDeps,
  q: Omit<DiscoveryQuery, "maxPrice">,
  clientOptions: OrchestratorClientOptions = {},
): Promise<"yes" | "no" | "unknown"> {
  const account = deps.keys.sender;
  if (!account) throw new LivepeerError("GATEWAY_SENDER_MISSING", "the gateway has no sender key configured");
  const sender = account.address.toLowerCase() as Address;
  const [active, block] = await Promise.all([deps.ledger.getActiveSet(), deps.ledger.blockNumber()]);
  const timeout = Math.min(deps.config.gateway.requestTimeoutMs, 10_000);
  const answers = await Promise.all(
    active.map(async (m): Promise<"yes" | "no" | "unknown"> => {
      const address = m.address.toLowerCase() as Address;
      const serviceURI = await deps.ledger.getServiceURI(address);
      if (!serviceURI) return "no";
      try {
        const e = await fetchInfo(deps, { address, serviceURI }, q, sender, block, {
          timeoutMs: timeout,
          ...clientOptions,
        });
        return offers(e.info, q.capability, q.modelId) ? "yes" : "no";
      } catch (err) {
        if (err instanceof LivepeerError && err.code === "CAPABILITY_NOT_FOUND") return "no";
        return "unknown";
      }
    }),
  );
  if (answers.includes("yes")) return "yes";
  return answers.includes("unknown") ? "unknown" : "no";
}
