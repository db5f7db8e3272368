import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import { STAKING_ACTIONS, type StakingArgs } from "../../../wire/staking.ts";
import type { HonoEnv } from "../../deps.ts";
import {
  authErrorResponses,
  conflictResponse,
  errorResponses,
  refusedResponse,
  unavailableResponse,
} from "../../http/problem.ts";
import { addressArg } from "../../services/staking/action.ts";
import { stakingActions } from "../../services/staking/actions.ts";
import { buildStakingTransactions } from "../../services/staking/transactions.ts";

const decimal = z.string().regex(/^\d+$/);

const UnsignedTxSchema = z
  .object({
    chainId: z.number().int(),
    from: z.string(),
    to: z.string().openapi({ description: "The contract's proxy, read from the Controller" }),
    data: z.string().openapi({ description: "ABI-encoded call" }),
    value: decimal.openapi({ description: "Wei to send (the TicketBroker's funding calls)" }),
    gas: decimal.optional().openapi({
      description: "The node's estimate; absent where an earlier transaction must be mined first",
    }),
    contract: z.string(),
    function: z.string(),
  })
  .openapi("UnsignedTx");

const TransactionsSchema = z
  .object({
    action: z.string(),
    chainId: z.number().int(),
    from: z.string(),
    transactions: z.array(UnsignedTxSchema).openapi({
      description: "Sign and send in order, each once the one before is mined (the LPT approve before bond)",
    }),
  })
  .openapi("StakingTransactions");

/**
 * POST /v1/staking/tx/{action}: on the chain ledger, the unsigned transactions that make a staking
 * write, for the user's own wallet to sign and send (the edge never holds a user's key). On the
 * devnet it answers STAKING_NEEDS_SIGNED_REQUEST: writes there are EIP-712 requests.
 */
export function stakingTransactionRoutes(app: OpenAPIHono<HonoEnv>): void {
  for (const action of STAKING_ACTIONS) {
    const route = createRoute({
      method: "post",
      path: `/v1/staking/tx/${action}`,
      tags: ["staking"],
      summary: `Chain ledger: the transaction(s) to sign for ${action}`,
      description:
        "Builds, never signs: chainId, from, to (the proxy), data, value and a gas estimate. The first " +
        "transaction is run in the pending block; one that would revert answers the ledger's code. " +
        "On the devnet: 409 STAKING_NEEDS_SIGNED_REQUEST.",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                from: addressArg.openapi({ description: "The account that will sign and send" }),
                args: stakingActions[action].args,
              }),
            },
          },
        },
      },
      responses: {
        200: {
          description: "The transactions to send",
          content: { "application/json": { schema: TransactionsSchema } },
        },
        ...errorResponses,
        ...authErrorResponses,
        ...conflictResponse,
        ...refusedResponse,
        ...unavailableResponse,
      },
    });
    app.openapi(route, async (c) => {
      const body = c.req.valid("json") as { from: Address; args: StakingArgs[typeof action] };
      return c.json(await buildStakingTransactions(c.var.deps, action, body.from, body.args), 200);
    });
  }
}
