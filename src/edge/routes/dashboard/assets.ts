import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../deps.ts";
import { dashboardAssetLoader } from "../../ui/assets.ts";
import { ASSETS } from "../../ui/layout.ts";

// The files change only with the installed packages: revalidate by ETag, keep an hour.
const ASSET_CACHE = "public, max-age=3600";

/** GET /dashboard/assets/{folder}/{name}: uPlot, the dashboard's scripts and the signing modules. */
export function dashboardAssetRoutes(app: OpenAPIHono<HonoEnv>): void {
  const load = dashboardAssetLoader();
  app.get(`${ASSETS}/:folder/:name{.+}`, async (c) => {
    const asset = await load(c.req.param("folder"), c.req.param("name"));
    if (!asset) return c.notFound();
    const etag = `"${asset.body.length.toString(36)}-${hash(asset.body)}"`;
    c.header("cache-control", ASSET_CACHE);
    c.header("etag", etag);
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    c.header("content-type", asset.type);
    c.header("x-content-type-options", "nosniff");
    return c.body(asset.body);
  });
}

/** FNV-1a of the text: a cheap, stable ETag. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
