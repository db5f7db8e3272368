import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../deps.ts";
import { compatRoutes } from "./compat/index.ts";
import { consumerRoutes } from "./consumer/index.ts";
import { dashboardRoutes } from "./dashboard/index.ts";
import { keysRoutes } from "./keys/index.ts";
import { orchestratorRoutes } from "./orchestrator/index.ts";
import { orchestratorJobRoutes } from "./orchestrator-jobs/index.ts";
import { protocolRoutes } from "./protocol/index.ts";
import { runnerRoutes } from "./runner/index.ts";
import { stakingRoutes } from "./staking/index.ts";

/** A route group: one folder under routes/, registering its routes on the app. */
export type RouteGroup = (app: OpenAPIHono<HonoEnv>) => void;

// Each area adds its group here (one line each).
export const routeGroups: RouteGroup[] = [orchestratorRoutes, protocolRoutes, stakingRoutes];
routeGroups.push(runnerRoutes);
routeGroups.push(orchestratorJobRoutes);
routeGroups.push(consumerRoutes);
routeGroups.push(keysRoutes);
routeGroups.push(dashboardRoutes);
routeGroups.push(compatRoutes);
