import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Subprocess } from "bun";
import { type DbHandle, openDb } from "../../src/edge/db/client.ts";
import { makeClip as makeMediaClip, makeSolidImage } from "./media.ts";

// A local network for e2e tests: src/main.ts (edge with both roles on the devnet) as a child
// process on a free loopback port with a temp data dir, plus node-runners started on demand.
// Unlike `npm start` (whose runner serves all three orchestrators), main.ts's runners here serve
// only orchestrator 0 unless the test sets RUNNER_ORCHESTRATORS: tests that look at one
// orchestrator's books know where their jobs go.

const ROOT = new URL("../..", import.meta.url).pathname;

export interface LocalNetwork {
  url: string;
  dataDir: string;
  /** Runner tokens by orchestrator address (checksummed), as main.ts wrote them. */
  tokens: Record<string, string>;
  orchestrators: string[];
  edge: Subprocess;
  /**
   * Starts a node-runner child process for the i-th orchestrator, or one process serving several
   * (one token each, one shared capacity). `ffmpeg` overrides the FFmpeg binary it uses; `runtime`
   * "deno" runs it under Deno (node_modules/.bin/deno) instead of this Bun.
   */
  startRunner(
    orchestratorIndex: number | number[],
    options?: { capacity?: number; graceMs?: number; ffmpeg?: string; runtime?: "bun" | "deno" },
  ): Promise<Subprocess>;
  /** A read connection to the edge's database (for assertions). */
  db(): Promise<DbHandle>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released; the OS does not hand it out again at once). */
export function freePort(): number {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number, proc?: Subprocess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    if (proc && proc.exitCode !== null) throw new Error(`${what}: process exited with ${proc.exitCode}`);
    await Bun.sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * `options.dataDir` reuses a data directory (a restart over the same database); the caller then
 * owns it and `stop` leaves it in place.
 */
export async function startNetwork(
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<LocalNetwork> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "lp-net-"));
  const port = env.PORT ? Number(env.PORT) : freePort();
  const url = `http://127.0.0.1:${port}`;
  const edge = Bun.spawn([process.execPath, join(ROOT, "src/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      RUNNER_CAPACITY: "1",
      RUNNER_ORCHESTRATORS: "1",
      ...env,
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const runners: Subprocess[] = [];
  const handles: DbHandle[] = [];
  const stop = async () => {
    for (const r of runners) if (r.exitCode === null) r.kill("SIGKILL");
    edge.kill("SIGTERM");
    await Promise.race([edge.exited, Bun.sleep(10_000)]);
    if (edge.exitCode === null) edge.kill("SIGKILL");
    for (const h of handles) h.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor("edge /healthz", async () => (await fetch(`${url}/healthz`)).status === 200, 60_000, edge);
  } catch (err) {
    await stop();
    throw err;
  }
  const tokens = JSON.parse(readFileSync(join(dataDir, "runner-tokens.json"), "utf8")) as Record<
    string,
    string
  >;
  const orchestrators = Object.keys(tokens);
  return {
    url,
    dataDir,
    tokens,
    orchestrators,
    edge,
    async startRunner(which, options = {}) {
      const token = (Array.isArray(which) ? which : [which]).map((i) => tokens[orchestrators[i]!]!).join(",");
      const runtime =
        options.runtime === "deno" ? [join(ROOT, "node_modules/.bin/deno"), "run", "-A"] : [process.execPath];
      const proc = Bun.spawn(
        [
          ...runtime,
          join(ROOT, "src/node-runner/main.ts"),
          "--edge",
          url,
          "--token",
          token,
          ...(options.ffmpeg ? ["--ffmpeg", options.ffmpeg] : []),
          "--capacity",
          String(options.capacity ?? 1),
          "--models",
          join(dataDir, "models"),
          "--poll-ms",
          "2000",
          "--grace-ms",
          String(options.graceMs ?? 30_000),
        ],
        { cwd: ROOT, stdout: "pipe", stderr: "inherit" },
      );
      runners.push(proc);
      // The runner logs "runner ready" (JSON) once registered.
      const reader = proc.stdout.getReader();
      let text = "";
      await waitFor(
        "runner ready",
        async () => {
          const { value, done } = await reader.read();
          if (done) return true;
          text += new TextDecoder().decode(value);
          return text.includes('"runner ready"');
        },
        60_000,
        proc,
      );
      reader.releaseLock();
      void proc.stdout.pipeTo(new WritableStream()).catch(() => undefined);
      return proc;
    },
    async db() {
      const h = await openDb(`file:${join(dataDir, "edge.db")}`, { migrate: false });
      handles.push(h);
      return h;
    },
    stop,
  };
}

/** A silent testsrc clip at `path` (its extension names the container), bounded by -t. */
export async function makeClip(
  path: string,
  opts: { width: number; height: number; seconds: number },
): Promise<void> {
  await makeMediaClip(dirname(path), { name: basename(path), ...opts, audio: false });
}

/** A solid-colour PNG from FFmpeg's color source. */
export async function makePng(path: string, color: string, size = 32): Promise<void> {
  await makeSolidImage(dirname(path), basename(path), color, size, size);
}
