import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { mnemonicToAccount, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { type AppOptions, createApp } from "../../src/edge/app.ts";
import { type BuildOverrides, buildDeps, type EdgeDeps } from "../../src/edge/bootstrap.ts";
import { type EdgeConfigInput, parseConfig } from "../../src/edge/config.ts";
import type { HonoEnv } from "../../src/edge/deps.ts";
import { DEFAULT_MNEMONIC } from "../../src/edge/ledger/genesis.ts";
import type { DevnetControl } from "../../src/edge/ledger/types.ts";
import { ffprobeMediaProbe } from "../../src/node-runner/ffmpeg/media-probe.ts";

export const ROOT = resolve(import.meta.dirname, "../..");

/** A fresh directory under the OS temp dir; `cleanup` removes it. */
export function tempDir(prefix = "edge-test-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestEdge {
  deps: EdgeDeps;
  app: OpenAPIHono<HonoEnv>;
  dbUrl: string;
  dir: string;
  close(): Promise<void>;
}

/** Loopback destinations, allowed explicitly in the gateway config of tests and the devnet. */
export const LOOPBACK = ["127.0.0.0/8", "::1", "localhost"];

/**
 * Deps and app on a fresh libSQL file and the default devnet (rounds advance only on request,
 * scheduler off: tests call tick themselves). `config` overlays the defaults.
 */
export async function makeEdge(
  config: Partial<EdgeConfigInput> = {},
  options: { dbUrl?: string; overrides?: BuildOverrides; app?: AppOptions } = {},
): Promise<TestEdge> {
  const tmp = tempDir();
  const dbUrl = options.dbUrl ?? `file:${join(tmp.dir, "edge.db")}`;
  const parsed = parseConfig({
    database: { url: dbUrl },
    ledger: { kind: "devnet", roundSeconds: 0 },
    scheduler: { enabled: false },
    ...config,
    // Test orchestrators listen on loopback: the gateway is told so, as a devnet's config must.
    gateway: { outbound: { allowPrivate: LOOPBACK }, ...config.gateway },
  });
  const deps = await buildDeps(parsed, {
    logLevel: "silent",
    mediaProbe: ffprobeMediaProbe(),
    ...options.overrides,
  });
  return {
    deps,
    app: createApp(deps, options.app),
    dbUrl,
    dir: tmp.dir,
    async close() {
      await deps.close();
      tmp.cleanup();
    },
  };
}

/** A TCP port free at the time of asking (for tools that cannot listen on port 0 and report it). */
/** An orchestrator-only edge hosting genesis orchestrator 1, transcode priced 1/1, one runner token. */
export function runnerOrchestratorConfig(runnerToken: string): Partial<EdgeConfigInput> {
  return {
    roles: ["orchestrator"],
    orchestrators: [
      {
        privateKey: genesisKey(1),
        serviceURI: "http://127.0.0.1:1",
        runnerTokens: [runnerToken],
        prices: [{ capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" }],
      },
    ],
  };
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? ok(addr.port) : fail(new Error("no port"))));
    });
  });
}

export type Runtime = "bun" | "node" | "deno";

const ENTRY: Record<Runtime, string[]> = {
  bun: [process.execPath, "src/edge/entry/bun.ts"],
  node: [join(ROOT, "node_modules/.bin/tsx"), "src/edge/entry/node.ts"],
  deno: [join(ROOT, "node_modules/.bin/deno"), "run", "-A", "src/edge/entry/deno.ts"],
};

export interface EdgeProcess {
  url: string;
  pid: number;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a real edge process (PORT=0) and resolves once it logs its "listening" line.
 * Rejects with the process output when it exits or does not listen within `timeoutMs`.
 */
export async function startEdgeProcess(
  runtime: Runtime,
  env: Record<string, string>,
  // Generous: a loaded 2-core machine (two suites at once) takes tens of seconds to start a runtime.
  timeoutMs = 90_000,
): Promise<EdgeProcess> {
  const proc = Bun.spawn(ENTRY[runtime], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      HOST: "127.0.0.1",
      PORT: "0",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out += decoder.decode(value, { stream: true });
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const stop = async () => {
    if (proc.exitCode === null && !proc.killed) proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    const code = await proc.exited;
    clearTimeout(timer);
    return code;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
    if (line) {
      const { url } = JSON.parse(line) as { url: string };
      return { url, pid: proc.pid, output: () => out, stop };
    }
    if (proc.exitCode !== null) throw new Error(`${runtime} edge exited ${proc.exitCode}:\n${out}`);
    await Bun.sleep(50);
  }
  await stop();
  throw new Error(`${runtime} edge did not listen within ${timeoutMs} ms:\n${out}`);
}

/** Reads a JSON body, failing the test with the raw text when it is not JSON. */
export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 500)}`);
  }
}

/** Private key of account `i` of the default genesis mnemonic (anvil's), as config wants it. */
export function genesisKey(i: number): `0x${string}` {
  const key = mnemonicToAccount(DEFAULT_MNEMONIC, { addressIndex: i }).getHdKey().privateKey;
  if (!key) throw new Error(`no private key for account ${i}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** A viem account for genesis account `i` (1, 2, 3: active orchestrators; 4–6 delegators; 0 sender). */
export function genesisAccount(i: number): PrivateKeyAccount {
  return privateKeyToAccount(genesisKey(i));
}

/** The devnet's clock controls (the default ledger in tests is the devnet). */
export function devnetOf(edge: { deps: { ledger: unknown } }): DevnetControl {
  return edge.deps.ledger as DevnetControl;
}
