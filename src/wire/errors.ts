/**
 * The one error vocabulary of the project: every stable code, the HTTP status it answers with and
 * its short title. The edge renders a LivepeerError as problem+json from this table; the runner and
 * the clients parse codes back with `isErrorCode`. Imports nothing, so every package may use it.
 */
export const ERRORS = {
  // HTTP layer
  MALFORMED_REQUEST: { status: 400, title: "Malformed request" },
  VALIDATION_FAILED: { status: 400, title: "Validation failed" },
  UNAUTHORIZED: { status: 401, title: "Unauthorized" },
  FORBIDDEN: { status: 403, title: "Forbidden" },
  NOT_FOUND: { status: 404, title: "Not Found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Request body too large" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  INTERNAL: { status: 500, title: "Internal error" },

  // Startup: configuration, genesis, bootstrap
  CONFIG_INVALID: { status: 500, title: "Invalid configuration" },
  CONFIG_DUPLICATE_ORCHESTRATOR: { status: 500, title: "Orchestrator configured twice" },
  GENESIS_INVALID: { status: 500, title: "Invalid genesis" },
  GENESIS_FILE_INVALID: { status: 500, title: "Genesis file cannot be loaded" },
  LEDGER_KIND_UNSUPPORTED: { status: 501, title: "Ledger kind not supported" },
  LEDGER_CHAIN_MISMATCH: { status: 500, title: "RPC serves another chain than configured" },
  TICKET_SECRET_UNAVAILABLE: { status: 503, title: "Ticket secret unavailable" },

  // Signed writes (staking API)
  AUTH_SIGNATURE_INVALID: { status: 401, title: "Invalid signature" },
  AUTH_DEADLINE_EXPIRED: { status: 401, title: "Deadline expired" },
  AUTH_DEADLINE_TOO_FAR: { status: 400, title: "Deadline too far ahead" },
  AUTH_NONCE_REPLAYED: { status: 409, title: "Nonce already used" },
  // Which of the two write paths this edge's ledger takes: the devnet applies signed requests, the
  // chain ledger only builds transactions for the user's own wallet to send.
  STAKING_NEEDS_SIGNED_REQUEST: {
    status: 409,
    title: "The devnet applies signed requests: POST /v1/staking/{action}",
  },
  STAKING_NEEDS_TRANSACTION: {
    status: 409,
    title: "On the chain ledger, send the transaction from POST /v1/staking/tx/{action} yourself",
  },

  // Ledger: contract reverts and availability
  CALLER_NOT_ACTIVE: { status: 422, title: "Caller is not an active transcoder" },
  CALLER_NOT_REGISTERED: { status: 422, title: "Caller is not a registered transcoder" },
  CALLER_NOT_REWARD_CALLER: { status: 403, title: "Caller is not the transcoder's reward caller" },
  REWARD_ALREADY_CALLED: { status: 409, title: "Reward already called" },
  ROUND_NOT_INITIALIZED: { status: 422, title: "Round not initialized" },
  ROUND_ALREADY_INITIALIZED: { status: 409, title: "Round already initialized" },
  ROUND_LOCKED: { status: 422, title: "Round is locked" },
  INSUFFICIENT_BALANCE: { status: 422, title: "Insufficient balance" },
  INSUFFICIENT_BONDED: { status: 422, title: "Insufficient bonded amount" },
  INSUFFICIENT_FEES: { status: 422, title: "Insufficient fees" },
  INVALID_AMOUNT: { status: 400, title: "Invalid amount" },
  INVALID_PERCENTAGE: { status: 400, title: "Invalid percentage" },
  INVALID_ADDRESS: { status: 400, title: "Invalid address" },
  SERVICE_URI_INVALID: { status: 400, title: "Invalid service URI" },
  INVALID_LOCK: { status: 422, title: "Invalid unbonding lock" },
  LOCK_NOT_WITHDRAWABLE: { status: 422, title: "Unbonding lock not withdrawable" },
  NOT_BONDED: { status: 422, title: "Not bonded" },
  NOT_UNBONDED: { status: 422, title: "Not unbonded" },
  CLAIM_FORBIDDEN: { status: 403, title: "Claim forbidden" },
  CLAIM_BEFORE_REWARD: { status: 422, title: "Claim before the orchestrator's reward" },
  ORCHESTRATOR_NOT_REWARDED: { status: 422, title: "Orchestrator not rewarded" },
  MINT_EXCEEDS_MINTABLE: { status: 422, title: "Mint exceeds mintable" },
  ARITHMETIC_PANIC: { status: 422, title: "Contract arithmetic panic" },
  LEDGER_BUSY: { status: 503, title: "Ledger busy" },
  LEDGER_UNAVAILABLE: { status: 503, title: "Ledger unavailable" },
  LEDGER_ERROR: { status: 500, title: "Ledger error" },
  LEDGER_FEATURE_MISSING: { status: 501, title: "The deployed contracts lack this function" },
  LEDGER_NO_KEY: { status: 403, title: "No signing key for this account" },
  KEYSTORE_INVALID: { status: 500, title: "Keystore file is not a valid v3 keystore" },
  KEYSTORE_PASSWORD: { status: 500, title: "Wrong keystore password" },

  // Tickets and payments
  TICKET_USED: { status: 409, title: "Ticket already used" },
  TICKET_EXPIRED: { status: 422, title: "Ticket expired" },
  TICKET_NOT_WINNING: { status: 422, title: "Ticket did not win" },
  TICKET_SIG_INVALID: { status: 400, title: "Invalid ticket signature" },
  TICKET_RAND_INVALID: { status: 400, title: "Invalid recipient rand" },
  TICKET_RECIPIENT_INVALID: { status: 400, title: "Invalid ticket recipient" },
  TICKET_SENDER_INVALID: { status: 400, title: "Invalid ticket sender" },
  TICKET_UNDERFUNDED: { status: 422, title: "Ticket underfunded" },
  TICKET_AUX_INVALID: { status: 400, title: "Invalid ticket aux data" },
  TICKET_PARAMS_INVALID: { status: 400, title: "Invalid ticket params" },
  TICKET_PARAMS_EXPIRED: { status: 422, title: "Ticket params expired" },
  TICKET_RAND_HASH_UNKNOWN: { status: 422, title: "Unknown recipient rand hash" },
  TICKET_ROUND_EXPIRED: { status: 422, title: "Ticket round expired" },
  TICKET_ROUND_HASH_INVALID: { status: 400, title: "Invalid ticket round hash" },
  TICKET_NONCE_REPLAYED: { status: 409, title: "Ticket nonce replayed" },
  TICKET_NONCE_LIMIT: { status: 422, title: "Ticket nonce limit reached" },
  INVALID_TICKET_PARAMS_INPUT: { status: 422, title: "Invalid ticket params input" },
  RECIPIENT_SECRET_TOO_SHORT: { status: 422, title: "Recipient secret too short" },
  SENDER_UNLOCKED: { status: 422, title: "Sender is unlocked" },
  SENDER_UNLOCKING: { status: 422, title: "Sender is unlocking" },
  SENDER_NOT_UNLOCKING: { status: 422, title: "Sender is not unlocking" },
  SENDER_UNLOCK_PENDING: { status: 422, title: "Sender unlock pending" },
  SENDER_NO_FUNDS: { status: 422, title: "Sender has no funds" },
  SENDER_NO_DEPOSIT: { status: 422, title: "Sender has no deposit" },
  SENDER_NO_RESERVE: { status: 422, title: "Sender has no reserve" },
  SENDER_RESERVE_INSUFFICIENT: { status: 422, title: "Sender reserve insufficient" },
  SENDER_NOT_FOUND: { status: 404, title: "Sender not found" },
  INFO_SIGNATURE_INVALID: { status: 400, title: "Invalid orchestrator info signature" },
  INSUFFICIENT_CREDIT: { status: 402, title: "Insufficient credit" },
  PAYMENT_REQUIRED: { status: 402, title: "Payment required" },
  PAYMENT_PRICE_TOO_LOW: { status: 402, title: "Payment price too low" },
  CAPABILITY_NOT_FOUND: { status: 422, title: "Capability not priced" },
  INVALID_PRICE: { status: 422, title: "Invalid price" },
  INVALID_UNITS: { status: 422, title: "Invalid units" },
  INVALID_EV: { status: 422, title: "Invalid ticket expected value" },
  FEE_EXCEEDS_TICKET_LIMIT: { status: 422, title: "Fee needs too many tickets" },

  // Orchestrators and the gateway
  ORCHESTRATOR_NOT_FOUND: { status: 404, title: "Orchestrator not found" },
  GATEWAY_SENDER_MISSING: { status: 422, title: "Gateway has no sender" },
  NO_ORCHESTRATOR: { status: 503, title: "No orchestrator" },
  NO_ORCHESTRATOR_AVAILABLE: { status: 503, title: "No orchestrator available" },
  PIPELINE_NOT_ADVERTISED: { status: 503, title: "Pipeline not advertised" },
  ORCHESTRATOR_FAILED: { status: 502, title: "Orchestrator failed" },
  ORCHESTRATOR_UNREACHABLE: { status: 502, title: "Orchestrator unreachable" },
  ORCHESTRATOR_BAD_RESPONSE: { status: 502, title: "Orchestrator answered badly" },
  ORCHESTRATOR_HTTP_ERROR: { status: 502, title: "Orchestrator HTTP error" },
  ORCHESTRATOR_OVERREACH: { status: 502, title: "Orchestrator asked for more than agreed" },
  GATEWAY_SPEND_LIMIT: { status: 503, title: "Gateway spend limit reached" },
  // Requests to peers (URLs and answers that come from orchestrators)
  PEER_URL_REFUSED: { status: 502, title: "Peer URL refused" },
  PEER_REDIRECT_REFUSED: { status: 502, title: "Peer redirect refused" },
  PEER_RESPONSE_TOO_LARGE: { status: 502, title: "Peer response too large" },
  PEER_TIMEOUT: { status: 504, title: "Peer timed out" },
  PEER_UNREACHABLE: { status: 502, title: "Peer unreachable" },

  // Jobs, API keys and runners
  JOB_NOT_FOUND: { status: 404, title: "Job not found" },
  OUTPUT_NOT_FOUND: { status: 404, title: "Output not found" },
  JOB_FAILED: { status: 502, title: "Job failed" },
  JOB_TIMEOUT: { status: 504, title: "Job timed out" },
  JOB_ABORTED: { status: 503, title: "Job aborted" },
  JOB_CANCELLED: { status: 409, title: "Job cancelled" },
  JOB_TOKEN_REQUIRED: { status: 401, title: "Job access token required" },
  JOB_TOKEN_INVALID: { status: 403, title: "Invalid job access token" },
  LEASE_LOST: { status: 409, title: "Lease lost" },
  INVALID_INPUT: { status: 400, title: "Invalid input" },
  NOT_VIDEO: { status: 415, title: "Not a video" },
  UNKNOWN_PRESET: { status: 400, title: "Unknown preset" },
  UNKNOWN_PIPELINE: { status: 404, title: "Unknown pipeline" },
  API_KEY_REQUIRED: { status: 401, title: "API key required" },
  API_KEY_INVALID: { status: 401, title: "Invalid API key" },
  ADMIN_TOKEN_INVALID: { status: 401, title: "Invalid admin token" },
  RUNNER_TOKEN_INVALID: { status: 401, title: "Invalid runner token" },
  RUNNER_NOT_FOUND: { status: 401, title: "Runner not registered" },
  RUNNER_CLOSED: { status: 503, title: "Runner closed" },
  SHUTTING_DOWN: { status: 503, title: "Shutting down" },
  EDGE_HTTP_ERROR: { status: 502, title: "Edge answered with an error" },

  // Runner execution (reported on a failed attempt)
  TRANSCODE_FAILED: { status: 500, title: "Transcode failed" },
  INVALID_MEDIA: { status: 422, title: "Invalid media" },
  MEDIA_TOO_LARGE: { status: 413, title: "Media exceeds the limits" },
  JOB_LIMIT_EXCEEDED: { status: 422, title: "Job exceeded its time or memory limit" },
  UNSUPPORTED_CODEC: { status: 422, title: "Unsupported codec" },
  UNSUPPORTED_IMAGE: { status: 415, title: "Unsupported image" },
  FFMPEG_NOT_FOUND: { status: 503, title: "FFmpeg not found" },
  INVALID_MANIFEST: { status: 500, title: "Invalid model manifest" },
  MODEL_NOT_FOUND: { status: 404, title: "Model not found" },
  MODEL_LOAD_FAILED: { status: 500, title: "Model load failed" },
  MODEL_HASH_MISMATCH: { status: 500, title: "Model file does not match its manifest hash" },
  PROVIDER_UNAVAILABLE: { status: 503, title: "Execution provider unavailable" },
  INFERENCE_FAILED: { status: 500, title: "Inference failed" },
  ENGINE_UNAVAILABLE: { status: 503, title: "Inference engine unavailable on this runner" },
} as const satisfies Record<string, { status: number; title: string }>;

/** Every stable error code. */
export type ErrorCode = keyof typeof ERRORS;

/** True when `value` is one of the codes in ERRORS (use it on codes read from the wire). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERRORS, value);
}

export interface LivepeerErrorOptions {
  /** Public facts rendered under the problem's `details`. */
  details?: Record<string, unknown> | undefined;
  /** Extension members rendered at the top level of the problem (e.g. `jobId`). */
  extra?: Record<string, unknown> | undefined;
  cause?: unknown;
}

