import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../../deps.ts";
import { problem } from "../../http/problem.ts";
import { JobError } from "../../services/jobs/errors.ts";

/**
 * Renders a JobError with the status its code carries (JOB_ERROR_STATUS), and adds Retry-After to
 * RATE_LIMITED. Other errors are left to the app's onError.
 */
export const jobErrors: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await next();
  const err = c.error;
  if (!(err instanceof JobError)) return;
  const res = problem(c, err.code, err.message, {
    status: err.status,
    ...(err.details ? { details: err.details } : {}),
  });
  const retry = err.details?.retryAfterSec;
  if (err.code === "RATE_LIMITED" && typeof retry === "number") res.headers.set("retry-after", String(retry));
  c.res = undefined;
  c.res = res;
};
