import { swaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../deps.ts";

export const OPENAPI_INFO = {
  title: "Livepeer Edge API",
  version: "0.1.0",
  description:
    "Gateway and orchestrator edge of the Livepeer network. Errors are application/problem+json " +
    "with a stable `code` and the `requestId`. Staking writes are authorized by an EIP-712 signature.",
};

/** GET /openapi.json (generated from the route schemas) and GET /docs (Swagger UI). */
export function registerDocs(app: OpenAPIHono<HonoEnv>): void {
  app.doc31("/openapi.json", { openapi: "3.1.0", info: OPENAPI_INFO });
  app.get("/docs", swaggerUI({ url: "/openapi.json", title: OPENAPI_INFO.title }));
}
