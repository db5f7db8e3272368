import type { Context } from "hono";
import type { HonoEnv } from "../../deps.ts";
import type { Html } from "../../ui/layout.ts";

/** An HTML page of live figures: never served from a cache. */
export async function page(c: Context<HonoEnv>, body: Html): Promise<Response> {
  c.header("cache-control", "no-store");
  c.header("content-type", "text/html; charset=utf-8");
  return c.body((await body).toString());
}
