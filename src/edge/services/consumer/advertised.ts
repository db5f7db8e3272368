import type { AppDeps } from "../../deps.ts";
import { discoverGoOrchestrators } from "../../go-gateway/discovery.ts";
import { capabilityAdvertised } from "../gateway/discovery.ts";
import { JobError } from "../jobs/errors.ts";
import { goWireConfigured } from "./route.ts";

/**
 * Refuses, before any job is recorded, a capability that no active orchestrator advertises: such
 * a job could only fail. Throws JobError PIPELINE_NOT_ADVERTISED (503). When an orchestrator
 * could not be asked, the job goes ahead and finds out.
 */
export async function assertAdvertised(deps: AppDeps, capability: string, modelId?: string): Promise<void> {
  const q = { capability, ...(modelId ? { modelId } : {}) };
  const answer = await capabilityAdvertised(deps, q);
  if (answer !== "no") return;
  // A go-livepeer orchestrator (orchAddr, or probed on the ledger) that offers it will do.
  if (goWireConfigured(deps) && (await discoverGoOrchestrators(deps, q)).length > 0) return;
  throw new JobError(
    "PIPELINE_NOT_ADVERTISED",
    `no active orchestrator advertises ${capability}${modelId ? ` (model ${modelId})` : ""}`,
    { details: { capability, ...(modelId ? { modelId } : {}) } },
  );
}
