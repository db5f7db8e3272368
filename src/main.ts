// `npm start`: the whole network on one machine. One edge with both roles (gateway and
// orchestrator) on the devnet ledger with the default genesis (LEDGER=chain: on the real contracts
// that `npm run chain` deployed and seeded with the same genesis), hosting the genesis orchestrators
// (accounts 1-3; account 0 is the gateway's ticket sender), and one node-runner child process
// serving all three (one runner token per orchestrator, one shared capacity). Data lives under
// .data/ (DATA_DIR).
//
// Environment: the EDGE_ENV table (src/edge/env.ts); `npm start -- --help` lists it.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bytesToHex } from "viem";
import { parseCli } from "./cli/args.ts";
import { readEnv } from "./cli/env.ts";
import { createApp } from "./edge/app.ts";
import { buildDeps } from "./edge/bootstrap.ts";
import { type EdgeConfigInput, parseConfig } from "./edge/config.ts";
import { runners } from "./edge/db/schema/jobs.ts";
import { runnerCommand, secureDataDir } from "./edge/entry/data-dir.ts";
import { resolveHost } from "./edge/entry/dns.ts";
import { chainLedgerInput } from "./edge/entry/local-chain.ts";
import { drainable } from "./edge/entry/serve.ts";
import { EDGE_ENV } from "./edge/env.ts";
import { startGoWireServer } from "./edge/go-wire/server.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "./edge/ledger/genesis.ts";
import { startScheduler } from "./edge/scheduler/tick.ts";
import { settleConsumerJobs } from "./edge/services/consumer/jobs.ts";
import { ffprobeMediaProbe } from "./node-runner/ffmpeg/media-probe.ts";
import { ffprobePixelCounter } from "./node-runner/ffmpeg/pixel-count.ts";
import type { Capabilities } from "./wire/capabilities.ts";
import { PIPELINES, SERVED_PIPELINES } from "./wire/pipelines.ts";

parseCli({
  entry: "start",
  usage: "npm start",
  summary:
    "The local network: one edge (gateway + orchestrator, devnet ledger, or LEDGER=chain on npm run chain's chain) and its node-runners.",
  options: {},
  optionHelp: {},
  env: [EDGE_ENV],
});
const env = (() => {
  try {
    return readEnv(EDGE_ENV, process.env);
  } catch (err) {
    console.error(`livepeer: ${(err as Error).message}`);
    process.exit(1);
  }
})();
/** `{ key: value }` when the variable was set, else nothing (the config's default applies). */
const opt = <K extends string, V>(k: K, v: V | undefined) =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);
const host = env.HOST;
const port = env.PORT;
const dataDir = resolve(env.DATA_DIR);
const runnerCount = env.RUNNERS;
const runnerOrchestrators = env.RUNNER_ORCHESTRATORS;
const capacity = env.RUNNER_CAPACITY;
const external = env.EXTERNAL_RUNNERS;
const base = `http://${host}:${port}`;
// Everything under the data dir is this user's alone: the database holds the ticket secret.
process.umask(0o077);
secureDataDir(dataDir);

const [sender, ...orchestratorAccounts] = deriveAccounts(DEFAULT_MNEMONIC, 4);
const key = (a: (typeof orchestratorAccounts)[number]) => bytesToHex(a.getHdKey().privateKey!);
const token = () => bytesToHex(crypto.getRandomValues(new Uint8Array(24))).slice(2);
const tokens = orchestratorAccounts.map(() => token());
// The orchestrators this process's runners serve: each runner holds one token per orchestrator.
const served =
  runnerCount > 0
    ? Array.from(
        { length: Math.min(Math.max(runnerOrchestrators, 1), orchestratorAccounts.length) },
        (_, i) => i,
      )
    : [];

// Prices in wei per unit (docs/protocol.md#pricing-and-work-units): each pipeline the bundled
// runner serves, at its registry default.
const prices = SERVED_PIPELINES.map((name) => ({
  capability: PIPELINES[name].priceKey,
  pricePerUnit: PIPELINES[name].defaultPricePerUnit.toString(),
  pixelsPerUnit: "1",
}));
const maxFace = env.TICKET_MAX_FACE_VALUE;

