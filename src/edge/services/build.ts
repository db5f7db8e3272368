import type { EdgeConfig } from "../config.ts";
import type { Keys, Services } from "../deps.ts";
import type { BlobStore } from "./blobs/blob-store.ts";
import { createPushStreams } from "./compat/push-streams.ts";
import { createDiscoveryState } from "./gateway/discovery.ts";
import { liveCapabilities } from "./jobs/runners.ts";
import { createJobsRuntime } from "./jobs/runtime.ts";
import { hostedFrom } from "./tickets/hosted.ts";
import type { CapabilitySource } from "./tickets/info.ts";

export interface ServiceOverrides {
  /** Where the orchestrator info learns extra capabilities; the live runners' by default. */
  capabilities?: CapabilitySource;
}

/**
 * The process state of every service area, built once per edge by bootstrap (buildDeps) and
 * carried on AppDeps, so no service keeps state of its own at module level.
 */
export function buildServices(
  config: EdgeConfig,
  keys: Keys,
  blobs: BlobStore,
  overrides: ServiceOverrides = {},
): Services {
  return {
    hosted: hostedFrom(config, keys),
    jobs: createJobsRuntime(blobs),
    // The info advertises what the attached runners serve from the first request on.
    capabilities: overrides.capabilities ?? ((deps, orchestrator) => liveCapabilities(deps, orchestrator)),
    discovery: createDiscoveryState(),
    push: createPushStreams(),
    schedulerHolder: `edge-${crypto.randomUUID()}`,
  };
}
