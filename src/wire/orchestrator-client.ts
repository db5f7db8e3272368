import type { Address } from "viem";
import type { DestinationPolicy } from "./destination.ts";
import { type ErrorCode, LivepeerError, problemCode } from "./errors.ts";
import { type BoundedResponse, fetchBounded, jsonOf } from "./fetch-bounded.ts";
import { type OrchestratorInfoJson, OrchestratorInfoSchema } from "./orchestrator-info.ts";
import type { PaymentJson } from "./payment.ts";
import { serviceURL } from "./service-uri.ts";

// The orchestrator API as its callers see it: the edge's gateway role and any app.

/** Answer of POST /v1/orchestrator/tickets (amounts as decimal strings). */
export interface PaymentResultJson {
  orchestrator: string | null;
  sender: string;
  accepted: number;
  won: number;
  credit: string;
  balance: string;
  errors: { senderNonce: string; code: ErrorCode; message: string }[];
}

export interface OrchestratorClientOptions {
  /** One deadline for the whole request, body included. Default 10 s. */
  timeoutMs?: number;
  /** Largest answer accepted, bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Destinations allowed (the gateway passes its config's); without it only the scheme is checked. */
  policy?: DestinationPolicy;
  fetch?: typeof fetch;
}

/**
 * A call to an orchestrator failed: PEER_URL_REFUSED, PEER_REDIRECT_REFUSED,
 * PEER_RESPONSE_TOO_LARGE, PEER_TIMEOUT, PEER_UNREACHABLE (network), ORCHESTRATOR_BAD_RESPONSE
 * (not the documented shape), or the problem+json `code` it answered.
 */
export class OrchestratorClientError extends LivepeerError {
  /** The HTTP status the orchestrator answered with, when it answered. */
  readonly httpStatus: number | undefined;
  constructor(code: ErrorCode, message: string, httpStatus?: number, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.name = "OrchestratorClientError";
    this.httpStatus = httpStatus;
  }
}

const DEFAULT_MAX_BYTES = 1024 * 1024;

async function call(url: URL, init: RequestInit, options: OrchestratorClientOptions): Promise<unknown> {
  let res: BoundedResponse;
  try {
    res = await fetchBounded(url, init, {
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } catch (err) {
    if (err instanceof LivepeerError)
      throw new OrchestratorClientError(err.code, err.message, undefined, err);
    throw err;
  }
  const body = jsonOf(res);
  if (body === undefined || body === null) {
    throw new OrchestratorClientError(
      "ORCHESTRATOR_BAD_RESPONSE",
      `non-JSON answer (${res.status})`,
      res.status,
    );
  }
  if (!res.ok) {
    const p = body as { detail?: unknown };
    throw new OrchestratorClientError(
      problemCode(body) ?? "ORCHESTRATOR_HTTP_ERROR",
      typeof p.detail === "string" ? p.detail : `HTTP ${res.status}`,
      res.status,
    );
  }
  return body;
}

function endpoint(baseUrl: string, path: string, query?: URLSearchParams): URL {
  try {
    return serviceURL(baseUrl, path, query);
  } catch (err) {
    throw new OrchestratorClientError("PEER_URL_REFUSED", `${baseUrl}: ${(err as Error).message}`);
  }
}

/**
 * GET /v1/orchestrator/info: the orchestrator's signed info and fresh ticket params for `sender`.
 * The shape is checked; the signature is not (use verifyOrchestratorInfo).
 *
 * @example const info = await getInfo("http://127.0.0.1:8787", { sender });
 */
export async function getInfo(
  baseUrl: string,
  query: { sender: Address; orchestrator?: Address; capability?: string; modelId?: string },
  options: OrchestratorClientOptions = {},
): Promise<OrchestratorInfoJson> {
  const params = new URLSearchParams({ sender: query.sender });
  if (query.orchestrator) params.set("orchestrator", query.orchestrator);
  if (query.capability) params.set("capability", query.capability);
  if (query.modelId) params.set("modelId", query.modelId);
  const body = await call(endpoint(baseUrl, "/v1/orchestrator/info", params), { method: "GET" }, options);
  const parsed = OrchestratorInfoSchema.safeParse(body);
  if (!parsed.success)
    throw new OrchestratorClientError("ORCHESTRATOR_BAD_RESPONSE", "info does not match the schema");
  return parsed.data;
}

/**
 * POST /v1/orchestrator/tickets: a payment alone. Invalid tickets come back in `errors`.
 *
 * @example const r = await sendTickets(serviceURI, created.json); r.accepted
 */
export async function sendTickets(
  baseUrl: string,
  payment: PaymentJson,
  options: OrchestratorClientOptions = {},
): Promise<PaymentResultJson> {
  const body = await call(
    endpoint(baseUrl, "/v1/orchestrator/tickets"),
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payment) },
    options,
  );
  const r = body as PaymentResultJson;
  if (typeof r?.accepted !== "number" || !Array.isArray(r.errors)) {
    throw new OrchestratorClientError(
      "ORCHESTRATOR_BAD_RESPONSE",
      "payment result does not match the schema",
    );
  }
  return r;
}
