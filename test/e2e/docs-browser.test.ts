import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../src/edge/deps.ts";
import { routeGroups } from "../../src/edge/routes/index.ts";
import { registerDocs } from "../../src/edge/routes/system/docs.ts";
import {
  expectOnlyLoopback,
  findChromium,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.ts";
import { type EdgeProcess, json, startEdgeProcess, tempDir } from "../helpers/edge.ts";

// A real Bun edge process and a real Chromium (the system's, else @sparticuz/chromium's): /docs must render the API from /openapi.json
// with every request staying on loopback (anything else is aborted and fails the test).
// KEEP_SCREENSHOTS=<dir> keeps copies of the screenshots for a human to look at.

/** The edge's routes and docs as on Workers: swagger-ui-dist cannot be read there. */
function appWithoutSwaggerFiles(): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>();
  for (const group of routeGroups) group(app);
  registerDocs(app, { assets: async () => undefined });
  return app;
}

test("without swagger-ui-dist's files (Workers), /docs is the self-written page and assets are 404", async () => {
  const app = appWithoutSwaggerFiles();
  const page = await app.request("/docs");
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const html = await page.text();
  expect(html).toContain('var SPEC_URL = "/openapi.json"');
  expect(html).not.toContain("SwaggerUIBundle");
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  expect((await app.request("/docs/assets/swagger-ui-bundle.js")).status).toBe(404);
});

interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}
interface Operation {
  summary?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: {
    content: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }>;
  };
  responses: Record<string, { description: string }>;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

const chromium = await findChromium();
if (!chromium.ok) console.warn(`docs-browser: skipped: ${chromium.reason}`);