// LEDGER=chain: the chain `npm run chain` started (its chain.json in the data dir), or RPC_URL and
// CONTROLLER_ADDRESS for any other deployment the default genesis accounts are funded on.
const { ledger: ledgerInput, dbName } = (() => {
  if (env.LEDGER !== "chain") {
    return {
      ledger: {
        kind: "devnet" as const,
        ...opt("roundSeconds", env.ROUND_SECONDS),
        ...opt("blockMs", env.BLOCK_MS),
        ...opt("genesisFile", env.GENESIS_FILE),
      },
      dbName: "edge.db",
    };
  }
  try {
    return chainLedgerInput(dataDir, env);
  } catch (err) {
    console.error(`livepeer: ${(err as Error).message}`);
    process.exit(1);
  }
})();

const input: EdgeConfigInput = {
  roles: ["gateway", "orchestrator"],
  host,
  port,
  publicUrl: base,
  database: { url: `file:${join(dataDir, dbName)}` },
  ledger: ledgerInput,
  orchestrators: orchestratorAccounts.map((a, i) => ({
    privateKey: key(a),
    serviceURI: base,
    capacity,
    // An orchestrator is priced (and so selectable) only when a runner can serve it.
    prices: served.includes(i) || i < external ? prices : [],
    runnerTokens: [tokens[i]!],
    ...(maxFace ? { ticket: { maxFaceValue: maxFace } } : {}),
  })),
  gateway: {
    senderPrivateKey: key(sender!),
    // The local network's orchestrators are this process, on loopback: allowed here on purpose
    // (a gateway refuses private, loopback and link-local destinations by default).
    outbound: { allowPrivate: ["127.0.0.0/8", "::1", "localhost"] },
    ...opt("suspendAfterFailures", env.SUSPEND_AFTER_FAILURES),
  },
  scheduler: { enabled: true, ...opt("intervalMs", env.SCHEDULER_INTERVAL_MS) },
  api: {
    keys: env.API_KEYS ?? "off",
    ...opt("bodyLimitBytes", env.BODY_LIMIT_BYTES),
    ...opt("adminToken", env.ADMIN_TOKEN),
  },
  blobs: { kind: "fs", dir: join(dataDir, "blobs") },
  jobs: {
    ...opt("visibilityTimeoutMs", env.VISIBILITY_TIMEOUT_MS),
    maxAttempts: 3,
    ...opt("syncTimeoutMs", env.SYNC_TIMEOUT_MS),
  },
};

const config = parseConfig(input);
const deps = await buildDeps(config, {
  logLevel: env.LOG_LEVEL,
  mediaProbe: ffprobeMediaProbe(),
  pixelCounter: ffprobePixelCounter(),
  resolveHost,
});
const app = createApp(deps);
const addresses = orchestratorAccounts.map((a) => a.address);
writeFileSync(
  join(dataDir, "runner-tokens.json"),
  `${JSON.stringify(Object.fromEntries(addresses.map((a, i) => [a, tokens[i]])), null, 2)}\n`,
  { mode: 0o600 },
);

let ready = false;
const gate = drainable((req) => {
  // /healthz says "not ready" until a runner has registered: only then can jobs run.
  if (!ready && new URL(req.url).pathname === "/healthz") {
    return Response.json(
      { ready: false, checks: { runners: { ok: false, detail: "waiting for a runner" } } },
      { status: 503 },
    );
  }
  return app.fetch(req);
});
const server = Bun.serve({
  hostname: host,
  port,
  // Never 0: slow headers, trickled bodies and idle keep-alives would hold sockets forever.
  idleTimeout: env.HTTP_IDLE_TIMEOUT_SEC,
  fetch: gate.fetch,
});
const stopScheduler = startScheduler(deps);

const started = Date.now();
const runner = runnerCommand({
  execPath: process.execPath,
  script: new URL("./node-runner/main.ts", import.meta.url).pathname,
  edge: base,
  tokens: served.map((i) => tokens[i]!),
  capacity,
  modelsDir: join(dataDir, "models"),
  env: process.env,
});
const children = Array.from({ length: runnerCount }, () =>
  Bun.spawn(runner.cmd, { env: runner.env, stdout: "inherit", stderr: "inherit" }),
);

