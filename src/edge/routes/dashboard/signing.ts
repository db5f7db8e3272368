import type { OpenAPIHono } from "@hono/zod-openapi";
import { STAKING_DOMAIN_NAME, STAKING_DOMAIN_VERSION, stakingTypes } from "../../../wire/staking.ts";
import type { HonoEnv } from "../../deps.ts";
import { signingChainId } from "../../services/staking/authorize.ts";

/**
 * GET /dashboard/signing.json: the EIP-712 domain this edge verifies staking writes against (its
 * chain id differs per ledger), for the CLI and other signers that hold their own key.
 */
export function signingRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.get("/dashboard/signing.json", (c) => {
    const deps = c.var.deps;
    return c.json({
      ledger: deps.ledger.kind,
      domain: { name: STAKING_DOMAIN_NAME, version: STAKING_DOMAIN_VERSION, chainId: signingChainId(deps) },
      types: stakingTypes,
      primaryType: "StakingRequest",
    });
  });
}
