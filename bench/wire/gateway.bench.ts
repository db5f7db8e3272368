/**
 * This gateway paying orchestrators of this project: the same transcode job (a 1 s 320x240
 * segment into two renditions, on a real node-runner) over go-livepeer's wire (gRPC
 * GetOrchestrator, POST /segment over TLS, result downloads, pixel counts by ffprobe) against
 * this project's JSON path; and a pushed stream's segments on its kept go-livepeer session
 * against one-shot sessions (GetOrchestrator and EndTranscodingSession per segment); and the go
 * wire without the gateway's own ffprobe pixel check, which the JSON path does not do. p50s, and
 * the ratios measured in this run.
 *   npx bun run bench/wire/gateway.bench.ts        (GO_GATEWAY_N segments per series, default 8)
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import type { AppDeps } from "../../src/edge/deps.ts";
import {
  type SubmitInput,
  submitConsumerJob,
  waitForConsumerJob,
} from "../../src/edge/services/consumer/jobs.ts";
import { PRESETS } from "../../src/protocol/profiles.ts";
import { PIPELINES } from "../../src/wire/pipelines.ts";
import { BENCH_ENV } from "../env.ts";

if (typeof Bun === "undefined") {
  console.log("go-wire gateway bench: skipped under Node (its node-runner and test network run on Bun)");
  process.exit(0);
}
// The test network's helpers use Bun's APIs as they load: import them only under Bun.
const { startGoWireServer } = await import("../../src/edge/go-wire/server.ts");
const { ffprobePixelCounter } = await import("../../src/node-runner/ffmpeg/pixel-count.ts");
const { freePort, genesisKey, makeEdge, runnerOrchestratorConfig } = await import(
  "../../test/helpers/edge.ts"
);
const { spawnReadyRunner } = await import("../../test/helpers/go-wire.ts");
const { makeClip, tempDir } = await import("../../test/helpers/media.ts");

const { GO_GATEWAY_N: N } = readEnv(BENCH_ENV, process.env);
const FACE = 2_000_000_000_000n;
const profiles = [PRESETS.P144p30fps16x9!, PRESETS.P240p30fps16x9!];

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;

/** An orchestrator edge with its own devnet, runner and gateway; `json`: its ledger service URI is its JSON API. */
async function orchestrator(json: boolean) {
  const token = `bench-gw-runner-${crypto.randomUUID()}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const cfg = runnerOrchestratorConfig(token);
  const edge = await makeEdge({
    ...cfg,
    ...(json ? { publicUrl: base } : {}),
    orchestrators: cfg.orchestrators!.map((o) => ({
      ...o,
      // The go side registers an unreachable URI, so its gateway pays it on the go wire only.
      ...(json ? { serviceURI: base } : {}),
      ticket: { ev: FACE.toString(), maxFaceValue: FACE.toString() },
    })),
  });
  const http = Bun.serve({ hostname: "127.0.0.1", port, fetch: (req) => edge.app.fetch(req) });
  const go = json
    ? null
    : await startGoWireServer({
        deps: edge.deps,
        serviceUri: "https://127.0.0.1:0",
        countPixels: ffprobePixelCounter(),
      });
  const runner = await spawnReadyRunner(base, token, join(edge.dir, "models"));
  const gw = await makeEdge(
    {
      roles: ["gateway"],
      gateway: {
        senderPrivateKey: genesisKey(0),
        ...(go ? { goWire: { orchAddr: [go.url], ledgerProbe: false } } : {}),
      },
    },
    { dbUrl: edge.dbUrl, overrides: { pixelCounter: ffprobePixelCounter() } },
  );
  // The same gateway without its own decode of the renditions (no ffprobe pixel count).
  const bare = go
    ? await makeEdge(
        {
          roles: ["gateway"],
          gateway: { senderPrivateKey: genesisKey(0), goWire: { orchAddr: [go.url], ledgerProbe: false } },
        },
        { dbUrl: edge.dbUrl },
      )
    : null;
  return {
    gw,
    bare,
    async stop() {
      runner.kill("SIGTERM");
      await runner.exited;
      await gw.close();
      await bare?.close();
      await go?.close();
      http.stop(true);
      await edge.close();
    },
  };
}

const tmp = tempDir("bench-gw-");
const clip = new Uint8Array(
  readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
);
const input = (stream?: SubmitInput["stream"]): SubmitInput => ({
  spec: { kind: "transcode", input: "segment", profiles, format: "mpegts" },
  inputs: [{ name: "segment", bytes: clip, contentType: "video/mp2t" }],
  units: PIPELINES.transcode.units({ video: { renditions: profiles, durationSec: 1 }, params: {} }),
  ...(stream ? { stream } : {}),
});

/** One job, submit to success; throws unless it succeeded over the wire asked for. */
async function job(deps: AppDeps, wire: "go" | "json", stream?: SubmitInput["stream"]): Promise<number> {
  const t0 = performance.now();
  const id = await submitConsumerJob(deps, input(stream));
  const done = await waitForConsumerJob(deps, id, 60_000);
  const ms = performance.now() - t0;
  if (done.status !== "succeeded") throw new Error(`job ${id}: ${done.status} ${done.error?.message ?? ""}`);
  if ((done.engine?.startsWith("go-livepeer wire") ?? false) !== (wire === "go")) {
    throw new Error(`job ${id} went over the wrong wire: ${done.engine}`);
  }
  return ms;
}

const goSide = await orchestrator(false);
const jsonSide = await orchestrator(true);
try {
  const goDeps = goSide.gw.deps;
  const jsonDeps = jsonSide.gw.deps;
  // Warm both paths (connections, caches, the runner's first FFmpeg).
  await job(goDeps, "go");
  await job(jsonDeps, "json");
  await job(goDeps, "go", { manifestId: "warm", seq: 0 });
  const goOneShot: number[] = [];
  const json: number[] = [];
  const reused: number[] = [];
  const unchecked: number[] = [];
  const bareDeps = goSide.bare!.deps;
  await job(bareDeps, "go");
  // Interleaved, so a change in load touches every series alike.
  for (let i = 0; i < N; i++) {
    goOneShot.push(await job(goDeps, "go"));
    json.push(await job(jsonDeps, "json"));
    reused.push(await job(goDeps, "go", { manifestId: "bench-stream", seq: i }));
    unchecked.push(await job(bareDeps, "go"));
  }
  console.log(
    `${N} transcode jobs per series (1 s 320x240 → 144p+240p, one node-runner), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`JSON path (this project's wire)        p50 ${fmt(p50(json))}`);
  console.log(`go wire, one-shot session              p50 ${fmt(p50(goOneShot))}`);
  console.log(`go wire, one-shot, no gateway ffprobe  p50 ${fmt(p50(unchecked))}`);
  console.log(`go wire, pushed stream's kept session  p50 ${fmt(p50(reused))}`);
  console.log(`  go one-shot / JSON                   ${(p50(goOneShot) / p50(json)).toFixed(2)}x`);
  console.log(`  go one-shot, no ffprobe / JSON       ${(p50(unchecked) / p50(json)).toFixed(2)}x`);
  console.log(`  kept session / one-shot              ${(p50(reused) / p50(goOneShot)).toFixed(2)}x`);
} finally {
  await goSide.stop();
  await jsonSide.stop();
  tmp.cleanup();
}
