import type { LocalAccount } from "viem/accounts";
import { privateKeyToAddress } from "viem/accounts";
import type { Address } from "../../../protocol/types.ts";
import type { EdgeConfig, OrchestratorConfig } from "../../config.ts";
import type { AppDeps, Keys } from "../../deps.ts";
import { recipientSecret } from "./rand.ts";

/** An orchestrator identity this edge hosts: its key, its configuration and its ticket secret. */
export interface HostedOrchestrator {
  address: Address;
  account: LocalAccount;
  config: OrchestratorConfig;
  /** HMAC(ticketSecret, label ‖ address): this identity's recipientRand key (rand.ts). */
  recipientSecret: Uint8Array;
}

/**
 * The hosted orchestrators in config order (the first is the default identity), built once at
 * bootstrap from the config and the keys.
 */
export function hostedFrom(config: Pick<EdgeConfig, "orchestrators">, keys: Keys): HostedOrchestrator[] {
  const list: HostedOrchestrator[] = [];
  for (const orchestrator of config.orchestrators) {
    const address = privateKeyToAddress(orchestrator.privateKey).toLowerCase() as Address;
    const account = [...keys.orchestrators.entries()].find(([a]) => a.toLowerCase() === address)?.[1];
    if (!account) continue;
    list.push({
      address,
      account,
      config: orchestrator,
      recipientSecret: recipientSecret(keys.ticketSecret, address),
    });
  }
  return list;
}

/** The hosted orchestrator with this address (any case), or the default one when none is given. */
export function findHosted(
  deps: Pick<AppDeps, "services">,
  address?: string,
): HostedOrchestrator | undefined {
  const list = deps.services.hosted;
  if (address === undefined) return list[0];
  const want = address.toLowerCase();
  return list.find((o) => o.address === want);
}
