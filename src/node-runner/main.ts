// The node-runner CLI:
//   bun src/node-runner/main.ts --edge URL --token TOKEN[,TOKEN…] [--token TOKEN…] [--capacity N]
//     [--models DIR] [--ffmpeg PATH] [--onnx node|web|webgpu|PROVIDER,…] [--grace-ms MS]
// Each runner token is bound to one orchestrator; several tokens make one process serve several
// orchestrators (one registration and long poll each) from one shared --capacity.
// --models DIR: a directory with manifest.json (the tiny built-in models are written there when
// it has none). SIGTERM/SIGINT: stop pulling, finish running jobs (up to --grace-ms), release the rest.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCli } from "../cli/args.ts";
import { readEnv } from "../cli/env.ts";
import { LivepeerError } from "../wire/errors.ts";
import { createAgent } from "./agent.ts";
import { PROVIDERS } from "./ai/manifest.ts";
import { RUNNER_ENV } from "./env.ts";
import { createExecutors, type ExecutorOptions, parseOnnxOption } from "./executors.ts";
import { writeDefaultModels } from "./models/build.ts";

const { values } = parseCli({
  entry: "runner",
  usage: "npm run runner -- --edge URL --token TOKEN[,TOKEN…] [--capacity N] [--models DIR]",
  summary: "The node-runner: registers with an edge, pulls jobs and runs them on FFmpeg and ONNX Runtime.",
  optionHelp: {
    edge: "the edge's base URL",
    token: "runner token(s); repeat or comma-separate to serve several orchestrators",
    capacity: "jobs run at once, shared by every token",
    models: "directory with manifest.json (the tiny built-in models are written there when absent)",
    ffmpeg: "an FFmpeg binary to prefer over the one on PATH",
    onnx: "execution providers for models that name none: node (cuda,cpu), web (wasm), webgpu (webgpu,wasm), or a list such as webgpu,cpu",
    "grace-ms": "on SIGTERM, how long running jobs may finish before their leases are released",
    "poll-ms": "long-poll wait per lease request",
  },
  env: [RUNNER_ENV],
  options: {
    edge: { type: "string" },
    token: { type: "string", multiple: true },
    capacity: { type: "string", default: "2" },
    models: { type: "string" },
    ffmpeg: { type: "string" },
    onnx: { type: "string", default: "node" },
    "grace-ms": { type: "string", default: "30000" },
    "poll-ms": { type: "string", default: "20000" },
  },
});

const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, component: "runner", ...fields }));

const env = (() => {
  try {
    return readEnv(RUNNER_ENV, process.env);
  } catch (err) {
    console.error(`runner: ${(err as Error).message}`);
    process.exit(2);
  }
})();
const edge = values.edge ?? env.EDGE_URL;
const tokens = (values.token ?? env.RUNNER_TOKEN ?? [])
  .flatMap((t) => t.split(","))
  .map((t) => t.trim())
  .filter((t) => t.length > 0);
if (!edge || tokens.length === 0) {
  console.error(
    "usage: npm run runner -- --edge URL --token TOKEN[,TOKEN…] [--capacity N] [--models DIR] (--help for more)",
  );
  process.exit(2);
}
const capacity = Number(values.capacity);
if (!Number.isInteger(capacity) || capacity < 1) {
  console.error("--capacity must be a positive integer");
  process.exit(2);
}
const onnx = parseOnnxOption(values.onnx);
if (!onnx) {
  console.error(`--onnx must be node, web, webgpu or a comma-separated list of ${PROVIDERS.join(", ")}`);
  process.exit(2);
}

const executorOptions: ExecutorOptions = {
  capacity,
  onnxBackend: onnx,
  modelIdleMs: env.RUNNER_MODEL_IDLE_MS,
  limits: {
    maxSegmentSec: env.RUNNER_MAX_SEGMENT_SEC,
    maxPixelsPerSec: env.RUNNER_MAX_PIXELS_PER_SEC,
    maxImageDim: env.RUNNER_MAX_IMAGE_DIM,
    maxImagePixels: env.RUNNER_MAX_IMAGE_PIXELS,
    jobTimeoutMs: env.RUNNER_JOB_TIMEOUT_MS,
    jobMemoryBytes: env.RUNNER_JOB_MEMORY_BYTES,
  },
};
if (values.ffmpeg) executorOptions.ffmpegPath = values.ffmpeg;
if (values.models) {
  const manifest = join(values.models, "manifest.json");
  executorOptions.modelsManifest = existsSync(manifest) ? manifest : await writeDefaultModels(values.models);
}
const executors = createExecutors(executorOptions);
const agent = createAgent({
  edgeUrl: edge,
  token: tokens,
  executors,
  capacity,
  pollWaitMs: Number(values["poll-ms"]),
  logger: {
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
  },
});

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log("info", "shutting down", { signal, running: agent.running });
  await agent.stop(Number(values["grace-ms"]));
  await executors.close();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

// A bad manifest, a model whose hash does not match or no usable runtime is this runner's own
// fault: say so and stop, rather than retrying as if the edge were still starting.
try {
  await executors.state();
} catch (err) {
  log("error", "cannot start the runner", {
    error: err instanceof Error ? err.message : String(err),
    ...(err instanceof LivepeerError ? { code: err.code, details: err.details } : {}),
  });
  process.exit(1);
}

for (let attempt = 0; ; attempt++) {
  try {
    const r = await agent.start();
    log("info", "runner ready", {
      runnerId: r.runnerId,
      orchestrator: r.orchestrator,
      sessions: r.sessions,
      capacity,
      capabilities: r.capabilities.capabilities,
      models: r.capabilities.models.map((m) => m.modelId),
      ffmpeg: r.capabilities.ffmpeg
        ? {
            version: r.capabilities.ffmpeg.version,
            source: r.capabilities.ffmpeg.source,
            path: r.capabilities.ffmpeg.path,
          }
        : null,
      gpus: r.capabilities.gpus.length,
    });
    break;
  } catch (err) {
    // The edge may still be starting: retry for a while before giving up.
    if (attempt >= 60) {
      log("error", "cannot register with the edge", { error: String(err) });
      process.exit(1);
    }
    await sleep(500);
  }
}
