import { desc, inArray } from "drizzle-orm";
import { consumerJobs, queueJobs, runners } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";

/** Latency and outcome of one pipeline and model, over the jobs looked at. */
export interface PipelineStats {
  capability: string;
  modelId: string;
  total: number;
  succeeded: number;
  failed: number;
  /** Milliseconds from accepted to done, of the jobs that finished. */
  p50Ms: number | null;
  p95Ms: number | null;
  /** Orchestrator side only: jobs on a model a runner keeps loaded, and on one it loads per job. */
  warm: number;
  cold: number;
}

export interface RecentJob {
  id: string;
  side: "gateway" | "orchestrator";
  capability: string;
  modelId: string;
  status: string;
  createdAt: number;
  ms: number | null;
  error: string | null;
}

export interface JobsView {
  /** Jobs asked of this gateway by consumers. */
  gateway: PipelineStats[];
  /** Jobs this edge's orchestrators ran on their runners. */
  orchestrator: PipelineStats[];
  queue: { queued: number; leased: number };
  recent: RecentJob[];
  /** How many of the newest jobs on each side the figures cover. */
  window: number;
}

export const JOBS_WINDOW = 1000;
const RECENT = 20;

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function modelOf(spec: string): string {
  try {
    const m = (JSON.parse(spec) as { modelId?: unknown }).modelId;
    return typeof m === "string" ? m : "";
  } catch {
    return "";
  }
}

interface JobLike {
  capability: string;
  spec: string;
  status: string;
  createdAt: number;
  completedAt: number | null;
}

function stats(rows: readonly JobLike[], warmModels?: ReadonlySet<string>): PipelineStats[] {
  const groups = new Map<string, { s: PipelineStats; ms: number[] }>();
  for (const r of rows) {
    const modelId = modelOf(r.spec);
    const key = `${r.capability}\n${modelId}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        s: {
          capability: r.capability,
          modelId,
          total: 0,
          succeeded: 0,
          failed: 0,
          p50Ms: null,
          p95Ms: null,
          warm: 0,
          cold: 0,
        },
        ms: [],
      };
      groups.set(key, g);
    }
    g.s.total++;
    if (r.status === "succeeded") g.s.succeeded++;
    if (r.status === "failed" || r.status === "dead") g.s.failed++;
    if (r.status === "succeeded" && r.completedAt !== null) g.ms.push(r.completedAt - r.createdAt);
    if (warmModels && modelId !== "") {
      if (warmModels.has(`${r.capability}/${modelId}`)) g.s.warm++;
      else g.s.cold++;
    }
  }
  return [...groups.values()]
    .map(({ s, ms }) => {
      ms.sort((a, b) => a - b);
      return { ...s, p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95) };
    })
    .sort((a, b) => a.capability.localeCompare(b.capability) || a.modelId.localeCompare(b.modelId));
}

/** Job figures of both roles from this edge's database (the newest JOBS_WINDOW jobs of each). */
export async function jobsView(deps: AppDeps): Promise<JobsView> {
  const hosted = [...deps.keys.orchestrators.keys()].map((a) => a.toLowerCase());
  const [consumer, queue, runnerRows] = await Promise.all([
    deps.db.select().from(consumerJobs).orderBy(desc(consumerJobs.createdAt)).limit(JOBS_WINDOW),
    hosted.length === 0
      ? Promise.resolve([])
      : deps.db
          .select()
          .from(queueJobs)
          .where(inArray(queueJobs.orchestrator, hosted))
          .orderBy(desc(queueJobs.createdAt))
          .limit(JOBS_WINDOW),
    deps.db.select({ capabilities: runners.capabilities }).from(runners),
  ]);
  const warm = new Set<string>();
  for (const r of runnerRows) {
    const models = (
      JSON.parse(r.capabilities) as { models?: { pipeline: string; modelId: string; warm: boolean }[] }
    ).models;
    for (const m of models ?? []) if (m.warm) warm.add(`${m.pipeline}/${m.modelId}`);
  }
  const recent: RecentJob[] = [
    ...consumer.slice(0, RECENT).map((j) => ({
      id: j.id,
      side: "gateway" as const,
      capability: j.capability,
      modelId: modelOf(j.spec),
      status: j.status,
      createdAt: j.createdAt,
      ms: j.completedAt === null ? null : j.completedAt - j.createdAt,
      error: j.errorCode ?? j.error,
    })),
    ...queue.slice(0, RECENT).map((j) => ({
      id: j.id,
      side: "orchestrator" as const,
      capability: j.capability,
      modelId: modelOf(j.spec),
      status: j.status,
      createdAt: j.createdAt,
      ms: j.completedAt === null ? null : j.completedAt - j.createdAt,
      error: j.error,
    })),
  ]
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, RECENT);
  return {
    gateway: stats(consumer),
    orchestrator: stats(queue, warm),
    queue: {
      queued: queue.filter((j) => j.status === "queued").length,
      leased: queue.filter((j) => j.status === "leased").length,
    },
    recent,
    window: JOBS_WINDOW,
  };
}
