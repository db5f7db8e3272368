import type { LocalAccount } from "viem/accounts";
import { privateKeyToAddress } from "viem/accounts";
import type { Address } from "../../../protocol/types.ts";
import type { OrchestratorConfig } from "../../config.ts";
import type { AppDeps } from "../../deps.ts";

/** An orchestrator identity this edge hosts: its key and its configuration. */
export interface HostedOrchestrator {
  address: Address;
  account: LocalAccount;
  config: OrchestratorConfig;
}

const cache = new WeakMap<AppDeps, HostedOrchestrator[]>();

/** The hosted orchestrators in config order (the first is the default identity). */
export function hostedOrchestrators(deps: AppDeps): HostedOrchestrator[] {
  let list = cache.get(deps);
  if (!list) {
    list = [];
    for (const config of deps.config.orchestrators) {
      const address = privateKeyToAddress(config.privateKey).toLowerCase() as Address;
      const account = [...deps.keys.orchestrators.entries()].find(([a]) => a.toLowerCase() === address)?.[1];
      if (account) list.push({ address, account, config });
    }
    cache.set(deps, list);
  }
  return list;
}

/** The hosted orchestrator with this address (any case), or the default one when none is given. */
export function findHosted(deps: AppDeps, address?: string): HostedOrchestrator | undefined {
  const list = hostedOrchestrators(deps);
  if (address === undefined) return list[0];
  const want = address.toLowerCase();
  return list.find((o) => o.address === want);
}
