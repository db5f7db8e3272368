import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { EdgeConfig } from "./config.ts";
import type { AppDeps, HonoEnv, Logger, Metrics } from "./deps.ts";
import { notFound, onError, payloadTooLarge, validationHook } from "./http/errors.ts";
import { REQUEST_ID_HEADER, requestIdFrom } from "./http/request-id.ts";
import { METRIC } from "./metrics.ts";
import { type RouteGroup, routeGroups } from "./routes/index.ts";
import type { Health } from "./routes/system/healthz.ts";
import { registerSystemRoutes } from "./routes/system/index.ts";

export interface AppOptions {
  /** Route groups to mount; defaults to every group in routes/index.ts. */
  groups?: RouteGroup[];
}

/**
 * Builds the edge's Hono app from injected dependencies: system routes (/healthz, /metrics,
 * /openapi.json, /docs) plus every route group. Runtime-free: entries adapt `app.fetch`.
 *
 * @example
 * const app = createApp(await buildDeps(loadConfig(process.env)));
 * const res = await app.request("/healthz");
 */
export function createApp(deps: AppDeps, options: AppOptions = {}): OpenAPIHono<HonoEnv> {
  const app = base(deps.config, deps.metrics, deps);
  registerSystemRoutes(app, { metrics: deps.metrics, health: () => checkHealth(deps) });
  for (const group of options.groups ?? routeGroups) group(app);
  return app;
}

/**
 * An app with the system routes only, reporting not ready: for a runtime that cannot open the
 * configured database (Workers without a remote libSQL URL).
 */
export function createSystemApp(parts: {
  config: EdgeConfig;
  metrics: Metrics;
  logger: Logger;
  reason: string;
}): OpenAPIHono<HonoEnv> {
  const app = base(parts.config, parts.metrics, undefined);
  registerSystemRoutes(app, {
    metrics: parts.metrics,
    health: async () => ({ ready: false, checks: { deps: { ok: false, detail: parts.reason } } }),
  });
  return app;
}

function base(config: EdgeConfig, metrics: Metrics, deps: AppDeps | undefined): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound(notFound);
  app.use(init(deps));
  app.use(observe(metrics));
  app.use(
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
      allowHeaders: ["content-type", "authorization", "x-api-key", REQUEST_ID_HEADER],
      exposeHeaders: [REQUEST_ID_HEADER],
      maxAge: 600,
    }),
  );
  const limit = config.api.bodyLimitBytes;
  app.use(bodyLimit({ maxSize: limit, onError: payloadTooLarge(limit) }));
  return app;
}

/** The one init middleware: request id (honouring x-request-id) and the deps on the context. */
function init(deps: AppDeps | undefined): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set("requestId", requestId);
    if (deps) c.set("deps", deps);
    await next();
    c.header(REQUEST_ID_HEADER, requestId);
  };
}

function observe(metrics: Metrics): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    // routePath keeps label cardinality bounded (the pattern, not the concrete path).
    const route = c.res.status === 404 && c.req.routePath === "/*" ? "(unmatched)" : c.req.routePath;
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    metrics.inc(METRIC.httpRequests, labels);
    metrics.observe(METRIC.httpDuration, (performance.now() - started) / 1000, {
      method: c.req.method,
      route,
    });
  };
}

async function checkHealth(deps: AppDeps): Promise<Health> {
  const checks: Health["checks"] = {};
  try {
    await deps.db.run("select 1");
    checks.database = { ok: true };
  } catch (err) {
    checks.database = { ok: false, detail: errorText(err) };
  }
  try {
    const round = await deps.ledger.currentRound();
    checks.ledger = { ok: true, detail: `${deps.ledger.kind} round ${round}` };
  } catch (err) {
    checks.ledger = { ok: false, detail: errorText(err) };
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
