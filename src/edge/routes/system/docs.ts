import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { HonoEnv } from "../../deps.ts";
import { type SwaggerAssets, swaggerAssetsLoader } from "../../platform/swagger-assets.ts";
import { basicPage } from "./docs/basic-page.ts";
import { swaggerPage } from "./docs/swagger-page.ts";

export const OPENAPI_INFO = {
  title: "Livepeer Edge API",
  version: "0.1.0",
  description:
    "Gateway and orchestrator edge of the Livepeer network. Errors are application/problem+json " +
    "with a stable `code` and the `requestId`. Staking writes are authorized by an EIP-712 signature.",
};

const SPEC_URL = "/openapi.json";
const HTML = "text/html; charset=utf-8";
// Pages are tiny and name versioned asset URLs: revalidate them; the assets may be kept a day.
const PAGE_CACHE = "no-cache";
const ASSET_CACHE = "public, max-age=86400";

/**
 * GET /openapi.json (generated from the route schemas) and the docs UI, all served by the edge
 * itself so it works offline:
 * - GET /docs: Swagger UI from the swagger-ui-dist package (/docs/assets/*); where the package
 *   cannot be read (Workers: no filesystem) the self-written page instead.
 * - GET /docs/basic: always the self-written page.
 * `options.assets` replaces the package loader (tests: a runtime without the files).
 */
export function registerDocs(
  app: OpenAPIHono<HonoEnv>,
  options: { assets?: () => Promise<SwaggerAssets | undefined> } = {},
): void {
  const loadAssets = options.assets ?? swaggerAssetsLoader();
  app.doc31(SPEC_URL, { openapi: "3.1.0", info: OPENAPI_INFO });

  app.get("/docs", async (c) => {
    const assets = await loadAssets();
    c.header("cache-control", PAGE_CACHE);
    c.header("content-type", HTML);
    const page = assets
      ? swaggerPage({ title: OPENAPI_INFO.title, specUrl: SPEC_URL, version: assets.version })
      : basicPage({ title: OPENAPI_INFO.title, specUrl: SPEC_URL });
    return c.body(page);
  });

  app.get("/docs/basic", async (c) => {
    const assets = await loadAssets();
    c.header("cache-control", PAGE_CACHE);
    c.header("content-type", HTML);
    return c.body(
      basicPage({
        title: OPENAPI_INFO.title,
        specUrl: SPEC_URL,
        ...(assets ? { swaggerUrl: "/docs" } : {}),
      }),
    );
  });

  const asset = (c: Context<HonoEnv>, type: string, part: "css" | "js") =>
    serveAsset(c, loadAssets, type, part);
  app.get("/docs/assets/swagger-ui.css", (c) => asset(c, "text/css; charset=utf-8", "css"));
  app.get("/docs/assets/swagger-ui-bundle.js", (c) => asset(c, "text/javascript; charset=utf-8", "js"));
}

async function serveAsset(
  c: Context<HonoEnv>,
  loadAssets: () => Promise<SwaggerAssets | undefined>,
  type: string,
  part: "css" | "js",
): Promise<Response> {
  const assets = await loadAssets();
  if (!assets) return c.notFound();
  const etag = `"swagger-ui-dist-${assets.version}-${part}"`;
  c.header("cache-control", ASSET_CACHE);
  c.header("etag", etag);
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  c.header("content-type", type);
  c.header("x-content-type-options", "nosniff");
  return c.body(assets[part]);
}
