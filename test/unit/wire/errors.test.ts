import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { HonoEnv } from "../../../src/edge/deps.ts";
import { onError } from "../../../src/edge/http/errors.ts";
import { JobError } from "../../../src/edge/services/jobs/errors.ts";
import { ERRORS, isErrorCode, LivepeerError, problemCode } from "../../../src/wire/errors.ts";

const SRC = join(import.meta.dir, "../../../src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

test("every code written in src is in the table", () => {
  // `new XError("CODE"`, `code: "CODE"` and `err.code === "CODE"` anywhere in the sources.
  const patterns = [
    /new [A-Za-z]*Error(?:<[^>]*>)?\(\s*"([A-Z0-9_]+)"/g,
    /\bcode: "([A-Z0-9_]+)"/g,
    /\.code === "([A-Z0-9_]+)"/g,
  ];
  const found = new Map<string, string>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const re of patterns) for (const m of text.matchAll(re)) found.set(m[1] as string, file);
  }
  // Node's errno codes (ENOENT) are compared on fs errors, never raised by the project.
  for (const code of found.keys()) if (/^E[A-Z]+$/.test(code)) found.delete(code);
  expect(found.size).toBeGreaterThan(60);
  const unknown = [...found]
    .filter(([code]) => !isErrorCode(code))
    .map(([code, file]) => `${code} (${file})`);
  expect(unknown).toEqual([]);
});

test("every code has an error status and a title", () => {
  for (const [code, { status, title }] of Object.entries(ERRORS)) {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(status >= 400 && status < 600).toBe(true);
    expect(title.length).toBeGreaterThan(0);
  }
});

test("wire-visible statuses stay as clients know them", () => {
  const status = (code: keyof typeof ERRORS) => ERRORS[code].status;
  expect(status("VALIDATION_FAILED")).toBe(400);
  expect(status("AUTH_NONCE_REPLAYED")).toBe(409);
  expect(status("LEDGER_KIND_UNSUPPORTED")).toBe(501);
  expect(status("LEDGER_CHAIN_MISMATCH")).toBe(500);
  expect(status("JOB_NOT_FOUND")).toBe(404);
  expect(status("TICKET_SIG_INVALID")).toBe(400);
  expect(status("LEDGER_UNAVAILABLE")).toBe(503);
  expect(status("CALLER_NOT_ACTIVE")).toBe(422);
  expect(status("PAYMENT_PRICE_TOO_LOW")).toBe(402);
  expect(status("CAPABILITY_NOT_FOUND")).toBe(422);
  expect(status("RUNNER_NOT_FOUND")).toBe(401);
  expect(status("NOT_VIDEO")).toBe(415);
  expect(status("PIPELINE_NOT_ADVERTISED")).toBe(503);
  expect(status("JOB_FAILED")).toBe(502);
});

test("codes read from the wire are typed or refused", () => {
  expect(isErrorCode("JOB_NOT_FOUND")).toBe(true);
  expect(isErrorCode("HTTP_500")).toBe(false);
  expect(isErrorCode("toString")).toBe(false);
  expect(problemCode({ code: "LEASE_LOST", detail: "x" })).toBe("LEASE_LOST");
  expect(problemCode({ code: "NO_SUCH_CODE" })).toBeUndefined();
  expect(problemCode(null)).toBeUndefined();
});

function app(): Hono<HonoEnv> {
  const a = new Hono<HonoEnv>();
  a.onError(onError);
  a.use(async (c, next) => {
    c.set("requestId", "req-1");
    await next();
  });
  a.get("/failed", () => {
    throw new JobError("JOB_FAILED", "runner crashed", { extra: { jobId: "job_1", status: 200 } });
  });
  a.get("/limited", () => {
    throw new JobError("RATE_LIMITED", "slow down", { details: { retryAfterSec: 7 } });
  });
  a.get("/zod", () => {
    z.object({ n: z.number() }).parse({ n: "x" });
    return new Response("unreachable");
  });
  a.get("/http", () => {
    throw new HTTPException(401, { message: "who are you" });
  });
  a.get("/boom", () => {
    throw new Error("secret internals");
  });
  return a;
}

test("onError renders a coded error as problem+json with its status, title and extension members", async () => {
  const res = await app().request("/failed");
  expect(res.status).toBe(502);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(await res.json()).toEqual({
    type: "urn:livepeer-edge:problem:job-failed",
    title: "Job failed",
    status: 502,
    code: "JOB_FAILED",
    detail: "runner crashed",
    requestId: "req-1",
    jobId: "job_1",
  });
});

test("onError sets Retry-After from details and keeps the details", async () => {
  const res = await app().request("/limited");
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toBe("7");
  expect(await res.json()).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSec: 7 } });
});

test("zod errors, HTTP exceptions and unknown errors map to stable codes", async () => {
  const original = console.error;
  console.error = () => undefined;
  try {
    const zod = await app().request("/zod");
    expect(zod.status).toBe(400);
    const body = (await zod.json()) as { code: string; issues: { path: string }[] };
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(body.issues[0]?.path).toBe("n");

    const http = await app().request("/http");
    expect(http.status).toBe(401);
    expect(await http.json()).toMatchObject({ code: "UNAUTHORIZED", detail: "who are you" });

    const boom = await app().request("/boom");
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toContain("secret internals");
    expect(JSON.parse(text)).toMatchObject({
      code: "INTERNAL",
      detail: "internal error",
      title: "Internal error",
    });
  } finally {
    console.error = original;
  }
});

test("subclasses keep their code's status", () => {
  const err = new LivepeerError("LEASE_LOST", "gone");
  expect(err.status).toBe(409);
  expect(new JobError("NOT_VIDEO", "no").status).toBe(415);
});
