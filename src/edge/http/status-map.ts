/**
 * The one table from stable error codes to HTTP statuses. Codes not listed fall back to suffix
 * rules (…_NOT_FOUND → 404, …_INVALID → 400, …) and then to 422: a LivepeerError is an expected
 * refusal of a well-formed request, never a server fault.
 */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // HTTP layer
  MALFORMED_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_READY: 503,
  // Signed writes (staking API)
  AUTH_SIGNATURE_INVALID: 401,
  AUTH_DEADLINE_EXPIRED: 401,
  AUTH_DEADLINE_TOO_FAR: 400,
  AUTH_NONCE_REPLAYED: 409,
  // Bootstrap
  LEDGER_KIND_UNSUPPORTED: 501,
  // Ledger reverts that are input errors or contention; other reverts are 422
  INVALID_AMOUNT: 400,
  INVALID_PERCENTAGE: 400,
  INVALID_ADDRESS: 400,
  REWARD_ALREADY_CALLED: 409,
  ROUND_ALREADY_INITIALIZED: 409,
  TICKET_USED: 409,
  TICKET_NONCE_REPLAYED: 409,
  LEDGER_BUSY: 503,
  LEDGER_UNAVAILABLE: 503,
  // Payments
  PAYMENT_REQUIRED: 402,
  INSUFFICIENT_CREDIT: 402,
};

const SUFFIX_RULES: ReadonlyArray<readonly [string, number]> = [
  ["_NOT_FOUND", 404],
  ["_UNAUTHORIZED", 401],
  ["_FORBIDDEN", 403],
  ["_CONFLICT", 409],
  ["_REPLAYED", 409],
  ["_INVALID", 400],
  ["_UNAVAILABLE", 503],
  ["_TIMEOUT", 504],
  ["_UNSUPPORTED", 501],
];

/** HTTP status for a stable error code. */
export function statusForCode(code: string): number {
  const exact = STATUS_BY_CODE[code];
  if (exact !== undefined) return exact;
  for (const [suffix, status] of SUFFIX_RULES) if (code.endsWith(suffix)) return status;
  return 422;
}

const TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The short, fixed title of a status (RFC 9457 `title`). */
export function titleForStatus(status: number): string {
  return TITLES[status] ?? (status >= 500 ? "Server Error" : "Request Error");
}
