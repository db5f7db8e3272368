import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../deps.ts";
import { escapeHtml, htmlPage } from "./html-page.ts";

/** The pages every edge serves, as the landing page lists them. */
export const LANDING_LINKS: readonly { href: string; label: string; note: string }[] = [
  {
    href: "/dashboard",
    label: "Dashboard",
    note: "the round, inflation, orchestrators and their reward calls",
  },
  { href: "/docs", label: "API docs", note: "every route, from the OpenAPI document" },
  { href: "/openapi.json", label: "OpenAPI document", note: "JSON, generated from the route schemas" },
  { href: "/metrics", label: "Metrics", note: "Prometheus text format" },
  { href: "/healthz", label: "Health", note: "200 when ready, 503 with the reason otherwise" },
];

/**
 * GET /: a small HTML page linking the docs, metrics and health, so a browser pointed at the edge
 * finds its way instead of a JSON 404. No script and no external URLs.
 */
export function registerLanding(app: OpenAPIHono<HonoEnv>, info: { title: string; version: string }): void {
  app.get("/", (c) => {
    c.header("cache-control", "no-cache");
    c.header("content-type", "text/html; charset=utf-8");
    return c.body(landingPage(info));
  });
}

function landingPage(info: { title: string; version: string }): string {
  const items = LANDING_LINKS.map(
    (l) =>
      `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a> <span>${escapeHtml(l.note)}</span></li>`,
  ).join("\n");
  return htmlPage({
    title: info.title,
    head: `<style>body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:40px auto;padding:0 16px;color:#1f2328}
li{margin:6px 0}span{color:#59636e}code{background:#eff1f3;padding:1px 4px;border-radius:4px}</style>`,
    body: `<h1>${escapeHtml(info.title)}</h1>
<p>Version ${escapeHtml(info.version)}. Consumers send jobs to <code>POST /v1/transcode</code> and
<code>POST /v1/ai/{pipeline}</code> and follow them at <code>GET /v1/jobs</code>.</p>
<ul>
${items}
</ul>`,
  });
}