describe.skipIf(!chromium.ok)(
  chromium.ok
    ? `GET /docs in a real browser (offline; ${chromium.source})`
    : `GET /docs in a browser [skipped: ${chromium.reason}]`,
  () => {
    const tmp = tempDir("docs-browser-");
    let edge: EdgeProcess;
    let doc: OpenApiDoc;

    beforeAll(async () => {
      edge = await startEdgeProcess("bun", {
        DATABASE_URL: `file:${join(tmp.dir, "edge.db")}`,
        SCHEDULER: "off",
      });
      doc = await json<OpenApiDoc>(await fetch(`${edge.url}/openapi.json`));
    });

    afterAll(async () => {
      await edge?.stop();
      tmp.cleanup();
    });

    function allOperations(): { method: string; path: string; op: Operation }[] {
      return Object.entries(doc.paths).flatMap(([path, item]) =>
        METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] as Operation })),
      );
    }

    async function screenshotViewport(b: TestBrowser, name: string): Promise<void> {
      const bytes = await screenshot(b, name);
      // IHDR width and height: the viewport, so the image is the rendered page, not an error stub.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([1280, 900]);
    }

    test("Swagger UI renders every route from /openapi.json, all from the edge itself", async () => {
      const b = await launchBrowser(chromium);
      try {
        const res = await b.page.goto(`${edge.url}/docs`);
        expect(res?.status()).toBe(200);
        await b.page.locator(".opblock-summary-path").first().waitFor({ timeout: 20_000 });

        const shown = await b.page.locator(".opblock-summary-path").allTextContents();
        const paths = allOperations().map((o) => o.path);
        expect(shown.length).toBe(paths.length);
        for (const p of ["/v1/orchestrator/info", "/v1/protocol/round", "/v1/staking/bond", "/healthz"]) {
          expect(paths).toContain(p);
          // Swagger UI puts zero-width breaks between path segments.
          expect(shown.map((s) => s.replace(/\u200b/g, ""))).toContain(p);
        }

        // Expand GET /v1/protocol/round: its response codes and descriptions come from the spec.
        const round = doc.paths["/v1/protocol/round"]?.get as Operation;
        const block = b.page.locator("#operations-protocol-get_v1_protocol_round");
        await block.locator(".opblock-summary").click();
        await block.locator(".responses-table").first().waitFor({ timeout: 10_000 });
        const codes = await block
          .locator(".responses-table tr.response td.response-col_status")
          .allTextContents();
        expect(codes.map((c) => c.trim().split(/\s/)[0])).toEqual(Object.keys(round.responses));
        expect(await block.textContent()).toContain(round.responses["503"]?.description ?? "missing");

        expect(
          b.requests.some((u) => u.endsWith(`/docs/assets/swagger-ui-bundle.js?v=${swaggerVersion()}`)),
        ).toBe(true);
        expect(b.requests.some((u) => new URL(u).pathname === "/openapi.json")).toBe(true);
        expectOnlyLoopback(b, edge.url);
        await block.scrollIntoViewIfNeeded();
        await screenshotViewport(b, "docs-swagger.png");
      } finally {
        await b.close();
      }
    });

    test("the self-written page (/docs/basic) lists every operation with parameters, body and responses", async () => {
      const b = await launchBrowser(chromium);
      try {
        const res = await b.page.goto(`${edge.url}/docs/basic`);
        expect(res?.status()).toBe(200);
        await b.page.locator("body[data-ready='true']").waitFor({ timeout: 20_000 });

        const ops = allOperations();
        const listed = await b.page
          .locator("details.op")
          .evaluateAll((els) =>
            els.map((e) => `${e.getAttribute("data-method")} ${e.getAttribute("data-path")}`),
          );
        expect(listed.sort()).toEqual(ops.map((o) => `${o.method} ${o.path}`).sort());
        const tags = await b.page.locator("section.tag h2").allTextContents();
        expect(tags).toContain("orchestrator");
        expect(tags).toContain("protocol");

        // Parameters and responses of GET /v1/orchestrator/info, as the spec has them.
        const info = doc.paths["/v1/orchestrator/info"]?.get as Operation;
        const infoEl = b.page.locator("details.op[data-method='get'][data-path='/v1/orchestrator/info']");
        await infoEl.locator("summary").click();
        expect(await infoEl.getAttribute("open")).not.toBeNull();
        const names = await infoEl.locator("table.params tr td:first-child").allTextContents();
        expect(names).toEqual((info.parameters ?? []).map((p) => p.name));
        const codes = await infoEl.locator(".response h4 code").allTextContents();
        expect(codes).toEqual(Object.keys(info.responses));
        expect(await infoEl.locator("summary").textContent()).toContain(info.summary ?? "missing");

        // The request body schema of POST /v1/staking/bond names every property of its schema.
        const bond = doc.paths["/v1/staking/bond"]?.post as Operation;
        const bondEl = b.page.locator("details.op[data-method='post'][data-path='/v1/staking/bond']");
        await bondEl.locator("summary").click();
        const bodyText = (await bondEl.locator("pre").first().textContent()) ?? "";
        const schema = bond.requestBody?.content["application/json"]?.schema;
        const props = Object.keys(resolve(schema).properties ?? {});
        expect(props.length).toBeGreaterThan(0);
        for (const p of props) expect(bodyText).toMatch(new RegExp(`\\n\\s+${p}\\??: `));

        // The filter hides what does not match.
        await b.page.locator("#filter").fill("/v1/staking/");
        const visible = await b.page.locator("details.op:visible").count();
        expect(visible).toBe(ops.filter((o) => o.path.includes("/v1/staking/")).length);
        await b.page.locator("#filter").fill("");

        expectOnlyLoopback(b, edge.url);
        await infoEl.scrollIntoViewIfNeeded();
        await screenshotViewport(b, "docs-basic.png");
      } finally {
        await b.close();
      }
    });

    test("the Workers fallback (/docs without swagger-ui-dist) renders every operation too", async () => {
      const app = appWithoutSwaggerFiles();
      const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
      const b = await launchBrowser(chromium);
      try {
        const base = `http://127.0.0.1:${server.port}`;
        const res = await b.page.goto(`${base}/docs`);
        expect(res?.status()).toBe(200);
        await b.page.locator("body[data-ready='true']").waitFor({ timeout: 20_000 });
        const listed = await b.page.locator("details.op .path").allTextContents();
        const own = await json<OpenApiDoc>(await fetch(`${base}/openapi.json`));
        const expected = Object.entries(own.paths).flatMap(([path, item]) =>
          METHODS.filter((m) => item[m]).map(() => path),
        );
        expect(listed.sort()).toEqual(expected.sort());
        expect(listed).toContain("/v1/protocol/round");
        expect(b.offLoopback).toEqual([]);
        expect(b.pageErrors).toEqual([]);
        for (const url of b.requests) expect(new URL(url).host).toBe(new URL(base).host);
      } finally {
        await b.close();
        server.stop(true);
      }
    });

    type Schema = { $ref?: string; properties?: Record<string, unknown> };
    function resolve(schema: Schema | undefined): Schema {
      const name = schema?.$ref?.split("/").pop();
      return name ? (doc.components.schemas[name] ?? {}) : (schema ?? {});
    }
  },
);

function swaggerVersion(): string {
  const pkg = readFileSync(join(import.meta.dir, "../../node_modules/swagger-ui-dist/package.json"), "utf8");
  return (JSON.parse(pkg) as { version: string }).version;
}
