import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type EdgeProcess,
  freePort,
  json,
  ROOT,
  type Runtime,
  startEdgeProcess,
  tempDir,
} from "../helpers/edge.ts";

// Boots each runtime's entry as a real process and makes real HTTP requests on loopback.
// Bun and Node (through tsx) always run; Deno and Workers (wrangler/workerd) when installed.
const tmp = tempDir("edge-entries-");
afterAll(() => tmp.cleanup());

const DENO = join(ROOT, "node_modules/.bin/deno");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
/** The reason a runtime's test is skipped, in its name (the run's closing lines list skipped names). */
const skipNote = (bin: string) => (existsSync(bin) ? "" : ` [skipped: ${bin} missing; npm install]`);

async function checkServes(p: EdgeProcess) {
  const health = await fetch(`${p.url}/healthz`);
  expect(health.status).toBe(200);
  const body = await json<{ ready: boolean; checks: { ledger: { detail: string } } }>(health);
  expect(body.ready).toBe(true);
  expect(body.checks.ledger.detail).toMatch(/^devnet round \d+$/);
  const missing = await fetch(`${p.url}/v1/nope`, { headers: { "x-request-id": "e2e-1" } });
  expect(missing.status).toBe(404);
  expect(missing.headers.get("content-type")).toBe("application/problem+json");
  expect((await json(missing)).requestId).toBe("e2e-1");
}

function runtimeTest(runtime: Runtime) {
  return async () => {
    const p = await startEdgeProcess(runtime, {
      DATABASE_URL: `file:${join(tmp.dir, `${runtime}.db`)}`,
      SCHEDULER: "off",
    });
    try {
      await checkServes(p);
    } finally {
      expect(await p.stop()).toBe(0); // SIGTERM is a clean shutdown
    }
  };
}

describe("runtime entries", () => {
  // Each test runs under the default timeout (120 s, test/preload.ts): the start alone may take 90 s.
  test("bun: src/edge/entry/bun.ts", runtimeTest("bun"));
  test("node (tsx): src/edge/entry/node.ts", runtimeTest("node"));
  test.skipIf(!existsSync(DENO))(`deno: src/edge/entry/deno.ts${skipNote(DENO)}`, runtimeTest("deno"));

  test("a bad config stops the start with the problems listed", async () => {
    const err = await startEdgeProcess("bun", { PORT: "not-a-port", ROLES: "janitor" }, 60_000).then(
      () => new Error("started"),
      (e: Error) => e,
    );
    expect(err.message).toContain("exited 1:");
    expect(err.message).toContain("livepeer-edge: invalid configuration:");
    expect(err.message).toMatch(/\n {2}port: /);
    expect(err.message).toMatch(/\n {2}roles\.0: /);
  });

  test.skipIf(!existsSync(WRANGLER))(
    `workers (wrangler dev, workerd): system routes, not ready without a remote DB${skipNote(WRANGLER)}`,
    async () => {
      const port = await freePort();
      const proc = Bun.spawn(
        [
          WRANGLER,
          "dev",
          "src/edge/entry/worker.ts",
          "--ip",
          "127.0.0.1",
          "--port",
          String(port),
          // Its devtools inspector otherwise binds 127.0.0.1:9229, which another test run on the
          // machine may hold at the same moment.
          "--inspector-port",
          String(await freePort()),
          "--compatibility-date",
          "2025-01-01",
          "--compatibility-flags",
          "nodejs_compat",
          "--show-interactive-dev-session=false",
          // Local state in this run's temp dir, not .wrangler/ shared with another run of the suite.
          "--persist-to",
          join(tmp.dir, "wrangler-state"),
          // Some shared modules resolve paths from import.meta.url at import; a bundle has none.
          "--define",
          "import.meta.url:'file:///worker/worker.js'",
        ],
        {
          cwd: ROOT,
          env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      let out = "";
      const decoder = new TextDecoder();
      const pump = async (s: ReadableStream<Uint8Array>) => {
        const reader = s.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          out += decoder.decode(value, { stream: true });
        }
      };
      void pump(proc.stdout);
      void pump(proc.stderr);
      try {
        const deadline = Date.now() + 100_000;
        while (!out.includes("Ready on") && proc.exitCode === null && Date.now() < deadline)
          await Bun.sleep(100);
        expect(out).toContain("Ready on");
        const base = `http://127.0.0.1:${port}`;
        const health = await fetch(`${base}/healthz`);
        const body = await json<{ ready: boolean; checks: { deps: { detail: string } } }>(health);
        expect({ status: health.status, body }).toMatchObject({ status: 503, body: { ready: false } });
        expect(body.ready).toBe(false);
        expect(body.checks.deps.detail).toContain("not a remote libSQL URL");
        const metrics = await fetch(`${base}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain("# TYPE livepeer_reward_calls_total counter");
        const doc = await json<{ openapi: string }>(await fetch(`${base}/openapi.json`));
        expect(doc.openapi).toBe("3.1.0");
        const missing = await fetch(`${base}/v1/protocol/round`);
        expect(missing.status).toBe(404);
        expect(missing.headers.get("content-type")).toBe("application/problem+json");
      } finally {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
        await proc.exited;
        clearTimeout(timer);
      }
    },
    150_000,
  );
});
