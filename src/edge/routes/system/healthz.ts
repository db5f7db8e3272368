import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses } from "../../http/problem.ts";

export const HealthSchema = z
  .object({
    ready: z.boolean(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  })
  .openapi("Health");
export type Health = z.infer<typeof HealthSchema>;

const route = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["system"],
  summary: "Liveness and readiness (database and ledger reachable)",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "Up but not ready", content: { "application/json": { schema: HealthSchema } } },
    ...errorResponses,
  },
});

export function registerHealthz(app: OpenAPIHono<HonoEnv>, check: () => Promise<Health>): void {
  app.openapi(route, async (c) => {
    const health = await check();
    return health.ready ? c.json(health, 200) : c.json(health, 503);
  });
}
