import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { jobsView } from "../../services/dashboard/jobs.ts";
import { senderView } from "../../services/dashboard/sender.ts";
import { signingChainId } from "../../services/staking/authorize.ts";
import { gatewayLookupPage, gatewayPage } from "../../ui/gateway-page.ts";
import { jobsPage } from "../../ui/jobs-page.ts";
import { page } from "./page.ts";

/** The gateway (ticket sender) page and the jobs page. */
export function roleRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.get("/dashboard/gateway", async (c) => {
    const deps = c.var.deps;
    const raw = c.req.query("address") || deps.keys.sender?.address;
    if (!raw) return page(c, gatewayLookupPage());
    if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
      throw new LivepeerError("INVALID_ADDRESS", "address must be a 20-byte 0x address");
    const view = await senderView(deps, raw.toLowerCase() as Address);
    return page(c, gatewayPage(view, { chainId: signingChainId(deps), ledger: deps.ledger.kind }));
  });

  app.get("/dashboard/jobs", async (c) => page(c, jobsPage(await jobsView(c.var.deps))));
}
