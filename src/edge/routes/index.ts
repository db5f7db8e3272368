import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../deps.ts";

/** A route group: one folder under routes/, registering its routes on the app. */
export type RouteGroup = (app: OpenAPIHono<HonoEnv>) => void;

// Each area adds its group here (one line each).
export const routeGroups: RouteGroup[] = [];
