import type { OpenAPIHono } from "@hono/zod-openapi";
import { readEnv } from "../../cli/env.ts";
import { createApp } from "../app.ts";
import { type BuildOverrides, buildDeps, type EdgeDeps } from "../bootstrap.ts";
import type { EdgeConfig } from "../config.ts";
import { describeStartupError, type Env, type LoadConfigOptions, loadConfig } from "../config-load.ts";
import type { HonoEnv } from "../deps.ts";
import { EDGE_ENV } from "../env.ts";

export interface StartedEdge {
  config: EdgeConfig;
  deps: EdgeDeps;
  app: OpenAPIHono<HonoEnv>;
  /** Logs the one "listening" line (JSON, with `url`) that process supervisors and tests wait for. */
  listening(url: string): void;
}

/** What every long-running entry does first: config (fails loudly), deps, app. */
export async function startEdge(
  env: Env,
  options: LoadConfigOptions & { overrides?: BuildOverrides } = {},
): Promise<StartedEdge> {
  const config = loadConfig(env, options);
  // loadConfig has checked every variable, LOG_LEVEL included.
  const deps = await buildDeps(config, { logLevel: readEnv(EDGE_ENV, env).LOG_LEVEL, ...options.overrides });
  const app = createApp(deps);
  return {
    config,
    deps,
    app,
    listening(url) {
      deps.logger.info("listening", {
        url,
        roles: config.roles,
        ledger: config.ledger.kind,
        orchestrators: [...deps.keys.orchestrators.keys()],
      });
    },
  };
}

/** Prints why the edge cannot start (every config issue, or the error's message) to stderr. */
export function reportStartupError(err: unknown): void {
  console.error(describeStartupError(err));
}
