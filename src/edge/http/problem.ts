import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ERRORS, type LivepeerError, problemOf } from "../../wire/errors.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * The one problem+json renderer: the error's code gives status and title (ERRORS), the request id
 * comes from the context, and `details.retryAfterSec` becomes a Retry-After header.
 */
export function renderProblem(c: Context, err: LivepeerError): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "";
  const headers = new Headers({ "content-type": PROBLEM_CONTENT_TYPE, "x-request-id": requestId });
  const retry = err.details?.retryAfterSec;
  if (typeof retry === "number") headers.set("retry-after", String(retry));
  return new Response(jsonStringify(problemOf(err, requestId)), { status: err.status, headers });
}

/** JSON with bigint rendered as decimal strings (domain details may carry amounts). */
export function jsonStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** OpenAPI schema of a problem document; reuse through `errorResponses`. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:livepeer-edge:problem:validation-failed" }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    code: z.enum(Object.keys(ERRORS) as [keyof typeof ERRORS]).openapi({ example: "VALIDATION_FAILED" }),
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
