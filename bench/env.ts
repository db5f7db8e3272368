import { envTable, parse } from "../src/cli/env.ts";

// The benches' environment variables (sizes of a run), built like the edge's table.
const bench = ["bench"] as const;
export const BENCH_ENV = envTable({
  BENCH_QUICK: {
    description: "run every bench at small sizes (as npm run bench -- --quick); sizes set here still win",
    default: "off",
    parse: parse.bool,
    entries: bench,
  },
  BENCH_ITER: {
    description: "AI inference iterations",
    default: "40",
    parse: parse.positiveInt,
    entries: bench,
  },
  BENCH_RUNS: { description: "video ladder runs", default: "3", parse: parse.positiveInt, entries: bench },
  BENCH_SECONDS: {
    description: "seconds each timed ticket/payment loop runs",
    default: "1",
    parse: parse.positiveInt,
    entries: bench,
  },
  BENCH_TICKETS: {
    description: "tickets per payment (intake bench)",
    default: "50",
    parse: parse.positiveInt,
    entries: bench,
  },
  BENCH_PAYMENTS: {
    description: "payments per round (intake bench)",
    default: "20",
    parse: parse.positiveInt,
    entries: bench,
  },
  BENCH_LOAD_PAYMENTS: {
    description: "payments posted by the load generator (multi-process intake bench)",
    default: "200",
    parse: parse.positiveInt,
    entries: bench,
  },
  BENCH_EDGES: {
    description: "edge processes on one database (multi-process intake bench)",
    default: "2",
    parse: parse.positiveInt,
    entries: bench,
  },
  BENCH_CONCURRENCY: {
    description: "payments in flight per edge (multi-process intake bench)",
    default: "4",
    parse: parse.positiveInt,
    entries: bench,
  },
  GO_GATEWAY_N: {
    description: "segments per series (go-wire gateway bench)",
    default: "8",
    parse: parse.positiveInt,
    entries: bench,
  },
  E2E_JOBS: {
    description: "no-op jobs posted end to end (jobs-per-second bench)",
    default: "500",
    parse: parse.positiveInt,
    entries: bench,
  },
  E2E_CONCURRENCY: {
    description: "jobs (and bare round trips) in flight (jobs-per-second and memory benches)",
    default: "16",
    parse: parse.positiveInt,
    entries: bench,
  },
  E2E_RUNNER_CAPACITY: {
    description: "slots of the no-op runner (jobs-per-second and memory benches)",
    default: "16",
    parse: parse.positiveInt,
    entries: bench,
  },
  E2E_CPU_PROF: {
    description:
      "folder for CPU profiles (bun --cpu-prof) of the edge and runner processes of the jobs-per-second bench; unset: no profiling",
    parse: parse.string,
    entries: bench,
  },
  MEMORY_SECONDS: {
    description: "seconds of sustained mixed load (memory bench)",
    default: "60",
    parse: parse.positiveInt,
    entries: bench,
  },
  MEMORY_EDGE: {
    description:
      "how the memory bench runs the edge: source (bun src/edge/entry/bun.ts) or bundle (that entry built by bun build --minify)",
    default: "source",
    parse: parse.oneOf("source", "bundle"),
    entries: bench,
  },
  MEMORY_EDGE_SMOL: {
    description: "run the memory bench's edge under bun --smol (JSC's small-heap GC settings)",
    default: "off",
    parse: parse.bool,
    entries: bench,
  },
  DISPATCH_N: {
    description: "jobs dispatched (dispatch bench)",
    default: "300",
    parse: parse.positiveInt,
    entries: bench,
  },
});
