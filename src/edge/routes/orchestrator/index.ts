import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../deps.ts";
import { registerInfoRoute } from "./info.ts";
import { registerTicketsRoute } from "./tickets.ts";

/** The orchestrator role's payment routes: GET /v1/orchestrator/info, POST /v1/orchestrator/tickets. */
export function orchestratorRoutes(app: OpenAPIHono<HonoEnv>): void {
  registerInfoRoute(app);
  registerTicketsRoute(app);
}
