// Dispatch latency of a no-op job through edge + runner (enqueue → long-poll lease → complete →
// waiter woken), p50 and p99, against a bare HTTP round trip on loopback measured in the same run.
//   npx bun run bench/dispatch/dispatch.bench.ts

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { privateKeyToAccount } from "viem/accounts";
import { readEnv } from "../../src/cli/env.ts";
import { createApp } from "../../src/edge/app.ts";
import { buildDeps } from "../../src/edge/bootstrap.ts";
import { parseConfig } from "../../src/edge/config.ts";
import { enqueueJob, waitForJob } from "../../src/edge/services/jobs/queue.ts";
import { createAgent } from "../../src/node-runner/agent.ts";
import type { Executors } from "../../src/node-runner/executor.ts";
import { BENCH_ENV } from "../env.ts";

const { DISPATCH_N: N } = readEnv(BENCH_ENV, process.env);
const WARMUP = 30;
const dir = mkdtempSync(join(tmpdir(), "lp-bench-dispatch-"));
const orchestratorKey = `0x${"22".repeat(32)}` as const;
const token = "bench-runner-token-000000000001";

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

// CPU time of this process (edge, runner and client all run here), in ms: on a loaded machine
// it moves far less than wall-clock latency does.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

// Baseline: a bare HTTP round trip on loopback (node:http server, fetch client).
const bare = createServer((_req, res) => res.end("ok"));
const barePort = await listen(bare);
const bareSamples: number[] = [];
let bareCpu = 0;
for (let i = 0; i < N + WARMUP; i++) {
  if (i === WARMUP) bareCpu = cpuMs();
  const t0 = performance.now();
  await (await fetch(`http://127.0.0.1:${barePort}/`)).text();
  if (i >= WARMUP) bareSamples.push(performance.now() - t0);
}
bareCpu = (cpuMs() - bareCpu) / N;
bare.close();

// Edge: the real app on a libSQL file, served over HTTP; a runner agent with a no-op executor.
const config = parseConfig({
  database: { url: `file:${join(dir, "edge.db")}` },
  blobs: { kind: "fs", dir: join(dir, "blobs") },
  ledger: { kind: "devnet", roundSeconds: 0 },
  orchestrators: [{ privateKey: orchestratorKey, serviceURI: "http://127.0.0.1:1", runnerTokens: [token] }],
  scheduler: { enabled: false },
});
const deps = await buildDeps(config, { logLevel: "silent" });
const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((r) => setTimeout(r, 50));
const edgePort = (server.address() as AddressInfo).port;

const noop: Executors = {
  async probe() {
    return { ffmpeg: null, gpus: [], onnx: [], models: [], capabilities: ["noop"], capacity: 1 };
  },
  async execute() {
    return { outputs: [], engine: "noop", units: 0n, timings: {} };
  },
  async close() {},
};
const agent = createAgent({ edgeUrl: `http://127.0.0.1:${edgePort}`, token, executors: noop, capacity: 1 });
await agent.start();

const orchestrator = privateKeyToAccount(orchestratorKey).address;
const dispatchSamples: number[] = [];
let dispatchCpu = 0;
for (let i = 0; i < N + WARMUP; i++) {
  if (i === WARMUP) dispatchCpu = cpuMs();
  const t0 = performance.now();
  const job = await enqueueJob(deps, {
    orchestrator,
    spec: { kind: "ai", pipeline: "noop", modelId: "", files: {}, params: {} },
    inputs: [],
  });
  const done = await waitForJob(deps, job.id, 10_000);
  if (done.status !== "succeeded") throw new Error(`no-op job ended ${done.status}`);
  if (i >= WARMUP) dispatchSamples.push(performance.now() - t0);
}
dispatchCpu = (cpuMs() - dispatchCpu) / N;
await agent.stop(1000);
server.close();
await deps.close();
rmSync(dir, { recursive: true, force: true });

const b = stats(bareSamples);
const d = stats(dispatchSamples);
const f = (n: number) => `${n.toFixed(3)} ms`;
console.log(
  `dispatch of a no-op job through edge + runner (n=${N}, runtime ${typeof Bun !== "undefined" ? "bun" : "node"})`,
);
console.log(`  bare HTTP round trip     p50 ${f(b.p50)}   p99 ${f(b.p99)}   cpu/op ${f(bareCpu)}`);
console.log(`  edge + runner dispatch   p50 ${f(d.p50)}   p99 ${f(d.p99)}   cpu/op ${f(dispatchCpu)}`);
console.log(
  `  ratio dispatch / bare    p50 ${(d.p50 / b.p50).toFixed(1)}x   p99 ${(d.p99 / b.p99).toFixed(1)}x   ` +
    `cpu ${(dispatchCpu / bareCpu).toFixed(1)}x   (p50 over the bare hop: +${f(d.p50 - b.p50)})`,
);
const load = loadavg().map((l) => l.toFixed(2));
console.log(`  load average ${load.join(" ")}`);
process.exit(0);
