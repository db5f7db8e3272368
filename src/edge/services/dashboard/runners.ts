import { desc, eq } from "drizzle-orm";
import type { Address } from "../../../protocol/types.ts";
import type { Capabilities } from "../../../wire/capabilities.ts";
import { runners } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";

export interface RunnerRow {
  id: string;
  capacity: number;
  serves: string[];
  gpus: Capabilities["gpus"];
  ffmpeg: Capabilities["ffmpeg"];
  models: Capabilities["models"];
  registeredAt: number;
  /** The runner's last lease, heartbeat or poll (epoch ms). */
  lastSeenAt: number;
  /** Seen within the last minute. */
  live: boolean;
}

/** A runner silent for this long is shown as gone (it may only be idle between polls). */
export const RUNNER_LIVE_MS = 60_000;
const RUNNER_LIMIT = 50;

/** The node-runners registered for a hosted orchestrator, most recently seen first. */
export async function runnerRows(deps: AppDeps, orchestrator: Address): Promise<RunnerRow[]> {
  const rows = await deps.db
    .select()
    .from(runners)
    .where(eq(runners.orchestrator, orchestrator.toLowerCase()))
    .orderBy(desc(runners.lastSeenAt))
    .limit(RUNNER_LIMIT);
  const now = deps.clock.now();
  return rows.map((r) => {
    const caps = JSON.parse(r.capabilities) as Partial<Capabilities>;
    return {
      id: r.id,
      capacity: r.capacity,
      serves: JSON.parse(r.serves) as string[],
      gpus: caps.gpus ?? [],
      ffmpeg: caps.ffmpeg ?? null,
      models: caps.models ?? [],
      registeredAt: r.registeredAt,
      lastSeenAt: r.lastSeenAt,
      live: now - r.lastSeenAt <= RUNNER_LIVE_MS,
    };
  });
}
