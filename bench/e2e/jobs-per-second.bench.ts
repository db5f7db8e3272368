/**
 * No-op jobs per second end to end, gateway → orchestrator → runner: this process plays the
 * gateway (each job paid with one ticket it signed beforehand, posted as multipart to
 * POST /v1/orchestrator/jobs and answered once the job succeeded); the orchestrator is a real
 * edge process (bun, libSQL file, devnet); the runner a real agent process whose executor does
 * nothing. Reference in the same run: bare HTTP round trips per second against a node:http server
 * in its own process, at the same concurrency. Also: CPU per job of the edge and runner processes
 * (from /proc), which moves less than wall clock on a shared machine.
 *   npx bun run bench/index.ts --bun-only jobs-per-second
 */
import { loadavg } from "node:os";
import { readEnv } from "../../src/cli/env.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { BENCH_ENV } from "../env.ts";
import { cpuSeconds, drive, paymentSource, startBareServer, startNetwork, submitNoopJob } from "./network.ts";

const {
  E2E_JOBS: JOBS,
  E2E_CONCURRENCY: CONCURRENCY,
  E2E_RUNNER_CAPACITY: CAPACITY,
  E2E_CPU_PROF: PROFILE_DIR,
} = readEnv(BENCH_ENV, process.env);
const WARMUP = 20;
const tmp = tempDir("bench-e2e-jobs-");
const net = await startNetwork(tmp.dir, CAPACITY, PROFILE_DIR);
const bare = await startBareServer();
try {
  // Signed before the clock starts (the gateway's signing is not the orchestrator's cost).
  const pay = paymentSource(net.url);
  const payments: string[] = [];
  for (let i = 0; i < WARMUP + JOBS; i++) payments.push(await pay(1));
  for (let i = 0; i < WARMUP; i++) await submitNoopJob(net.url, payments[i]!);

  const bareS = await drive(JOBS * 4, CONCURRENCY, async () => {
    await (await fetch(bare.url)).text();
  });
  const cpu0 = [cpuSeconds(net.edge.pid), cpuSeconds(net.runner.pid)];
  const jobsS = await drive(JOBS, CONCURRENCY, (i) => submitNoopJob(net.url, payments[WARMUP + i]!));
  const edgeCpu = cpuSeconds(net.edge.pid) - cpu0[0]!;
  const runnerCpu = cpuSeconds(net.runner.pid) - cpu0[1]!;

  const jobsPerS = JOBS / jobsS;
  const barePerS = (JOBS * 4) / bareS;
  const perJob = (s: number) => `${((s * 1000) / JOBS).toFixed(2)} ms`;
  const runtime = typeof Bun !== "undefined" ? "bun" : `node ${process.version}`;
  console.log(
    `no-op jobs end to end (gateway on ${runtime} → orchestrator edge → runner, both bun): ${JOBS} jobs, ${CONCURRENCY} in flight, runner capacity ${CAPACITY}`,
  );
  console.log(`  bare HTTP round trips          ${barePerS.toFixed(0).padStart(7)}/s`);
  console.log(`  no-op jobs, paid, end to end   ${jobsPerS.toFixed(0).padStart(7)}/s`);
  console.log(`  ratio jobs / bare              ${(jobsPerS / barePerS).toFixed(3)}x   goal ≥ 1,000 jobs/s`);
  console.log(
    `  CPU per job: edge ${perJob(edgeCpu)}, runner ${perJob(runnerCpu)}; ` +
      `edge alone on one core would do ${(JOBS / edgeCpu).toFixed(0)} jobs/s`,
  );
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  await net.stop();
  bare.proc.kill("SIGTERM");
  tmp.cleanup();
}
process.exit(0);
