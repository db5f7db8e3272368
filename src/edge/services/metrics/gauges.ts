import { count, gte, inArray, sum } from "drizzle-orm";
import { queueJobs, runners } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { METRIC } from "../../metrics.ts";
import { RUNNER_LIVE_MS } from "../jobs/runners.ts";

const QUEUE_STATUSES = ["queued", "leased"] as const;

/**
 * Reads the gauges at scrape time: queue depth, connected runners with their capacity, load and
 * free capacity (per hosted orchestrator), and the gateway sender's deposit and reserve on the
 * ledger. A ledger that cannot answer leaves the sender gauges out rather than failing the scrape.
 */
export async function collectGauges(deps: AppDeps): Promise<void> {
  const hosted = [...deps.keys.orchestrators.keys()].map((a) => a.toLowerCase());
  if (hosted.length > 0) await collectQueue(deps, hosted);
  const sender = deps.keys.sender;
  if (!sender) return;
  try {
    const info = await deps.ledger.getSenderInfo(sender.address);
    const labels = { sender: sender.address.toLowerCase() };
    deps.metrics.set(METRIC.senderDeposit, [{ value: info.sender.deposit, labels }]);
    deps.metrics.set(METRIC.senderReserve, [{ value: info.reserve.fundsRemaining, labels }]);
  } catch (err) {
    deps.logger.warn("metrics: sender info unavailable", { error: (err as Error).message });
  }
}

async function collectQueue(deps: AppDeps, hosted: string[]): Promise<void> {
  const depth = await deps.db
    .select({ orchestrator: queueJobs.orchestrator, status: queueJobs.status, n: count() })
    .from(queueJobs)
    .where(inArray(queueJobs.status, [...QUEUE_STATUSES]))
    .groupBy(queueJobs.orchestrator, queueJobs.status);
  const live = await deps.db
    .select({ orchestrator: runners.orchestrator, n: count(), capacity: sum(runners.capacity) })
    .from(runners)
    .where(gte(runners.lastSeenAt, deps.clock.now() - RUNNER_LIVE_MS))
    .groupBy(runners.orchestrator);
  const jobs = (o: string, status: string) =>
    depth.find((r) => r.orchestrator === o && r.status === status)?.n ?? 0;
  const runnersOf = (o: string) => live.find((r) => r.orchestrator === o);
  const each = (value: (o: string) => number) =>
    hosted.map((o) => ({ value: value(o), labels: { orchestrator: o } }));

  deps.metrics.set(
    METRIC.queueDepth,
    hosted.flatMap((o) =>
      QUEUE_STATUSES.map((status) => ({ value: jobs(o, status), labels: { orchestrator: o, status } })),
    ),
  );
  const capacity = (o: string) => Number(runnersOf(o)?.capacity ?? 0);
  deps.metrics.set(
    METRIC.runners,
    each((o) => runnersOf(o)?.n ?? 0),
  );
  deps.metrics.set(METRIC.runnersCapacity, each(capacity));
  deps.metrics.set(
    METRIC.runnersLoad,
    each((o) => jobs(o, "leased")),
  );
  deps.metrics.set(
    METRIC.runnersFreeCapacity,
    each((o) => Math.max(0, capacity(o) - jobs(o, "leased"))),
  );
}
