import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses, notFoundResponse, unavailableResponse } from "../../http/problem.ts";
import { delegatorDetail } from "../../services/protocol/delegators.ts";
import { listOrchestrators, orchestratorDetail } from "../../services/protocol/orchestrators.ts";
import { roundStatus } from "../../services/protocol/round.ts";
import { senderDetail } from "../../services/protocol/senders.ts";
import {
  addressParam,
  DelegatorDetailSchema,
  OrchestratorDetailSchema,
  OrchestratorSummarySchema,
  RoundStatusSchema,
  SenderDetailSchema,
} from "./schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const tags = ["protocol"];

const round = createRoute({
  method: "get",
  path: "/v1/protocol/round",
  tags,
  summary: "Current round status",
  responses: { 200: json(RoundStatusSchema, "Round status"), ...errorResponses, ...unavailableResponse },
});

const orchestrators = createRoute({
  method: "get",
  path: "/v1/protocol/orchestrators",
  tags,
  summary: "The active set (or next round's pool) with stake, cuts, service URI and reward-call history",
  request: { query: z.object({ set: z.enum(["current", "next"]).default("current") }) },
  responses: {
    200: json(
      z.object({ orchestrators: z.array(OrchestratorSummarySchema) }),
      "Orchestrators, highest stake first",
    ),
    ...errorResponses,
  },
});

const orchestrator = createRoute({
  method: "get",
  path: "/v1/protocol/orchestrators/{address}",
  tags,
  summary: "One orchestrator",
  request: { params: addressParam },
  responses: { 200: json(OrchestratorDetailSchema, "Orchestrator"), ...errorResponses, ...notFoundResponse },
});

const delegator = createRoute({
  method: "get",
  path: "/v1/protocol/delegators/{address}",
  tags,
  summary: "Delegator stake, pending earnings, unbonding locks and the claim-timing warning",
  request: { params: addressParam },
  responses: { 200: json(DelegatorDetailSchema, "Delegator"), ...errorResponses },
});

const sender = createRoute({
  method: "get",
  path: "/v1/protocol/senders/{address}",
  tags,
  summary: "Ticket sender deposit, reserve and unlock state",
  request: { params: addressParam },
  responses: { 200: json(SenderDetailSchema, "Sender"), ...errorResponses },
});

/** Read-only protocol state: GET /v1/protocol/{round,orchestrators,delegators,senders}. */
export function protocolRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(round, async (c) => c.json(await roundStatus(c.var.deps.ledger), 200));
  app.openapi(orchestrators, async (c) =>
    c.json({ orchestrators: await listOrchestrators(c.var.deps, c.req.valid("query").set) }, 200),
  );
  app.openapi(orchestrator, async (c) =>
    c.json(await orchestratorDetail(c.var.deps, c.req.valid("param").address as Address), 200),
  );
  app.openapi(delegator, async (c) =>
    c.json(await delegatorDetail(c.var.deps, c.req.valid("param").address as Address), 200),
  );
  app.openapi(sender, async (c) =>
    c.json(await senderDetail(c.var.deps, c.req.valid("param").address as Address), 200),
  );
}
