import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { LivepeerError } from "../../protocol/errors.ts";
import type { HonoEnv } from "../deps.ts";
import { problem } from "./problem.ts";

/** Zod issues as `{path, message}` with dotted paths. */
export function zodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

/** OpenAPIHono's defaultHook: a failed schema becomes 400 VALIDATION_FAILED with its issues. */
export const validationHook: Hook<unknown, HonoEnv, string, Response | undefined> = (result, c) => {
  if (result.success) return undefined;
  return problem(c, "VALIDATION_FAILED", `invalid ${result.target}`, { issues: zodIssues(result.error) });
};

const HTTP_EXCEPTION_CODES: Record<number, string> = {
  400: "MALFORMED_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  429: "RATE_LIMITED",
};

/** Renders every thrown error as problem+json; unknown errors are logged and become a bare 500. */
export const onError: ErrorHandler<HonoEnv> = (err, c) => {
  if (err instanceof LivepeerError) {
    return problem(c, err.code, err.message, err.details ? { details: err.details } : {});
  }
  if (err instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[err.status] ?? (err.status >= 500 ? "INTERNAL" : "MALFORMED_REQUEST");
    return problem(c, code, err.message || code, { status: err.status });
  }
  logUnexpected(c, err);
  return problem(c, "INTERNAL", "internal error", { status: 500 });
};

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
  problem(c, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);

/** bodyLimit's onError: 413 problem+json. */
export function payloadTooLarge(limit: number) {
  return (c: Context) => problem(c, "PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`);
}
