import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv, Metrics } from "../../deps.ts";
import { OPENAPI_INFO, registerDocs } from "./docs.ts";
import { type Health, registerHealthz } from "./healthz.ts";
import { registerLanding } from "./landing.ts";
import { registerMetrics } from "./metrics.ts";

/** The routes every edge serves, whatever its roles: /, /healthz, /metrics, /openapi.json, /docs. */
export function registerSystemRoutes(
  app: OpenAPIHono<HonoEnv>,
  parts: { metrics: Metrics; health: () => Promise<Health> },
): void {
  registerHealthz(app, parts.health);
  registerMetrics(app, parts.metrics);
  registerDocs(app);
  registerLanding(app, OPENAPI_INFO);
}
