import type { DestinationPolicy } from "../../../wire/destination.ts";
import type { OrchestratorClientOptions } from "../../../wire/orchestrator-client.ts";
import type { AppDeps } from "../../deps.ts";

/** Resolves a host name where the runtime can (Bun, Node, Deno); elsewhere names go unresolved. */
async function lookupHost(host: string): Promise<readonly string[]> {
  try {
    const dns = await import("node:dns/promises");
    const found = await dns.lookup(host, { all: true });
    return found.map((a) => a.address);
  } catch {
    return [];
  }
}

/** The destinations the gateway may reach: public ones, plus the config's private allow-list. */
export function outboundPolicy(deps: AppDeps): DestinationPolicy {
  return { allowPrivate: deps.config.gateway.outbound.allowPrivate, lookup: lookupHost };
}

/** Client options for an info request: the policy, the size bound and one deadline. */
export function infoClientOptions(deps: AppDeps): OrchestratorClientOptions {
  const o = deps.config.gateway.outbound;
  return { policy: outboundPolicy(deps), maxBytes: o.infoMaxBytes, timeoutMs: o.infoTimeoutMs };
}
