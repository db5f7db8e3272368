import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { ERRORS, type ErrorCode, LivepeerError } from "../../wire/errors.ts";
import type { HonoEnv } from "../deps.ts";
import { renderProblem } from "./problem.ts";

/** Zod issues as `{path, message}` with dotted paths. */
export function zodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

/** A failed schema as VALIDATION_FAILED with its issues. */
export function validationFailed(error: ZodError, what: string): LivepeerError<"VALIDATION_FAILED"> {
  return new LivepeerError("VALIDATION_FAILED", `invalid ${what}`, { extra: { issues: zodIssues(error) } });
}

/** OpenAPIHono's defaultHook: a failed schema becomes 400 VALIDATION_FAILED with its issues. */
export const validationHook: Hook<unknown, HonoEnv, string, Response | undefined> = (result, c) => {
  if (result.success) return undefined;
  return renderProblem(c, validationFailed(result.error, result.target));
};

/** The generic codes a bare HTTPException maps to, found in ERRORS by its status. */
const HTTP_CODES: readonly ErrorCode[] = [
  "MALFORMED_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
];

function httpExceptionCode(status: number): ErrorCode {
  if (status >= 500) return "INTERNAL";
  return HTTP_CODES.find((code) => ERRORS[code].status === status) ?? "MALFORMED_REQUEST";
}

/**
 * The app's one error handler. A LivepeerError renders with its code's status; a stray ZodError is
 * VALIDATION_FAILED; a Hono HTTPException gets the generic code of its status; anything else is
 * logged and becomes a bare 500 INTERNAL.
 */
export const onError: ErrorHandler<HonoEnv> = (err, c) => renderProblem(c, asLivepeerError(err, c));

function asLivepeerError(err: unknown, c: Context<HonoEnv>): LivepeerError {
  if (err instanceof LivepeerError) return err;
  if (err instanceof ZodError) return validationFailed(err, "input");
  if (err instanceof HTTPException && err.status < 500) {
    const code = httpExceptionCode(err.status);
    return new LivepeerError(code, err.message || ERRORS[code].title);
  }
  logUnexpected(c, err);
  return new LivepeerError("INTERNAL", "internal error");
}

function logUnexpected(c: Context<HonoEnv>, err: unknown): void {
  const fields = {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  };
  const logger = c.get("deps")?.logger;
  if (logger) logger.error("unhandled error", fields);
  else console.error(JSON.stringify({ level: "error", msg: "unhandled error", ...fields }));
}

export const notFound: NotFoundHandler<HonoEnv> = (c) =>
  renderProblem(c, new LivepeerError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));

/** bodyLimit's onError: 413 problem+json. */
export function payloadTooLarge(limit: number) {
  return (c: Context) =>
    renderProblem(c, new LivepeerError("PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`));
}
