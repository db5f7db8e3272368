import { afterAll, beforeAll, expect, test } from "bun:test";
import { LANDING_LINKS } from "../../../src/edge/routes/system/landing.ts";
import { makeEdge, type TestEdge } from "../../helpers/edge.ts";

let edge: TestEdge;
beforeAll(async () => {
  edge = await makeEdge();
});
afterAll(() => edge.close());

test("GET / is an HTML page linking the docs, the OpenAPI document, /metrics and /healthz", async () => {
  const res = await edge.app.request("/");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const html = await res.text();
  expect(html.startsWith("<!doctype html>")).toBe(true);
  const hrefs = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
  expect(hrefs).toEqual(["/dashboard", "/docs", "/openapi.json", "/metrics", "/healthz"]);
  expect(LANDING_LINKS.map((l) => l.href)).toEqual(hrefs as string[]);
  // Every link answers on this edge.
  for (const href of hrefs) expect((await edge.app.request(href!)).status).toBe(200);
});
