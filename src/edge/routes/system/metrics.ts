import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { HonoEnv, Metrics } from "../../deps.ts";

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
  app.openapi(route, (c) =>
    c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
}
