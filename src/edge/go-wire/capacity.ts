import { and, count, eq, gte, inArray } from "drizzle-orm";
import { queueJobs, runners } from "../db/schema/jobs.ts";
import { RUNNER_LIVE_MS } from "../services/jobs/runners.ts";
import type { GoWireContext } from "./context.ts";

/**
 * Free slots for `capability` on this identity: the capacity of the live runners that serve it,
 * less the jobs of that capability queued or running. go-livepeer answers `insufficient capacity`
 * at zero rather than queueing, so a gateway can move on to another orchestrator.
 */
export async function freeCapacity(ctx: GoWireContext, capability: string): Promise<number> {
  const { deps, hosted } = ctx;
  const live = await deps.db
    .select({ serves: runners.serves, capacity: runners.capacity })
    .from(runners)
    .where(
      and(
        eq(runners.orchestrator, hosted.address),
        gte(runners.lastSeenAt, deps.clock.now() - RUNNER_LIVE_MS),
      ),
    );
  let total = 0;
  for (const r of live) if ((JSON.parse(r.serves) as string[]).includes(capability)) total += r.capacity;
  if (total === 0) return 0;
  const [busy] = await deps.db
    .select({ n: count() })
    .from(queueJobs)
    .where(
      and(
        eq(queueJobs.orchestrator, hosted.address),
        eq(queueJobs.capability, capability),
        inArray(queueJobs.status, ["queued", "leased"]),
      ),
    );
  return total - (busy?.n ?? 0);
}
