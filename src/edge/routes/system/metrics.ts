import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps, HonoEnv, Metrics } from "../../deps.ts";
import { collectGauges } from "../../services/metrics/gauges.ts";

const route = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["system"],
  summary: "Prometheus metrics (text exposition format 0.0.4)",
  responses: {
    200: { description: "Metrics", content: { "text/plain": { schema: z.string() } } },
  },
});

export function registerMetrics(app: OpenAPIHono<HonoEnv>, metrics: Metrics): void {
  app.openapi(route, async (c) => {
    // The system-only app (a start that failed) has no deps: its gauges stay empty.
    const deps = c.var.deps as AppDeps | undefined;
    if (deps) await collectGauges(deps);
    return c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}
