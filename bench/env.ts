import { envTable, parse } from "../src/cli/env.ts";

// The benches' environment variables (sizes of a run), built like the edge's table.
const bench = ["bench"] as const;
export const BENCH_ENV = envTable({
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
  DISPATCH_N: {
    description: "jobs dispatched (dispatch bench)",
    default: "300",
    parse: parse.positiveInt,
    entries: bench,
  },
});
