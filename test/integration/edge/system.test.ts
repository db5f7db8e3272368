import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { METRIC } from "../../../src/edge/metrics.ts";
import { json, makeEdge, type TestEdge } from "../../helpers/edge.ts";

let edge: TestEdge;
beforeAll(async () => {
  edge = await makeEdge();
});
afterAll(() => edge.close());

describe("system routes", () => {
  test("GET /healthz is ready with database and ledger checks", async () => {
    const res = await edge.app.request("/healthz");
    expect(res.status).toBe(200);
    const body = await json<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>(
      res,
    );
    expect(body.ready).toBe(true);
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.ledger?.detail).toMatch(/^devnet round \d+$/);
  });

  test("GET /healthz reports not ready (503) when the database is closed", async () => {
    const other = await makeEdge();
    other.deps.dbHandle.client.close();
    const res = await other.app.request("/healthz");
    expect(res.status).toBe(503);
    const body = await json<{ ready: boolean; checks: Record<string, { ok: boolean }> }>(res);
    expect(body.ready).toBe(false);
    expect(body.checks.database?.ok).toBe(false);
    await other.close();
  });

  test("GET /metrics is Prometheus text with the named metrics and request counts", async () => {
    await edge.app.request("/healthz");
    const res = await edge.app.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    for (const name of Object.values(METRIC)) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/livepeer_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(text).toMatch(
      /livepeer_http_request_duration_seconds_count\{method="GET",route="\/healthz"\} [1-9]/,
    );
  });

  test("GET /openapi.json documents every route group with shared problem responses", async () => {
    const res = await edge.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>(res);
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/healthz",
      "/metrics",
      "/v1/protocol/round",
      "/v1/protocol/orchestrators",
      "/v1/protocol/orchestrators/{address}",
      "/v1/protocol/delegators/{address}",
      "/v1/protocol/senders/{address}",
      "/v1/staking/bond",
      "/v1/staking/withdraw",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const bond = doc.paths["/v1/staking/bond"]?.post;
    expect(Object.keys(bond?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "401", "409", "413"]),
    );
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  test("GET /docs serves the docs UI pointing at /openapi.json", async () => {
    const res = await edge.app.request("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("SwaggerUIBundle");
    expect(html).toContain("/openapi.json");
  });
});
