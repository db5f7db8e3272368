import { isSuspended, selectOrchestrator } from "../../../protocol/selection.ts";
import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";
import { discoverGoOrchestrators, type GoCandidate } from "../../go-gateway/discovery.ts";
import { streamSession } from "../../go-gateway/stream-sessions.ts";
import { type DiscoveryQuery, discoverOrchestrators } from "../gateway/discovery.ts";

// Where a job attempt goes: an orchestrator of this project's JSON wire or a go-livepeer one,
// drawn together by the one selection rule (stake-weighted, suspensions and the price cap shared).

export type JobRoute =
  | { kind: "go"; candidate: GoCandidate }
  /** The JSON path: payForJob with these excluded picks the orchestrator drawn. */
  | { kind: "json"; exclude: Address[] };

/** Whether any go-livepeer orchestrator can be in the draw (configured, or probed on the ledger). */
export function goWireConfigured(deps: AppDeps): boolean {
  const g = deps.config.gateway.goWire;
  return g.orchAddr.length > 0 || g.ledgerProbe;
}

/**
 * Draws the orchestrator of the next attempt among both wires' candidates, minus `tried`.
 * Without go-livepeer orchestrators configured this is the JSON path's own draw. A pushed
 * `stream` with an open go-livepeer session goes back to that session's orchestrator.
 */
export async function chooseRoute(
  deps: AppDeps,
  q: DiscoveryQuery,
  tried: readonly Address[],
  goAllowed: boolean,
  stream?: string,
): Promise<JobRoute> {
  if (!goAllowed || !goWireConfigured(deps)) return { kind: "json", exclude: [...tried] };
  // A pushed stream stays with the orchestrator of its open session, as go-livepeer's does.
  const kept = stream === undefined ? undefined : streamSession(deps, stream);
  const s0 = deps.services.discovery;
  if (
    kept &&
    !tried.some((a) => a.toLowerCase() === kept.candidate.address) &&
    !isSuspended(s0.suspensions, kept.candidate.address, s0.refresh)
  ) {
    return { kind: "go", candidate: kept.candidate };
  }
  // The go wire first: an account answering GetOrchestrator is not failed by its JSON info.
  const configuredGo = await discoverGoOrchestrators(deps, q);
  const json = await discoverOrchestrators(deps, q).catch(() => []);
  // Members the JSON discovery just handed over for probing (gateway.goWire.ledgerProbe).
  const go = deps.config.gateway.goWire.ledgerProbe ? await discoverGoOrchestrators(deps, q) : configuredGo;
  const done = new Set(tried.map((a) => a.toLowerCase()));
  const jsonAddresses = new Set(json.map((d) => d.address));
  // The same account on both wires is paid on this project's own.
  const goOnly = go.filter((c) => !jsonAddresses.has(c.address) && !done.has(c.address));
  const s = deps.services.discovery;
  const pool = [
    ...json.filter((d) => !done.has(d.address)).map((d) => ({ address: d.address, stake: d.stake })),
    ...goOnly.map((c) => ({ address: c.address, stake: c.stake })),
  ].map((c) => {
    const latencyMs = s.latency.get(c.address);
    return latencyMs === undefined ? c : { ...c, latencyMs };
  });
  const pick = selectOrchestrator(pool, { suspensions: s.suspensions, refresh: s.refresh });
  const candidate = pick && goOnly.find((c) => c.address === pick.address);
  if (candidate) return { kind: "go", candidate };
  const others = json.filter((d) => d.address !== pick?.address).map((d) => d.address);
  return { kind: "json", exclude: [...tried, ...others] };
}
