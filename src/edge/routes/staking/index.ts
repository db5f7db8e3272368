import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { STAKING_ACTIONS, type StakingAction, type StakingRequest } from "../../../wire/staking.ts";
import type { HonoEnv } from "../../deps.ts";
import {
  authErrorResponses,
  conflictResponse,
  errorResponses,
  refusedResponse,
  unavailableResponse,
} from "../../http/problem.ts";
import { stakingActions } from "../../services/staking/actions.ts";
import { executeStakingAction } from "../../services/staking/execute.ts";
import { stakingTransactionRoutes } from "./transactions.ts";

const hex = (bytes: number, example: string) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes} bytes of 0x hex`)
    .openapi({ example });

const TxResultSchema = z
  .object({
    action: z.string(),
    caller: z.string(),
    ref: z.string(),
    round: z.string(),
    block: z.string(),
    events: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        round: z.string(),
        block: z.string(),
        args: z.record(z.string(), z.union([z.string(), z.boolean()])),
      }),
    ),
  })
  .openapi("StakingTxResult");

function requestSchema(action: StakingAction) {
  return z.object({
    signer: hex(20, "0x1111111111111111111111111111111111111111").openapi({
      description: "The address that signed; the ledger call is made as this address",
    }),
    args: stakingActions[action].args,
    nonce: hex(32, `0x${"ab".repeat(32)}`).openapi({ description: "Random 32 bytes, single use per signer" }),
    deadline: z
      .string()
      .regex(/^\d{1,15}$/, "must be unix seconds as a decimal string")
      .openapi({ description: "Unix seconds; at most one day ahead", example: "1767225600" }),
    signature: z
      .string()
      .regex(/^0x[0-9a-fA-F]+$/, "must be 0x hex")
      .openapi({ description: "EIP-712 signature over StakingRequest{action,args,nonce,deadline}" }),
  });
}

/**
 * Signed protocol writes: POST /v1/staking/{action} for every action in STAKING_ACTIONS. The
 * body is built by signStakingRequest (src/client/staking.ts).
 */
export function stakingRoutes(app: OpenAPIHono<HonoEnv>): void {
  for (const action of STAKING_ACTIONS) {
    const route = createRoute({
      method: "post",
      path: `/v1/staking/${action}`,
      tags: ["staking"],
      summary: stakingActions[action].summary,
      description:
        "EIP-712 domain {name: 'Livepeer Edge', version: '1', chainId}; type StakingRequest(string action," +
        "string args,bytes32 nonce,uint256 deadline) where args is the JSON of the args object with sorted keys. " +
        "On the chain ledger: 409 STAKING_NEEDS_TRANSACTION (use POST /v1/staking/tx/{action}).",
      request: {
        body: { required: true, content: { "application/json": { schema: requestSchema(action) } } },
      },
      responses: {
        200: { description: "Applied", content: { "application/json": { schema: TxResultSchema } } },
        ...errorResponses,
        ...authErrorResponses,
        ...conflictResponse,
        ...refusedResponse,
        ...unavailableResponse,
      },
    });
    app.openapi(route, async (c) => {
      const body = c.req.valid("json") as StakingRequest;
      return c.json(await executeStakingAction(c.var.deps, action, body), 200);
    });
  }
  stakingTransactionRoutes(app);
}
