/**
 * Video ladder: the executor vs the same FFmpeg command run bare (the executor probing the input
 * itself, and with the probe carried by the job as the edge sends it; the three run in turn); one
 * decode with many encodes vs one FFmpeg per rendition; native vs wasm. Median of a few runs,
 * ratios against baselines measured in this same run.
 *   npx bun run bench/video/ladder.bench.ts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { readEnv } from "../../src/cli/env.ts";
import { createExecutors } from "../../src/node-runner/executors.ts";
import { ladderArgs } from "../../src/node-runner/ffmpeg/args.ts";
import { probeVideo } from "../../src/node-runner/ffmpeg/ffprobe.ts";
import { transcodeRenditionsSeparately } from "../../src/node-runner/ffmpeg/ladder.ts";
import { locateFfmpeg } from "../../src/node-runner/ffmpeg/locate.ts";
import { planOutputs } from "../../src/node-runner/ffmpeg/plan.ts";
import { probeFfmpeg } from "../../src/node-runner/ffmpeg/probe.ts";
import { PRESETS } from "../../src/protocol/profiles.ts";
import type { VideoProfile } from "../../src/wire/jobs.ts";
import { makeClip, tempDir } from "../../test/helpers/media.ts";
import { BENCH_ENV } from "../env.ts";

const { BENCH_RUNS: RUNS } = readEnv(BENCH_ENV, process.env);
const LADDER: VideoProfile[] = [PRESETS.P360p30fps16x9!, PRESETS.P240p30fps16x9!, PRESETS.P144p30fps16x9!];

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Medians of several variants run in turn (A, B, C, A, B, C, …), so a change of load on a shared
 * machine falls on all of them alike instead of on whichever ran last.
 */
async function interleavedMedians(runs: number, fns: (() => Promise<unknown>)[]): Promise<number[]> {
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[k]!.push(performance.now() - t0);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const tmp = tempDir("bench-video-");
let n = 0;
const fresh = () => {
  const d = join(tmp.dir, `o${n++}`);
  mkdirSync(d);
  return d;
};
const ctx = (workDir: string) => ({ workDir, signal: new AbortController().signal, onProgress() {} });

try {
  const ff = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
  if (ff?.kind !== "native") throw new Error("no native ffmpeg");
  const encoders = new Set((await probeFfmpeg(ff)).encoders);
  const clip = await makeClip(tmp.dir, { seconds: 2, width: 1280, height: 720, fps: 30 });
  console.log(`input: 2 s 1280x720 30 fps H.264 + AAC; ladder: ${LADDER.map((p) => p.name).join(", ")}`);
  console.log(`ffmpeg: ${ff.ffmpegPath} (${ff.source}); ${RUNS} runs each, median\n`);

  const ex = createExecutors({ modelsManifest: { models: [] }, workDir: tmp.dir });
  await ex.probe();
  // As the edge hands it over: the job carries the segment's ffprobe reading, so no probe runs.
  const probe = await probeVideo(clip, ff);
  const [viaExecutor, viaExecutorProbed, bare] = (await interleavedMedians(RUNS, [
    () => ex.execute({ kind: "transcode", input: clip, profiles: LADDER, format: "mpegts" }, ctx(fresh())),
    () =>
      ex.execute({ kind: "transcode", input: clip, profiles: LADDER, format: "mpegts", probe }, ctx(fresh())),
    async () => {
      const planned = planOutputs(LADDER, "mpegts", fresh(), encoders, false);
      const r = spawnSync(ff.ffmpegPath, ladderArgs(clip, planned, { hasAudio: true, progress: false }));
      if (r.status !== 0) throw new Error(r.stderr.toString());
    },
  ])) as [number, number, number];
  const separate = await median(RUNS, () =>
    transcodeRenditionsSeparately(ff, {
      input: clip,
      profiles: LADDER,
      format: "mpegts",
      outDir: fresh(),
      encoders,
    }),
  );
  const separateParallel = await median(RUNS, () =>
    transcodeRenditionsSeparately(ff, {
      input: clip,
      profiles: LADDER,
      format: "mpegts",
      outDir: fresh(),
      encoders,
      parallel: true,
    }),
  );
  console.log(`ladder via executor (probe + 1 process)        ${fmt(viaExecutor)}`);
  console.log(`same ffmpeg command, bare                       ${fmt(bare)}`);
  console.log(`  executor / bare                                ${(viaExecutor / bare).toFixed(2)}x`);
  console.log(`ladder via executor, probe carried by the job   ${fmt(viaExecutorProbed)}`);
  console.log(`  executor (probe carried) / bare                ${(viaExecutorProbed / bare).toFixed(2)}x`);
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`one ffmpeg per rendition, sequential            ${fmt(separate)}`);
  console.log(`one ffmpeg per rendition, all at once           ${fmt(separateParallel)}`);
  console.log(`  per-rendition sequential / one process         ${(separate / bare).toFixed(2)}x`);
  console.log(`  per-rendition parallel / one process           ${(separateParallel / bare).toFixed(2)}x`);
  await ex.close();

  // wasm is several times slower: compare on a small clip so the bench stays short.
  if (typeof Bun === "undefined") {
    console.log("\nnative vs wasm: skipped under Node (the wasm worker runs on Bun)");
  } else {
    const small = await makeClip(tmp.dir, { name: "small.ts", seconds: 1, width: 640, height: 360 });
    const two = [PRESETS.P240p30fps16x9!, PRESETS.P144p30fps16x9!];
    const wasm = createExecutors({
      modelsManifest: { models: [] },
      ffmpegSources: ["wasm"],
      workDir: tmp.dir,
    });
    const native = createExecutors({ modelsManifest: { models: [] }, workDir: tmp.dir });
    await Promise.all([wasm.probe(), native.probe()]);
    const spec = { kind: "transcode", input: small, profiles: two, format: "mpegts" } as const;
    const tn = await median(RUNS, () => native.execute(spec, ctx(fresh())));
    const tw = await median(Math.min(RUNS, 2), () => wasm.execute(spec, ctx(fresh())));
    console.log("\ninput: 1 s 640x360; ladder: P240p30fps16x9, P144p30fps16x9");
    console.log(`native (executor)                               ${fmt(tn)}`);
    console.log(`wasm   (executor, @ffmpeg/core in a worker)     ${fmt(tw)}`);
    console.log(`  wasm / native                                  ${(tw / tn).toFixed(2)}x`);
    await Promise.all([wasm.close(), native.close()]);
  }
} finally {
  rmSync(tmp.dir, { recursive: true, force: true });
}
