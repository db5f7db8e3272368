import type { EdgeClient } from "./edge.ts";
import { usage } from "./errors.ts";
import type { Orchestrator, Out } from "./reads.ts";
import { formatAmount } from "./units.ts";

// Tailing the node: polls the edge and prints each new reward() of its hosted orchestrators, or
// each job status change, until interrupted (or after --count lines).

interface JobSummary {
  id: string;
  status: string;
  capability: string;
  orchestrator: string | null;
  fee: string | null;
  error: { code: string; message: string } | null;
}

export interface TailOptions {
  interval: number;
  count?: number | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function tail(
  edge: EdgeClient,
  what: string | undefined,
  o: TailOptions,
  json: boolean,
  out: Out,
) {
  if (what !== "rewards" && what !== "jobs")
    throw usage("usage: lpx tail rewards|jobs [--count N] [--interval MS]");
  let printed = 0;
  const emit = (line: string, value: unknown) => {
    out(json ? JSON.stringify(value) : line);
    printed++;
  };
  const seen = new Map<string, string>();
  let first = true;
  while (o.count === undefined || printed < o.count) {
    if (what === "rewards") {
      const { orchestrators } = await edge.get<{ orchestrators: Orchestrator[] }>(
        "/v1/protocol/orchestrators",
      );
      for (const orch of orchestrators.filter((x) => x.hosted)) {
        for (const h of [...orch.rewardHistory].reverse()) {
          const key = `${orch.address}/${h.round}`;
          if (h.status !== "rewarded" || seen.has(key)) continue;
          seen.set(key, h.status);
          if (first) continue; // what was there before the tail started is history, not news
          if (o.count !== undefined && printed >= o.count) break;
          emit(
            `round ${h.round}: ${orch.address} reward() ${h.amount ? formatAmount(h.amount, "LPT") : ""}${h.ref ? ` (tx ${h.ref})` : ""}`,
            { orchestrator: orch.address, ...h },
          );
        }
      }
    } else {
      const { jobs } = await edge.get<{ jobs: JobSummary[] }>("/v1/jobs?limit=50");
      for (const j of [...jobs].reverse()) {
        if (seen.get(j.id) === j.status) continue;
        seen.set(j.id, j.status);
        if (first) continue;
        if (o.count !== undefined && printed >= o.count) break;
        emit(
          `${j.id} ${j.capability} ${j.status}${j.orchestrator ? ` on ${j.orchestrator}` : ""}${j.fee ? ` fee ${formatAmount(j.fee, "ETH", 9)}` : ""}${j.error ? ` ${j.error.code}: ${j.error.message}` : ""}`,
          j,
        );
      }
    }
    if (first) process.stderr.write(`lpx: following ${what} on ${edge.base} (Ctrl-C stops)\n`);
    first = false;
    if (o.count !== undefined && printed >= o.count) break;
    await sleep(o.interval);
  }
}
