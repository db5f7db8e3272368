import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import { OrchestratorInfoSchema } from "../../../wire/orchestrator-info.ts";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses, notFoundResponse, refusedResponse } from "../../http/problem.ts";
import { buildOrchestratorInfo } from "../../services/tickets/info.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte 0x address");

const InfoQuerySchema = z.object({
  sender: address.openapi({ description: "The gateway's ticket sender address" }),
  orchestrator: address.optional().openapi({ description: "A hosted identity; the first one when absent" }),
  capability: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: "Pin the ticket params to this capability's price" }),
  modelId: z.string().min(1).optional(),
});

const route = createRoute({
  method: "get",
  path: "/v1/orchestrator/info",
  tags: ["orchestrator"],
  summary: "Signed OrchestratorInfo with fresh ticket params for one sender",
  request: { query: InfoQuerySchema },
  responses: {
    200: { description: "Signed info", content: { "application/json": { schema: OrchestratorInfoSchema } } },
    ...notFoundResponse,
    ...refusedResponse,
    ...errorResponses,
  },
});

export function registerInfoRoute(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const q = c.req.valid("query");
    const info = await buildOrchestratorInfo(c.get("deps"), {
      sender: q.sender as Address,
      ...(q.orchestrator === undefined ? {} : { orchestrator: q.orchestrator as Address }),
      ...(q.capability === undefined ? {} : { capability: q.capability }),
      ...(q.modelId === undefined ? {} : { modelId: q.modelId }),
    });
    return c.json(info, 200);
  });
}
