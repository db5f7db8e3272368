import { privateKeyToAccount } from "viem/accounts";
import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";

/** What the start-up check found for one hosted orchestrator. */
export interface ServiceUriSync {
  orchestrator: Address;
  /** The URI on the ledger before the check ("" when none was ever set). */
  previous: string;
  configured: string;
  updated: boolean;
}

/**
 * Makes each hosted orchestrator's service URI on the ledger (ServiceRegistry.setServiceURI) the
 * one its config names, through the ledger like any other transaction. Gateways find an
 * orchestrator only by that URI, so an edge restarted on another port or host would otherwise
 * keep advertising the old address and receive no work. Run once at start.
 *
 * Prices and capacity are served from the config on every OrchestratorInfo request and
 * rewardCut/feeShare are not configured here, so the service URI is the only identity-bound
 * setting that can drift from the config.
 *
 * @example
 * for (const s of await syncServiceURIs(deps)) if (s.updated) console.log(s.orchestrator, s.configured);
 */
export async function syncServiceURIs(
  deps: Pick<AppDeps, "config" | "ledger" | "logger">,
): Promise<ServiceUriSync[]> {
  if (!deps.config.roles.includes("orchestrator")) return [];
  const out: ServiceUriSync[] = [];
  for (const o of deps.config.orchestrators) {
    const orchestrator = privateKeyToAccount(o.privateKey).address.toLowerCase() as Address;
    const previous = await deps.ledger.getServiceURI(orchestrator);
    const updated = !sameUri(previous, o.serviceURI);
    if (updated) {
      await deps.ledger.setServiceURI(orchestrator, o.serviceURI);
      deps.logger.info("service URI updated on the ledger", {
        orchestrator,
        previous,
        serviceURI: o.serviceURI,
      });
    }
    out.push({ orchestrator, previous, configured: o.serviceURI, updated });
  }
  return out;
}

/** Equal up to a trailing slash: "http://h:1/" and "http://h:1" reach the same routes. */
function sameUri(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}
