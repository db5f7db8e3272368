import type { Metrics } from "./deps.ts";

/**
 * Names of the edge's metrics (issue 4 item 7), declared up front so /metrics always lists them
 * with HELP and TYPE, even at zero. Use these constants with `deps.metrics.inc/observe`.
 */
export const METRIC = {
  ticketsReceived: "livepeer_tickets_received_total",
  ticketsWon: "livepeer_tickets_won_total",
  ticketsRedeemed: "livepeer_tickets_redeemed_total",
  ticketValueReceivedWei: "livepeer_ticket_value_received_wei_total",
  ticketValueRedeemedWei: "livepeer_ticket_value_redeemed_wei_total",
  rewardCalls: "livepeer_reward_calls_total",
  rewardCallErrors: "livepeer_reward_call_errors_total",
  jobs: "livepeer_jobs_total",
  jobDuration: "livepeer_job_duration_seconds",
  httpRequests: "livepeer_http_requests_total",
  httpDuration: "livepeer_http_request_duration_seconds",
  schedulerTicks: "livepeer_scheduler_ticks_total",
} as const;

type Kind = "counter" | "histogram";
interface Declaration {
  kind: Kind;
  help: string;
  buckets?: number[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const DECLARED: Record<string, Declaration> = {
  [METRIC.ticketsReceived]: { kind: "counter", help: "Tickets received in payments (valid or not)" },
  [METRIC.ticketsWon]: { kind: "counter", help: "Accepted tickets that won" },
  [METRIC.ticketsRedeemed]: { kind: "counter", help: "Winning tickets redeemed on the ledger" },
  [METRIC.ticketValueReceivedWei]: { kind: "counter", help: "Expected value credited from tickets, in wei" },
  [METRIC.ticketValueRedeemedWei]: {
    kind: "counter",
    help: "Face value redeemed from winning tickets, in wei",
  },
  [METRIC.rewardCalls]: { kind: "counter", help: "reward() calls made by the scheduler" },
  [METRIC.rewardCallErrors]: { kind: "counter", help: "reward() calls that failed" },
  [METRIC.jobs]: { kind: "counter", help: "Jobs by capability and outcome" },
  [METRIC.jobDuration]: {
    kind: "histogram",
    help: "Job duration, enqueue to result",
    buckets: LATENCY_BUCKETS,
  },
  [METRIC.httpRequests]: { kind: "counter", help: "HTTP requests by method, route and status" },
  [METRIC.httpDuration]: { kind: "histogram", help: "HTTP request latency", buckets: LATENCY_BUCKETS },
  [METRIC.schedulerTicks]: { kind: "counter", help: "Scheduler ticks by outcome (led, skipped, failed)" },
};

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** Extends `Metrics.inc` to exact bigint increments (wei counters stay exact in the text output). */
export interface EdgeMetrics extends Metrics {
  inc(name: string, labels?: Record<string, string>, by?: number | bigint): void;
}

/** In-memory registry rendering the Prometheus text exposition format (0.0.4). */
export function createMetrics(): EdgeMetrics {
  const counters = new Map<string, Map<string, number | bigint>>();
  const histograms = new Map<string, Map<string, Histogram>>();
  const extraHelp = new Map<string, Declaration>();

  const declOf = (name: string, kind: Kind): Declaration => {
    const d = DECLARED[name] ?? extraHelp.get(name);
    if (d) return d;
    const made: Declaration =
      kind === "histogram" ? { kind, help: name, buckets: LATENCY_BUCKETS } : { kind, help: name };
    extraHelp.set(name, made);
    return made;
  };

  return {
    inc(name, labels = {}, by = 1) {
      declOf(name, "counter");
      const series = counters.get(name) ?? new Map<string, number | bigint>();
      counters.set(name, series);
      const key = labelKey(labels);
      series.set(key, add(series.get(key) ?? 0, by));
    },
    observe(name, value, labels = {}) {
      const decl = declOf(name, "histogram");
      const buckets = decl.buckets ?? LATENCY_BUCKETS;
      const series = histograms.get(name) ?? new Map<string, Histogram>();
      histograms.set(name, series);
      const key = labelKey(labels);
      const h = series.get(key) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 };
      series.set(key, h);
      buckets.forEach((b, i) => {
        if (value <= b) h.counts[i] = (h.counts[i] ?? 0) + 1;
      });
      h.sum += value;
      h.count += 1;
    },
    render() {
      const names = new Set([...Object.keys(DECLARED), ...extraHelp.keys()]);
      const out: string[] = [];
      for (const name of [...names].sort()) {
        const decl = DECLARED[name] ?? extraHelp.get(name)!;
        out.push(`# HELP ${name} ${escapeHelp(decl.help)}`, `# TYPE ${name} ${decl.kind}`);
        if (decl.kind === "counter") {
          for (const [key, v] of counters.get(name) ?? []) out.push(`${name}${braces(key)} ${v.toString()}`);
        } else {
          const buckets = decl.buckets ?? LATENCY_BUCKETS;
          for (const [key, h] of histograms.get(name) ?? []) {
            buckets.forEach((b, i) => {
              out.push(`${name}_bucket${braces(join(key, `le="${b}"`))} ${h.counts[i] ?? 0}`);
            });
            out.push(`${name}_bucket${braces(join(key, 'le="+Inf"'))} ${h.count}`);
            out.push(`${name}_sum${braces(key)} ${h.sum}`, `${name}_count${braces(key)} ${h.count}`);
          }
        }
      }
      return `${out.join("\n")}\n`;
    },
  };
}

function add(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a + b;
  // Exact while both sides are integers; a fractional number forces float.
  if (Number.isInteger(Number(a)) && (typeof b === "bigint" || Number.isInteger(b))) {
    return BigInt(a) + BigInt(b);
  }
  return Number(a) + Number(b);
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${sanitizeName(k)}="${escapeValue(labels[k] ?? "")}"`)
    .join(",");
}

const braces = (key: string) => (key ? `{${key}}` : "");
const join = (a: string, b: string) => (a ? `${a},${b}` : b);
const sanitizeName = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, "_");
const escapeValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
