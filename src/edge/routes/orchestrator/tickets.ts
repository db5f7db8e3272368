import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { PaymentSchema, paymentFromJson } from "../../../wire/payment.ts";
import type { HonoEnv } from "../../deps.ts";
import { errorResponses } from "../../http/problem.ts";
import { acceptPayment } from "../../services/tickets/accept.ts";

export const TicketErrorSchema = z
  .object({ senderNonce: z.string(), code: z.string(), message: z.string() })
  .openapi("TicketError");

export const PaymentResultSchema = z
  .object({
    orchestrator: z.string().nullable(),
    sender: z.string(),
    accepted: z.number().int(),
    won: z.number().int(),
    /** Σ EV of the accepted tickets, wei. */
    credit: z.string(),
    /** The sender's balance with the orchestrator after the credit, wei (may be negative). */
    balance: z.string(),
    errors: z.array(TicketErrorSchema),
  })
  .openapi("PaymentResult");

const route = createRoute({
  method: "post",
  path: "/v1/orchestrator/tickets",
  tags: ["orchestrator"],
  summary: "Send a payment alone: tickets are validated, stored, credited; winners queued",
  request: { body: { required: true, content: { "application/json": { schema: PaymentSchema } } } },
  responses: {
    200: {
      description: "What was accepted; invalid tickets are listed with stable codes",
      content: { "application/json": { schema: PaymentResultSchema } },
    },
    ...errorResponses,
  },
});

export function registerTicketsRoute(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(route, async (c) => {
    const r = await acceptPayment(c.get("deps"), paymentFromJson(c.req.valid("json")));
    return c.json(
      {
        orchestrator: r.orchestrator ?? null,
        sender: r.sender,
        accepted: r.accepted,
        won: r.won,
        credit: r.credit.toString(),
        balance: r.balance.toString(),
        errors: r.errors,
      },
      200,
    );
  });
}
