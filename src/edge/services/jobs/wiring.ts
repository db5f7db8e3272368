import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";
import { setCapabilitySource } from "../tickets/info.ts";
import { liveCapabilities } from "./runners.ts";

const wired = new WeakSet<AppDeps>();

/**
 * Connects the job area to the payments area once per deps: the orchestrator info advertises
 * the pipelines and models of the runners attached to each hosted orchestrator.
 */
export function ensureJobsWiring(deps: AppDeps): void {
  if (wired.has(deps)) return;
  wired.add(deps);
  setCapabilitySource(deps, (orchestrator: Address) => liveCapabilities(deps, orchestrator));
}
