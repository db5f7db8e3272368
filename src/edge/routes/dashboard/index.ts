import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { applyOrchestratorQuery, parseOrchestratorQuery } from "../../services/dashboard/filters.ts";
import { orchestratorRowFor, orchestratorRows } from "../../services/dashboard/orchestrators.ts";
import { overview } from "../../services/dashboard/overview.ts";
import { delegatorDetail } from "../../services/protocol/delegators.ts";
import { delegatorLookupPage, delegatorPage } from "../../ui/delegator-page.ts";
import type { Html } from "../../ui/layout.ts";
import { orchestratorPage } from "../../ui/orchestrator-page.ts";
import { orchestratorsPage } from "../../ui/orchestrators-page.ts";
import { overviewPage, TOP_ORCHESTRATORS } from "../../ui/overview-page.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

async function page(c: Context<HonoEnv>, body: Html): Promise<Response> {
  // Live figures: never served from a cache.
  c.header("cache-control", "no-store");
  c.header("content-type", "text/html; charset=utf-8");
  return c.body((await body).toString());
}

/**
 * The dashboard: server-rendered HTML pages over the protocol services, on any ledger. No
 * script and no external URL; outside the OpenAPI document, since they are pages, not API.
 */
export function dashboardRoutes(app: OpenAPIHono<HonoEnv>): void {
  app.get("/dashboard", async (c) => {
    const deps = c.var.deps;
    const [o, rows] = await Promise.all([overview(deps), orchestratorRows(deps, "current")]);
    return page(c, overviewPage(o, rows.slice(0, TOP_ORCHESTRATORS)));
  });

  app.get("/dashboard/orchestrators", async (c) => {
    const raw = c.req.query();
    const q = parseOrchestratorQuery(raw);
    const all = await orchestratorRows(c.var.deps, q.set);
    return page(c, orchestratorsPage(applyOrchestratorQuery(all, q), all, q, raw));
  });

  app.get("/dashboard/orchestrators/:address", async (c) => {
    const address = c.req.param("address");
    if (!ADDRESS.test(address))
      throw new LivepeerError("INVALID_ADDRESS", "address must be a 20-byte 0x address");
    const deps = c.var.deps;
    const addr = address.toLowerCase() as Address;
    const [row, pendingStake, pendingFees] = await Promise.all([
      orchestratorRowFor(deps, addr),
      deps.ledger.pendingStake(addr),
      deps.ledger.pendingFees(addr),
    ]);
    return page(c, orchestratorPage(row, { pendingStake, pendingFees }));
  });

  app.get("/dashboard/delegators", async (c) => {
    const address = c.req.query("address");
    if (address === undefined || address === "") return page(c, delegatorLookupPage());
    if (!ADDRESS.test(address))
      throw new LivepeerError("INVALID_ADDRESS", "address must be a 20-byte 0x address");
    return c.redirect(`/dashboard/delegators/${address.toLowerCase()}`, 303);
  });

  app.get("/dashboard/delegators/:address", async (c) => {
    const address = c.req.param("address");
    if (!ADDRESS.test(address))
      throw new LivepeerError("INVALID_ADDRESS", "address must be a 20-byte 0x address");
    return page(c, delegatorPage(await delegatorDetail(c.var.deps, address as Address)));
  });
}
