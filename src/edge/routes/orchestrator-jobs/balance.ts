import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses, notFoundResponse } from "../../http/problem.ts";
import { creditLimitFor, getBalance } from "../../services/tickets/balance.ts";
import { findHosted } from "../../services/tickets/hosted.ts";

// A sender's credit with a hosted orchestrator: the EV of the tickets it accepted minus the fees
// of the work it did. What a gateway (or the example) reads to see what the orchestrator holds.

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "a 0x-prefixed 20-byte hex address")
  .transform((a) => a.toLowerCase() as Address);

export const SenderBalanceSchema = z
  .object({
    orchestrator: z.string(),
    sender: z.string(),
    /** Wei, decimal; negative while the orchestrator extends credit. */
    balance: z.string(),
    /** Wei, decimal: how far below zero the balance may go. */
    creditLimit: z.string(),
  })
  .openapi("SenderBalance");

const route = createRoute({
  method: "get",
  path: "/v1/orchestrator/balance",
  tags: ["orchestrator"],
  summary: "A sender's credit balance with an orchestrator hosted here",
  request: {
    query: z.object({
      orchestrator: address.openapi({ description: "A hosted orchestrator's address" }),
      sender: address.optional().openapi({ description: "The ticket sender (default: this edge's gateway)" }),
    }),
  },
  responses: {
    200: { description: "The balance", content: { "application/json": { schema: SenderBalanceSchema } } },
    ...errorResponses,
    ...notFoundResponse,
  },
});

export function balanceRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const deps = c.get("deps");
    const q = c.req.valid("query");
    if (!findHosted(deps, q.orchestrator)) {
      throw new LivepeerError("ORCHESTRATOR_NOT_FOUND", `orchestrator ${q.orchestrator} is not hosted here`);
    }
    const sender = q.sender ?? (deps.keys.sender?.address.toLowerCase() as Address | undefined);
    if (!sender)
      throw new LivepeerError("SENDER_NOT_FOUND", "no sender given and this edge has no gateway sender");
    const balance = await getBalance(deps, q.orchestrator, sender);
    return c.json(
      {
        orchestrator: q.orchestrator,
        sender,
        balance: balance.toString(),
        creditLimit: creditLimitFor(deps, q.orchestrator).toString(),
      },
      200,
    );
  });
}
