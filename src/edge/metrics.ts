// Every metric the edge exports, declared once with its kind and help text, so /metrics lists
// each one with HELP and TYPE even at zero, and `inc`/`observe`/`set` accept only declared names.
// Where go-livepeer exports a metric with the same meaning (monitor/census.go) the name is its
// `livepeer_` name, in its unit (gwei for ticket values, deposit and reserve), so its dashboards work.

type Kind = "counter" | "histogram" | "gauge";
interface Declaration {
  name: string;
  kind: Kind;
  help: string;
  buckets?: readonly number[];
  /** Rendered as value / 10^scale, exactly (wei counted, gwei shown: scale 9). */
  scale?: number;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const GWEI = 9;

/** The registry: one entry per metric, keyed by the name code uses. */
export const METRICS = {
  // Payments received (orchestrator role); go-livepeer names.
  ticketsReceived: { name: "livepeer_tickets_recv", kind: "counter", help: "Tickets received in payments" },
  ticketsWon: { name: "livepeer_winning_tickets_recv", kind: "counter", help: "Winning tickets received" },
  ticketValueReceivedWei: {
    name: "livepeer_ticket_value_recv",
    kind: "counter",
    help: "Ticket value (expected value) received, in gwei",
    scale: GWEI,
  },
  paymentRecvErrors: {
    name: "livepeer_payment_recv_errors",
    kind: "counter",
    help: "Tickets refused when receiving payments, by error code",
  },
  // Redemption.
  ticketsRedeemed: {
    name: "livepeer_tickets_redeemed_total",
    kind: "counter",
    help: "Winning tickets redeemed on the ledger",
  },
  ticketValueRedeemedWei: {
    name: "livepeer_value_redeemed",
    kind: "counter",
    help: "Winning ticket value redeemed, in gwei",
    scale: GWEI,
  },
  redemptionErrors: {
    name: "livepeer_ticket_redemption_errors",
    kind: "counter",
    help: "Errors when redeeming tickets, by code",
  },
  redemptionsPartial: {
    name: "livepeer_ticket_redemptions_partial_total",
    kind: "counter",
    help: "Winning tickets paid less than their face value (reserve or deposit short)",
  },
  redemptionShortfallWei: {
    name: "livepeer_ticket_redemption_shortfall_wei_total",
    kind: "counter",
    help: "Face value not paid on partial redemptions, in wei",
  },
  redemptionRetries: {
    name: "livepeer_ticket_redemption_retries_total",
    kind: "counter",
    help: "Redemptions put back for a later try, by reason",
  },
  redemptionsExpired: {
    name: "livepeer_ticket_redemptions_expired_total",
    kind: "counter",
    help: "Winning tickets that expired before they could be redeemed",
  },
  // Sender (gateway role): gauges read from the ledger at scrape time.
  senderDeposit: {
    name: "livepeer_broadcaster_deposit",
    kind: "gauge",
    help: "Current remaining deposit of the gateway's ticket sender, in gwei",
    scale: GWEI,
  },
  senderReserve: {
    name: "livepeer_broadcaster_reserve",
    kind: "gauge",
    help: "Current remaining reserve of the gateway's ticket sender, in gwei",
    scale: GWEI,
  },
  // Rewards and the scheduler.
  rewardCalls: {
    name: "livepeer_reward_calls_total",
    kind: "counter",
    help: "reward() calls made by the scheduler",
  },
  rewardCallErrors: {
    name: "livepeer_reward_call_errors_total",
    kind: "counter",
    help: "reward() calls that failed",
  },
  schedulerTicks: {
    name: "livepeer_scheduler_ticks_total",
    kind: "counter",
    help: "Scheduler ticks by outcome (led, partial, follower)",
  },
  // Consumer jobs (gateway role).
  jobs: { name: "livepeer_jobs_total", kind: "counter", help: "Consumer jobs by capability and outcome" },
  jobDuration: {
    name: "livepeer_job_duration_seconds",
    kind: "histogram",
    help: "Consumer job duration, submit to result",
    buckets: LATENCY_BUCKETS,
  },
  orchestratorFailures: {
    name: "livepeer_gateway_orchestrator_failures_total",
    kind: "counter",
    help: "Failed jobs or info fetches, by orchestrator",
  },
  orchestratorRefused: {
    name: "livepeer_gateway_orchestrator_refused_total",
    kind: "counter",
    help: "Orchestrators suspended at once (asked for more than agreed, a refused URL), by reason",
  },
  orchestratorSkipped: {
    name: "livepeer_gateway_orchestrator_skipped_total",
    kind: "counter",
    help: "Orchestrators left out of selection, by reason",
  },
  // The job queue and its runners (orchestrator role).
  queueEnqueued: {
    name: "livepeer_queue_enqueued_total",
    kind: "counter",
    help: "Jobs enqueued, by capability",
  },
  queueLeased: {
    name: "livepeer_queue_leased_total",
    kind: "counter",
    help: "Leases granted, by capability",
  },
  queueCompleted: {
    name: "livepeer_queue_completed_total",
    kind: "counter",
    help: "Jobs completed by a runner, by status",
  },
  queueAttemptsFailed: {
    name: "livepeer_queue_attempts_failed_total",
    kind: "counter",
    help: "Attempts that failed, by the job's resulting status",
  },
  queueDepth: {
    name: "livepeer_queue_depth",
    kind: "gauge",
    help: "Jobs in the queue now, by orchestrator and status (queued, leased)",
  },
  runners: {
    name: "livepeer_transcoders_number",
    kind: "gauge",
    help: "Node-runners currently connected to the orchestrator",
  },
  runnersCapacity: {
    name: "livepeer_transcoders_capacity",
    kind: "gauge",
    help: "Total advertised capacity of the node-runners currently connected to the orchestrator",
  },
  runnersLoad: {
    name: "livepeer_transcoders_load",
    kind: "gauge",
    help: "Jobs the orchestrator's node-runners hold leases on now",
  },
  runnersFreeCapacity: {
    name: "livepeer_transcoders_free_capacity",
    kind: "gauge",
    help: "Capacity minus load of the orchestrator's connected node-runners",
  },
  // go-livepeer's wire (orchestrator role).
  goWireRequests: {
    name: "livepeer_go_wire_requests_total",
    kind: "counter",
    help: "Requests on the go-livepeer wire listener, by gRPC method or route",
  },
  // HTTP.
  httpRequests: {
    name: "livepeer_http_requests_total",
    kind: "counter",
    help: "HTTP requests by method, route and status",
  },
  httpDuration: {
    name: "livepeer_http_request_duration_seconds",
    kind: "histogram",
    help: "HTTP request latency",
    buckets: LATENCY_BUCKETS,
  },
} as const satisfies Record<string, Declaration>;

type Registry = typeof METRICS;
type NameOf<K extends Kind> = {
  [M in keyof Registry]: Registry[M]["kind"] extends K ? Registry[M]["name"] : never;
}[keyof Registry];
export type CounterName = NameOf<"counter">;
export type HistogramName = NameOf<"histogram">;
export type GaugeName = NameOf<"gauge">;
export type MetricName = CounterName | HistogramName | GaugeName;

/** The exported name of each metric: `METRIC.ticketsReceived` is "livepeer_tickets_recv". */
export const METRIC = Object.fromEntries(Object.entries(METRICS).map(([k, d]) => [k, d.name])) as {
  [M in keyof Registry]: Registry[M]["name"];
};

export type Labels = Record<string, string>;
export interface GaugeSample {
  value: number | bigint;
  labels?: Labels;
}

/** Counters, histograms and gauges rendered at GET /metrics (Prometheus text format 0.0.4). */
export interface Metrics {
  /** Adds to a counter; bigint increments stay exact (wei). */
  inc(name: CounterName, labels?: Labels, by?: number | bigint): void;
  observe(name: HistogramName, value: number, labels?: Labels): void;
  /** Replaces every series of a gauge: gauges are read whole, at scrape time. */
  set(name: GaugeName, samples: readonly GaugeSample[]): void;
  render(): string;
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const BY_NAME: ReadonlyMap<string, Declaration> = new Map(
  Object.values(METRICS).map((d: Declaration) => [d.name, d]),
);

/** In-memory registry rendering the Prometheus text exposition format (0.0.4). */
export function createMetrics(): Metrics {
  const values = new Map<string, Map<string, number | bigint>>();
  const histograms = new Map<string, Map<string, Histogram>>();

  const declared = (name: string, kind: Kind): Declaration => {
    const d = BY_NAME.get(name);
    // The types forbid it; a cast that slips through is a bug to see at once.
    if (d?.kind !== kind) throw new Error(`metric ${name} is not a declared ${kind}`);
    return d;
  };
  const seriesOf = (name: string) => {
    const s = values.get(name) ?? new Map<string, number | bigint>();
    values.set(name, s);
    return s;
  };

  return {
    inc(name, labels = {}, by = 1) {
      declared(name, "counter");
      const series = seriesOf(name);
      const key = labelKey(labels);
      series.set(key, add(series.get(key) ?? 0, by));
    },
    set(name, samples) {
      declared(name, "gauge");
      values.set(name, new Map(samples.map((x) => [labelKey(x.labels ?? {}), x.value])));
    },
    observe(name, value, labels = {}) {
      const buckets = declared(name, "histogram").buckets ?? LATENCY_BUCKETS;
      const series = histograms.get(name) ?? new Map<string, Histogram>();
      histograms.set(name, series);
      const key = labelKey(labels);
      const h = series.get(key) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 };
      series.set(key, h);
      for (let i = 0; i < buckets.length; i++) {
        if (value <= buckets[i]!) h.counts[i] = (h.counts[i] ?? 0) + 1;
      }
      h.sum += value;
      h.count += 1;
    },
    render() {
      const out: string[] = [];
      for (const decl of [...BY_NAME.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        const { name } = decl;
        out.push(`# HELP ${name} ${escapeHelp(decl.help)}`, `# TYPE ${name} ${decl.kind}`);
        if (decl.kind !== "histogram") {
          for (const [key, v] of values.get(name) ?? []) {
            out.push(`${name}${braces(key)} ${scaled(v, decl.scale ?? 0)}`);
          }
          continue;
        }
        const buckets = decl.buckets ?? LATENCY_BUCKETS;
        for (const [key, h] of histograms.get(name) ?? []) {
          buckets.forEach((b, i) => {
            out.push(`${name}_bucket${braces(join(key, `le="${b}"`))} ${h.counts[i] ?? 0}`);
          });
          out.push(`${name}_bucket${braces(join(key, 'le="+Inf"'))} ${h.count}`);
          out.push(`${name}_sum${braces(key)} ${h.sum}`, `${name}_count${braces(key)} ${h.count}`);
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

/** v / 10^scale as a decimal string; exact for integers (wei shown as gwei keeps every digit). */
function scaled(v: number | bigint, scale: number): string {
  if (scale === 0) return v.toString();
  if (typeof v === "number" && !Number.isInteger(v)) return String(v / 10 ** scale);
  const n = BigInt(v);
  const sign = n < 0n ? "-" : "";
  const abs = (n < 0n ? -n : n).toString().padStart(scale + 1, "0");
  const frac = abs.slice(-scale).replace(/0+$/, "");
  return `${sign}${abs.slice(0, -scale)}${frac ? `.${frac}` : ""}`;
}

/** The series key of `labels`: sorted `name="value"` pairs (every request makes two or three). */
function labelKey(labels: Labels): string {
  const keys = Object.keys(labels);
  // Callers mostly write labels in order already ({ method, route, status }): sort only if not.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = "";
  for (const k of keys) {
    const v = labels[k] ?? "";
    // Names and values rarely need rewriting: test first rather than build new strings.
    const name = PLAIN_NAME.test(k) ? k : sanitizeName(k);
    out += `${out ? "," : ""}${name}="${NEEDS_ESCAPE.test(v) ? escapeValue(v) : v}"`;
  }
  return out;
}

const PLAIN_NAME = /^[a-zA-Z0-9_]*$/;
const NEEDS_ESCAPE = /[\\\n"]/;

const braces = (key: string) => (key ? `{${key}}` : "");
const join = (a: string, b: string) => (a ? `${a},${b}` : b);
const sanitizeName = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, "_");
const escapeValue = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