/**
 * The project's one error class: a stable code from ERRORS, a short message (the problem's
 * `detail`), and optional public details and extension members.
 *
 * @example throw new LivepeerError("JOB_NOT_FOUND", `no job ${id}`);
 */
export class LivepeerError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details: Record<string, unknown> | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: C, message: string, options?: LivepeerErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LivepeerError";
    this.code = code;
    this.details = options?.details;
    this.extra = options?.extra;
  }

  /** The HTTP status of the code. */
  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** RFC 9457 problem document, with the stable `code` and the request id added. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  requestId: string;
  /** Per-field issues of a VALIDATION_FAILED problem. */
  issues?: { path: string; message: string }[];
  /** Extra, public facts a domain error chose to expose. */
  details?: Record<string, unknown>;
  /** Extension members such as `jobId`. */
  [extension: string]: unknown;
}

/** `type` is a stable URN per code, so clients can switch on either. */
export function problemType(code: ErrorCode): string {
  return `urn:livepeer-edge:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}

const RESERVED = new Set(["type", "title", "status", "code", "detail", "requestId", "details"]);

/** The problem document of an error; extension members never override the standard ones. */
export function problemOf(err: LivepeerError, requestId: string): Problem {
  const { status, title } = ERRORS[err.code];
  const body: Problem = {
    type: problemType(err.code),
    title,
    status,
    code: err.code,
    detail: err.message,
    requestId,
  };
  for (const [k, v] of Object.entries(err.extra ?? {})) if (!RESERVED.has(k)) body[k] = v;
  if (err.details) body.details = err.details;
  return body;
}

/** The code of a problem+json body read from the wire, or undefined when it carries none we know. */
export function problemCode(body: unknown): ErrorCode | undefined {
  const code = (body as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : undefined;
}
