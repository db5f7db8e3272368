import type { DestinationPolicy } from "../../../wire/destination.ts";
import type { OrchestratorClientOptions } from "../../../wire/orchestrator-client.ts";
import type { AppDeps } from "../../deps.ts";

/** The destinations the gateway may reach: public ones, plus the config's private allow-list. */
export function outboundPolicy(deps: AppDeps): DestinationPolicy {
  const policy: DestinationPolicy = { allowPrivate: deps.config.gateway.outbound.allowPrivate };
  return deps.resolveHost ? { ...policy, lookup: deps.resolveHost } : policy;
}

/** Client options for an info request: the policy, the size bound and one deadline. */
export function infoClientOptions(deps: AppDeps): OrchestratorClientOptions {
  const o = deps.config.gateway.outbound;
  return { policy: outboundPolicy(deps), maxBytes: o.infoMaxBytes, timeoutMs: o.infoTimeoutMs };
}
