import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../../src/edge/deps.ts";
import { routeGroups } from "../../../src/edge/routes/index.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";
import { json, makeEdge, type TestEdge } from "../../helpers/edge.ts";

// The HTTP surface every route shares: problem+json, request ids, body limit, CORS, 404, 500.
let edge: TestEdge;
const SECRET = "internal-detail-that-must-not-leak";

/** Test-only routes that throw, to reach the error handler the way a service would. */
function throwingRoutes(app: OpenAPIHono<HonoEnv>) {
  app.get("/test/boom", () => {
    throw new Error(SECRET);
  });
  app.get("/test/domain", () => {
    throw new LivepeerError("ORCHESTRATOR_NOT_FOUND", "no such orchestrator", {
      details: { address: "0xabc" },
    });
  });
}

beforeAll(async () => {
  edge = await makeEdge(
    { api: { bodyLimitBytes: 1024 } },
    { app: { groups: [...routeGroups, throwingRoutes] } },
  );
});
afterAll(() => edge.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  edge.app.request(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });

describe("problem+json", () => {
  test("unknown route → 404 problem with the request id", async () => {
    const res = await edge.app.request("/v1/nope", { headers: { "x-request-id": "trace-42" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-request-id")).toBe("trace-42");
    const body = await json(res);
    expect(body).toMatchObject({ status: 404, code: "NOT_FOUND", title: "Not Found", requestId: "trace-42" });
    expect(body.type).toBe("urn:livepeer-edge:problem:not-found");
  });

  test("a request id is generated when absent or unsafe", async () => {
    const a = await edge.app.request("/healthz");
    const b = await edge.app.request("/healthz", { headers: { "x-request-id": "bad id <with> spaces" } });
    const idA = a.headers.get("x-request-id");
    const idB = b.headers.get("x-request-id");
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idB).toMatch(/^[0-9a-f-]{36}$/);
    expect(idA).not.toBe(idB);
  });

  test("malformed JSON → 400 MALFORMED_REQUEST", async () => {
    const res = await post("/v1/staking/bond", "{ not json");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await json(res)).toMatchObject({ code: "MALFORMED_REQUEST", status: 400 });
  });

  test("schema violations → 400 VALIDATION_FAILED with per-field issues", async () => {
    const res = await post("/v1/staking/bond", JSON.stringify({ signer: "0x12", args: { amount: "-1" } }));
    expect(res.status).toBe(400);
    const body = await json<{ code: string; issues: { path: string }[] }>(res);
    expect(body.code).toBe("VALIDATION_FAILED");
    const paths = body.issues.map((i) => i.path);
    expect(paths).toContain("signer");
    expect(paths).toContain("args.amount");
    expect(paths).toContain("nonce");
  });

  test("oversized body → 413 problem+json", async () => {
    const res = await post("/v1/staking/bond", JSON.stringify({ pad: "x".repeat(4096) }));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await json(res)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
  });

  test("oversized body without content-length (streamed) → 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(600));
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(chunk);
        c.enqueue(chunk);
        c.close();
      },
    });
    const res = await edge.app.request("/v1/staking/bond", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  test("unexpected errors → 500 without internals; domain errors keep code and details", async () => {
    const boom = await edge.app.request("/test/boom");
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ code: "INTERNAL", detail: "internal error" });

    const domain = await edge.app.request("/test/domain");
    expect(domain.status).toBe(404);
    expect(await json(domain)).toMatchObject({
      code: "ORCHESTRATOR_NOT_FOUND",
      detail: "no such orchestrator",
      details: { address: "0xabc" },
    });
  });

  test("CORS preflight allows any origin and exposes the request id", async () => {
    const res = await edge.app.request("/v1/staking/bond", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    const get = await edge.app.request("/healthz", { headers: { origin: "https://app.example" } });
    expect(get.headers.get("access-control-expose-headers")).toContain("x-request-id");
  });
});
