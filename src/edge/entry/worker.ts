// Cloudflare Workers entry:
//   wrangler dev src/edge/entry/worker.ts --compatibility-date 2025-01-01 \
//     --compatibility-flags nodejs_compat --define "import.meta.url:'file:///worker/worker.js'"
// (the define gives the bundle the file URL some shared modules resolve paths from at import).
// Configuration comes from the Worker's env bindings (the same names as the environment).
// libSQL file and :memory: databases do not exist on Workers: with DATABASE_URL set to a remote
// libsql:// or https:// database (migrations applied beforehand) the full app runs; otherwise
// the Worker serves the system routes only and /healthz reports not ready, with the reason.
// Everything is imported inside the handlers: Workers forbid random values and timers at global
// scope, and some modules draw an id at import. The one static import is libsecp256k1's wasm,
// which wrangler compiles into a WebAssembly.Module (Workers cannot compile wasm from bytes at
// run time); the path goes through node_modules because the package's exports map hides the file.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ExecutionContext } from "hono";
import secpWasm from "../../../node_modules/tiny-secp256k1/lib/secp256k1.wasm";
import type { EdgeDeps } from "../bootstrap.ts";
import type { Env } from "../config-load.ts";
import type { HonoEnv } from "../deps.ts";

interface Edge {
  app: OpenAPIHono<HonoEnv>;
  deps?: EdgeDeps;
}

const REMOTE = /^(libsql|https?|wss?):\/\//;
let edge: Promise<Edge> | undefined;

function edgeFor(env: Env): Promise<Edge> {
  edge ??= boot(env);
  return edge;
}

async function boot(env: Env): Promise<Edge> {
  const [{ createApp, createSystemApp }, { buildDeps }, { loadConfig }, { createLogger }, { createMetrics }] =
    await Promise.all([
      import("../app.ts"),
      import("../bootstrap.ts"),
      import("../config-load.ts"),
      import("../logger.ts"),
      import("../metrics.ts"),
    ]);
  const logger = createLogger();
  const config = loadConfig(stringsOf(env));
  if (!REMOTE.test(config.database.url)) {
    const reason = `DATABASE_URL ${config.database.url} is not a remote libSQL URL (Workers have no files)`;
    logger.warn("system routes only", { reason });
    return { app: createSystemApp({ config, logger, metrics: createMetrics(), reason }) };
  }
  const deps = await buildDeps(config, { logger, migrate: false, secpWasm });
  return { app: createApp(deps), deps };
}

/** Bindings may hold non-strings (KV, secrets objects); config reads the strings. */
function stringsOf(env: Env): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    try {
      const { app } = await edgeFor(env);
      return await app.fetch(request, env, ctx);
    } catch (err) {
      edge = undefined; // a failed boot is retried on the next request
      const { describeStartupError } = await import("../config-load.ts");
      console.error(describeStartupError(err), err instanceof Error ? err.stack : "");
      return new Response(JSON.stringify({ error: describeStartupError(err) }), {
        status: 503,
        headers: { "content-type": "application/json" },
      });
    }
  },
  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const { deps } = await edgeFor(env);
    if (!deps?.config.scheduler.enabled) return;
    const { tick } = await import("../scheduler/tick.ts");
    ctx.waitUntil(tick(deps));
  },
};
