import { LivepeerError, problemOf } from "../../wire/errors.ts";
import { PROBLEM_CONTENT_TYPE } from "../http/problem.ts";

type Fetch = (req: Request) => Response | Promise<Response>;

export interface Drainable {
  fetch: Fetch;
  /** From now on /healthz answers 503 and every request that could start work is refused. */
  drain(): void;
  readonly draining: boolean;
}

/** Attempt reports (complete, fail, heartbeat, release) let running jobs finish while draining. */
const STILL_SERVED = /^\/runner\/v1\/jobs\//;

/**
 * Wraps an entry's fetch for graceful shutdown: once drained, health turns 503 at once (load
 * balancers stop sending) and new work is refused with SHUTTING_DOWN, while reads and the
 * runners' reports on jobs already running are still served.
 */
export function drainable(fetch: Fetch): Drainable {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    drain() {
      draining = true;
    },
    fetch(req) {
      if (!draining) return fetch(req);
      const path = new URL(req.url).pathname;
      if (path === "/healthz") {
        return Response.json(
          { ready: false, checks: { shutdown: { ok: false, detail: "shutting down" } } },
          { status: 503 },
        );
      }
      if (req.method === "GET" || req.method === "HEAD" || STILL_SERVED.test(path)) return fetch(req);
      const err = new LivepeerError("SHUTTING_DOWN", "this edge is shutting down; try another");
      return new Response(JSON.stringify(problemOf(err, crypto.randomUUID())), {
        status: err.status,
        headers: { "content-type": PROBLEM_CONTENT_TYPE, "retry-after": "5", connection: "close" },
      });
    },
  };
}
