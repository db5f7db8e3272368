/**
 * Memory under a sustained mixed load: the orchestrator edge and a no-op runner (real processes,
 * network.ts) serve, for MEMORY_SECONDS, paid no-op jobs, ticket payments (10 tickets each) and
 * info requests at once, driven from this process. VmRSS of both processes is read from
 * /proc/<pid>/status every second; printed: start, end, max, and the slope (least squares over
 * the run after its first fifth, in MB per minute) against the goals (edge < 150 MB; runner
 * < 80 MB plus its models; this runner loads none). The edge runs with memory-probe.ts preloaded,
 * which reports its JS heap beside its RSS; after the load it runs a full GC, and the edge's RSS
 * is split into mapped files (the bun binary), JIT code, the JS heap and other anonymous memory
 * (resident-split.ts). MEMORY_EDGE=bundle runs the edge from a minified bun build of its entry instead of
 * its sources; MEMORY_EDGE_SMOL=on runs it under bun --smol. Several minutes: MEMORY_SECONDS=300.
 *   MEMORY_SECONDS=300 npx bun run bench/index.ts --bun-only memory
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { readEnv } from "../../src/cli/env.ts";
import { getInfo } from "../../src/wire/orchestrator-client.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { BENCH_ENV } from "../env.ts";
import { probeFile, readSplit, removeProbeFiles, splitAfterGc } from "./memory-split.ts";
import {
  bun,
  orchestrator,
  paymentSource,
  postPayment,
  rssMb,
  sender,
  startNetwork,
  submitNoopJob,
} from "./network.ts";
import { residentSplit } from "./resident-split.ts";

const {
  MEMORY_SECONDS: SECONDS,
  E2E_RUNNER_CAPACITY: CAPACITY,
  MEMORY_EDGE: EDGE_FORM,
  MEMORY_EDGE_SMOL: SMOL,
} = readEnv(BENCH_ENV, process.env);
const TICKETS_PER_PAYMENT = 10;

interface Series {
  t: number[];
  mb: number[];
}

/** Least-squares slope of mb over t (s), in MB per minute. */
function slopePerMin(s: Series, from: number): number {
  const xs = s.t.slice(from);
  const ys = s.mb.slice(from);
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/**
 * The Bun entry as one minified file (MEMORY_EDGE=bundle), under the repository's .tmp/ so that
 * it still finds node_modules (native addons, wasm) and migrations/ as the source entry does.
 */
function buildEdgeBundle(): string {
  const outfile = ".tmp/bench-edge/edge.js";
  const r = spawnSync(
    bun,
    ["build", "src/edge/entry/bun.ts", "--target=bun", "--minify", `--outfile=${outfile}`],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`bun build of the edge failed:\n${r.stderr}`);
  return outfile;
}

const tmp = tempDir("bench-e2e-memory-");
const net = await startNetwork(tmp.dir, CAPACITY, undefined, {
  bunArgs: [...(SMOL ? ["--smol"] : []), "--preload", "./bench/e2e/memory-probe.ts"],
  ...(EDGE_FORM === "bundle" ? { entry: buildEdgeBundle() } : {}),
});
let sampler: ReturnType<typeof setInterval> | undefined;
try {
  const edge: Series = { t: [], mb: [] };
  const heap: Series = { t: [], mb: [] };
  const runner: Series = { t: [], mb: [] };
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  const sample = () => {
    const t = (performance.now() - t0) / 1000;
    edge.t.push(t);
    edge.mb.push(rssMb(net.edge.pid));
    runner.t.push(t);
    runner.mb.push(rssMb(net.runner.pid));
    const split = readSplit(probeFile(net.edge.pid));
    if (split) {
      heap.t.push(t);
      heap.mb.push(split.heap);
    }
  };
  sample();
  sampler = setInterval(sample, 1000);

  const pay = paymentSource(net.url);
  const counts = { jobs: 0, payments: 0, infos: 0 };
  const loop = async (fn: () => Promise<void>) => {
    while (performance.now() < deadline) await fn();
  };
  const jobs = async () => {
    await submitNoopJob(net.url, await pay(1));
    counts.jobs++;
  };
  const payments = async () => {
    await postPayment(net.url, await pay(TICKETS_PER_PAYMENT), TICKETS_PER_PAYMENT);
    counts.payments++;
  };
  const infos = async () => {
    await getInfo(net.url, { sender, orchestrator });
    counts.infos++;
  };
  await Promise.all([
    ...Array.from({ length: 4 }, () => loop(jobs)),
    ...Array.from({ length: 2 }, () => loop(payments)),
    ...Array.from({ length: 2 }, () => loop(infos)),
  ]);
  clearInterval(sampler);
  sample();

  const wall = (performance.now() - t0) / 1000;
  const from = Math.floor(edge.t.length / 5);
  const row = (name: string, s: Series, goal: number) => {
    const max = Math.max(...s.mb);
    const slope = slopePerMin(s, from);
    const f = (n: number) => n.toFixed(1).padStart(7);
    console.log(
      `  ${name.padEnd(8)} start ${f(s.mb[0]!)}  end ${f(s.mb.at(-1)!)}  max ${f(max)} MB   slope ${slope >= 0 ? "+" : ""}${slope.toFixed(2)} MB/min   goal < ${goal} MB: ${max < goal ? "met" : "NOT met"}`,
    );
  };
  console.log(
    `RSS under mixed load for ${wall.toFixed(0)} s, edge from ${EDGE_FORM === "bundle" ? "a minified bundle" : "source"}${SMOL ? " under --smol" : ""} (4 job loops, 2 payment loops of ${TICKETS_PER_PAYMENT} tickets, 2 info loops): ${counts.jobs} jobs, ${counts.payments} payments, ${counts.infos} info requests; ${edge.t.length} samples, slope over the last ${edge.t.length - from}`,
  );
  row("edge", edge, 150);
  const heapMax = Math.max(...heap.mb);
  const f1 = (n: number) => n.toFixed(1);
  console.log(
    `  edge JS heap (JSC heapSize, live + not yet collected) start ${f1(heap.mb[0]!)}  end ${f1(heap.mb.at(-1)!)}  max ${f1(heapMax)} MB   slope ${slopePerMin(heap, Math.floor(heap.t.length / 5)).toFixed(2)} MB/min`,
  );
  // RSS every minute: flat or not at a glance.
  const perMinute = edge.t.flatMap((t, i) =>
    i === 0 || Math.floor(t / 60) > Math.floor(edge.t[i - 1]! / 60) ? [i] : [],
  );
  console.log(
    `  edge RSS each minute: ${perMinute.map((i) => f1(edge.mb[i]!)).join(", ")}, end ${f1(edge.mb.at(-1)!)} MB`,
  );
  const gc = await splitAfterGc(net.edge.pid);
  const maps = residentSplit(net.edge.pid);
  const files = maps.topFiles.map(([p, mb]) => `${p.split("/").at(-1)} ${f1(mb)}`).join(", ");
  // JSC's size and capacity are counted apart and need not agree: the larger is the heap's share.
  const jsHeap = Math.max(gc.heap, gc.heapCapacity);
  console.log(
    `  edge after a full GC: RSS ${f1(maps.files + maps.jit + maps.anon)} MB (${f1(gc.rss)} at the GC) = mapped files ${f1(maps.files)} (${files}) + JIT code ${f1(maps.jit)} + anonymous ${f1(maps.anon)}: JS heap ${f1(jsHeap)} (live ${f1(gc.heap)}, capacity ${f1(gc.heapCapacity)}) and ${f1(maps.anon - jsHeap)} native (malloc: module code, bytecode, JIT metadata, SQLite, Bun's buffers)`,
  );
  console.log(
    `  edge JS objects after the GC: ${gc.objects}; commonest ${(gc.topObjects ?? []).map(([k, n]) => `${k} ${n}`).join(", ")}`,
  );
  row("runner", runner, 80);
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  clearInterval(sampler);
  await net.stop();
  removeProbeFiles(net.edge.pid);
  tmp.cleanup();
}
process.exit(0);