if (runnerCount > 0) {
  for (;;) {
    const rows = await deps.db.select({ registeredAt: runners.registeredAt }).from(runners);
    // One registration per runner per orchestrator it serves.
    if (rows.filter((r) => r.registeredAt >= started - 1000).length >= runnerCount * served.length) break;
    if (children.some((c) => c.exitCode !== null)) {
      console.error("livepeer: a node-runner exited before registering");
      process.exit(1);
    }
    await Bun.sleep(100);
  }
}
// go-livepeer gateways dial this listener (gRPC + /segment, one port) for the first served
// orchestrator; the project's own JSON routes stay on the edge's port.
const goWire =
  env.GO_WIRE_URI === "off"
    ? null
    : await startGoWireServer({
        deps,
        orchestrator: addresses[served[0] ?? 0]!.toLowerCase() as `0x${string}`,
        serviceUri: env.GO_WIRE_URI,
        countPixels: ffprobePixelCounter(),
      });
ready = true;

// Which FFmpeg and ONNX Runtime the runners found (system FFmpeg first, then the static build in
// @ffmpeg-installer/linux-x64, then @ffmpeg/ffmpeg wasm): say which one will run the jobs.
const engines = new Set<string>();
for (const row of await deps.db.select({ capabilities: runners.capabilities }).from(runners)) {
  const caps = JSON.parse(row.capabilities) as Capabilities;
  const ff = caps.ffmpeg;
  engines.add(ff ? `FFmpeg ${ff.version} (${ff.source}: ${ff.path})` : "no FFmpeg: transcoding unavailable");
  for (const o of caps.onnx) engines.add(`${o.backend} [${o.executionProviders.join(", ")}]`);
}

const ledgerNote =
  config.ledger.kind === "chain"
    ? `chain ledger: chain ${deps.ledger.chainId} at ${config.ledger.rpcUrl}, Controller ${config.ledger.controller}`
    : "devnet ledger";
// The addresses read from the Controller (each checked to hold code at start).
const chainAddresses = (deps.ledger as { addresses?: Record<string, string> }).addresses;
const contractsNote = chainAddresses
  ? `\n  contracts  ${Object.entries(chainAddresses)
      .map(([name, a]) => `${name} ${a}`)
      .join(", ")}`
  : "";
const keysNote =
  config.api.keys === "off"
    ? "API keys are OFF (set API_KEYS=required and ADMIN_TOKEN to require them)"
    : "API keys are REQUIRED: issue one with POST /v1/admin/keys (Authorization: Bearer $ADMIN_TOKEN)";
console.log(`
Livepeer local network ready
  edge (gateway + orchestrator, ${ledgerNote})  ${base}${contractsNote}
  dashboard  ${base}/dashboard   (CLI: LPX_EDGE_URL=${base} npx lpx --help)
  go-livepeer wire ${goWire ? `${goWire.url}  (orchestrator ${goWire.context.hosted.address}; livepeer -gateway -orchAddr ${goWire.url.replace(/^https:\/\//, "")})` : "off"}
  health     ${base}/healthz
  API docs   ${base}/docs   (OpenAPI: ${base}/openapi.json)
  metrics    ${base}/metrics
  orchestrators  ${addresses.join(", ")}
  gateway sender ${sender!.address}
  engines        ${[...engines].join("; ") || "none"}
  node-runners   ${runnerCount} attached (capacity ${capacity} each), serving ${served.length} orchestrator(s): ${served.map((i) => addresses[i]).join(", ") || "none"}
  data           ${dataDir}
  ${keysNote}

Try it:
  ffmpeg -f lavfi -i testsrc=size=640x360:rate=30 -t 2 -c:v libx264 -pix_fmt yuv420p -f mpegts /tmp/clip.ts
  curl -s ${base}/v1/transcode -F segment=@/tmp/clip.ts \\
    -F 'profiles=["P144p30fps16x9","P240p30fps16x9","P360p30fps16x9"]'
  npm run example -- --url ${base}   # a 3-rendition ladder and an AI request: outputs, fee, tickets, balance
`);
deps.logger.info("listening", { url: base, ready: true });

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  gate.drain();
  for (const c of children) c.kill("SIGTERM");
  await Promise.race([Promise.all(children.map((c) => c.exited)), Bun.sleep(35_000)]);
  await stopScheduler();
  await settleConsumerJobs(deps);
  await server.stop(true);
  await goWire?.close();
  await deps.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
