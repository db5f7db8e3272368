import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { HonoEnv } from "../../deps.ts";
import { applyOrchestratorQuery, parseOrchestratorQuery } from "../../services/dashboard/filters.ts";
import { orchestratorActivity } from "../../services/dashboard/orchestrator-earnings.ts";
import {
  orchestratorRowFor,
  orchestratorRows,
  TIMELINE_ROUNDS,
} from "../../services/dashboard/orchestrators.ts";
import { overview } from "../../services/dashboard/overview.ts";
import { runnerRows } from "../../services/dashboard/runners.ts";
import { ticketStats } from "../../services/dashboard/tickets.ts";
import { signingChainId } from "../../services/staking/authorize.ts";
import { orchestratorPage } from "../../ui/orchestrator-page.ts";
import { orchestratorsPage } from "../../ui/orchestrators-page.ts";
import { overviewPage, TOP_ORCHESTRATORS } from "../../ui/overview-page.ts";
import { dashboardAssetRoutes } from "./assets.ts";
import { delegatorRoutes } from "./delegator.ts";
import { page } from "./page.ts";
import { roleRoutes } from "./roles.ts";
import { signingRoutes } from "./signing.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * The dashboard: server-rendered HTML pages over the protocol services, on any ledger. Script
 * only for charts and in-browser signing, served by the edge itself (no external URL); outside
 * the OpenAPI document, since they are pages, not API.
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
    const [row, pendingStake, pendingFees, round] = await Promise.all([
      orchestratorRowFor(deps, addr),
      deps.ledger.pendingStake(addr),
      deps.ledger.pendingFees(addr),
      deps.ledger.currentRound(),
    ]);
    const from = round - BigInt(TIMELINE_ROUNDS) + 1n;
    const [activity, tickets, runners] = await Promise.all([
      orchestratorActivity(deps, addr, row.transcoder, from),
      row.hosted ? ticketStats(deps, addr) : undefined,
      row.hosted ? runnerRows(deps, addr) : [],
    ]);
    return page(
      c,
      orchestratorPage(row, {
        pendingStake,
        pendingFees,
        activity,
        ...(tickets ? { tickets } : {}),
        runners,
        chainId: signingChainId(deps),
        ledger: deps.ledger.kind,
      }),
    );
  });

  delegatorRoutes(app);
  roleRoutes(app);
  dashboardAssetRoutes(app);
  signingRoutes(app);
}
