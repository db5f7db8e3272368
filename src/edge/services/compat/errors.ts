import { type ErrorCode, LivepeerError } from "../../../wire/errors.ts";

// go-livepeer's gateway answers its app-facing AI routes with `{"error":{"message":…}}`, where a
// 500 always reads "Internal Server Error" and a 503 "Service Unavailable Error" whatever the
// cause (server/handlers.go handleAPIError). Apps match on the status and that body, so the
// compatible routes answer the same; the stable code rides along as an extra member.

/** The go-livepeer AI error body for a status and message, with this project's code beside it. */
export interface GoErrorBody {
  error: { message: string; code?: ErrorCode };
}

/** Codes that mean "nobody can do this now": go-livepeer's ServiceUnavailableError (503). */
const UNAVAILABLE = new Set<ErrorCode>([
  "PIPELINE_NOT_ADVERTISED",
  "NO_ORCHESTRATOR",
  "NO_ORCHESTRATOR_AVAILABLE",
  "GATEWAY_SPEND_LIMIT",
  "JOB_TIMEOUT",
  "SHUTTING_DOWN",
]);

/** Status and body go-livepeer's gateway would answer an AI request failing with `err`. */
export function goAiError(err: unknown): { status: number; body: GoErrorBody } {
  if (!(err instanceof LivepeerError)) {
    return { status: 500, body: { error: { message: "Internal Server Error" } } };
  }
  const code = err.code;
  if (UNAVAILABLE.has(code)) {
    return { status: 503, body: { error: { message: "Service Unavailable Error", code } } };
  }
  const status = err.status;
  // Client errors keep their own status and text (bad body, API key, rate limit, too large).
  if (status >= 400 && status < 500) return { status, body: { error: { message: err.message, code } } };
  return { status: 500, body: { error: { message: "Internal Server Error", code } } };
}
