import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { statusForCode, titleForStatus } from "./status-map.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** RFC 9457 problem document, with the stable `code` and the request id added. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId: string;
  /** Per-field issues of a VALIDATION_FAILED problem. */
  issues?: { path: string; message: string }[];
  /** Extra, public facts a domain error chose to expose. */
  details?: Record<string, unknown>;
}

/** `type` is a stable URN per code, so clients can switch on either. */
export function problemType(code: string): string {
  return `urn:livepeer-edge:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}

/** Builds a problem document; the status defaults to the status map's entry for the code. */
export function problemBody(
  code: string,
  detail: string,
  requestId: string,
  extra: { status?: number; issues?: Problem["issues"]; details?: Record<string, unknown> } = {},
): Problem {
  const status = extra.status ?? statusForCode(code);
  const body: Problem = {
    type: problemType(code),
    title: titleForStatus(status),
    status,
    code,
    detail,
    requestId,
  };
  if (extra.issues) body.issues = extra.issues;
  if (extra.details) body.details = extra.details;
  return body;
}

/**
 * Renders an application/problem+json response for a code, e.g.
 * `return problem(c, "NOT_FOUND", "no such orchestrator")`.
 */
export function problem(
  c: Context,
  code: string,
  detail: string,
  extra: { status?: number; issues?: Problem["issues"]; details?: Record<string, unknown> } = {},
): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "";
  const body = problemBody(code, detail, requestId, extra);
  return new Response(jsonStringify(body), {
    status: body.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "x-request-id": requestId },
  });
}

/** JSON with bigint rendered as decimal strings (domain details may carry amounts). */
export function jsonStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** OpenAPI schema of a problem document; reuse through `errorResponses`. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:livepeer-edge:problem:validation-failed" }),
    title: z.string().openapi({ example: "Bad Request" }),
    status: z.number().int().openapi({ example: 400 }),
    code: z.string().openapi({ example: "VALIDATION_FAILED" }),
    detail: z.string(),
    requestId: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("Problem");

const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } };

/** One OpenAPI response entry rendering a problem document. */
export function problemResponse(description: string) {
  return { description, content: problemContent };
}

/**
 * Shared error responses for `createRoute({ responses: { 200: …, ...errorResponses } })`.
 * Every route can answer 400 (validation), 413 (body limit) and 500; add the others it uses
 * from `authErrorResponses` / `notFoundResponse` / `conflictResponse` / `refusedResponse`.
 */
export const errorResponses = {
  400: problemResponse("Malformed JSON or a request that fails validation (VALIDATION_FAILED)"),
  413: problemResponse("Request body over the configured limit (PAYLOAD_TOO_LARGE)"),
  500: problemResponse("Unexpected server error; the detail never carries internals"),
} as const;

export const notFoundResponse = { 404: problemResponse("Not found") } as const;
export const conflictResponse = { 409: problemResponse("Conflict, e.g. a replayed nonce") } as const;
export const refusedResponse = {
  422: problemResponse("Well-formed, but refused by the protocol (a ledger revert code)"),
} as const;
export const authErrorResponses = {
  401: problemResponse("Missing, invalid or expired credentials"),
  403: problemResponse("Authenticated but not allowed"),
} as const;
export const unavailableResponse = { 503: problemResponse("Not ready or a dependency is down") } as const;
