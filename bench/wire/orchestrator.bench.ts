/**
 * The go-livepeer orchestrator wire: GetOrchestrator latency (p50/p99) against a Ping on the same
 * gRPC connection, and a paid /segment end to end (TLS, tickets, queue, node-runner, pixel counts,
 * result signature) against the same FFmpeg ladder run bare. Baselines are measured in this run.
 *   npx bun run bench/wire/orchestrator.bench.ts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { ladderArgs } from "../../src/node-runner/ffmpeg/args.ts";
import { locateFfmpeg } from "../../src/node-runner/ffmpeg/locate.ts";
import { planOutputs } from "../../src/node-runner/ffmpeg/plan.ts";
import { probeFfmpeg } from "../../src/node-runner/ffmpeg/probe.ts";
import { PRESETS } from "../../src/protocol/profiles.ts";
import type { VideoProfile } from "../../src/wire/jobs.ts";
import {
  GO_GATEWAY,
  goPayment,
  orchestratorClient,
  postSegment,
  segData,
  signedRequest,
  startGoWireNode,
  transcodeResult,
} from "../../test/helpers/go-wire.ts";
import { makeClip, tempDir } from "../../test/helpers/media.ts";
import { BENCH_ENV } from "../env.ts";

if (typeof Bun === "undefined") {
  console.log("go-livepeer wire bench: skipped under Node (its node-runner and test network run on Bun)");
  process.exit(0);
}

const { BENCH_RUNS: RUNS } = readEnv(BENCH_ENV, process.env);
const CALLS = 200;
const LADDER: VideoProfile[] = [PRESETS.P360p30fps16x9!, PRESETS.P240p30fps16x9!, PRESETS.P144p30fps16x9!];

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (ms: number) => `${ms.toFixed(2).padStart(8)} ms`;

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const tmp = tempDir("bench-wire-");
const node = await startGoWireNode("https://127.0.0.1:0");
try {
  const client = orchestratorClient(node.go.url);
  const request = await signedRequest(GO_GATEWAY);
  await client.getOrchestrator(request); // connection and caches warm
  const ping = await timed(CALLS, () => client.ping({ value: new Uint8Array(32) }));
  const getOrch = await timed(CALLS, () => client.getOrchestrator(request));
  console.log(`gRPC over TLS, one connection, ${CALLS} sequential calls`);
  console.log(`Ping (baseline)            p50 ${fmt(pct(ping, 0.5))}  p99 ${fmt(pct(ping, 0.99))}`);
  console.log(`GetOrchestrator            p50 ${fmt(pct(getOrch, 0.5))}  p99 ${fmt(pct(getOrch, 0.99))}`);
  console.log(`  GetOrchestrator / Ping   p50 ${(pct(getOrch, 0.5) / pct(ping, 0.5)).toFixed(2)}x`);

  const ff = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
  if (ff?.kind !== "native") throw new Error("no native ffmpeg");
  const encoders = new Set((await probeFfmpeg(ff)).encoders);
  const clipPath = await makeClip(tmp.dir, { seconds: 2, width: 1280, height: 720, fps: 30 });
  const clip = new Uint8Array(readFileSync(clipPath));
  let n = 0;
  const bare = await timed(RUNS, async () => {
    const dir = join(tmp.dir, `bare${n++}`);
    mkdirSync(dir);
    const planned = planOutputs(LADDER, "mpegts", dir, encoders, false);
    const r = spawnSync(ff.ffmpegPath, ladderArgs(clipPath, planned, { hasAudio: true, progress: false }));
    if (r.status !== 0) throw new Error(r.stderr.toString());
  });
  let seq = 0;
  const wire = await timed(RUNS, async () => {
    const info = await client.getOrchestrator(request);
    const seg = await segData(GO_GATEWAY, {
      authToken: info.authToken!,
      seq: seq++,
      body: clip,
      profiles: LADDER.map((p) => ({
        name: p.name,
        width: p.width,
        height: p.height,
        bitrate: p.bitrate,
        fps: p.fps,
        fpsDen: 1,
      })),
      durationMs: 2000,
    });
    const res = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, info, 2), clip);
    if (res.status !== 200 || transcodeResult(res.body).result.case !== "data")
      throw new Error(`segment failed: ${res.status} ${new TextDecoder().decode(res.body)}`);
  });
  const median = (xs: number[]) => pct(xs, 0.5);
  console.log(
    `\n/segment: 2 s 1280x720 30 fps, ladder ${LADDER.map((p) => p.name).join(", ")}; ${RUNS} runs, median`,
  );
  console.log(`FFmpeg ladder bare (baseline)                 ${fmt(median(bare))}`);
  console.log(`GetOrchestrator + paid /segment end to end    ${fmt(median(wire))}`);
  console.log(`  wire / bare                                 ${(median(wire) / median(bare)).toFixed(2)}x`);
} finally {
  await node.stop();
  tmp.cleanup();
}
