import type { Address } from "viem";
import { type ErrorCode, LivepeerError, problemCode } from "./errors.ts";
import { type OrchestratorInfoJson, OrchestratorInfoSchema } from "./orchestrator-info.ts";
import type { PaymentJson } from "./payment.ts";

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
  /** Abort the request after this long. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A call to an orchestrator failed: ORCHESTRATOR_UNREACHABLE (network, timeout),
 * ORCHESTRATOR_BAD_RESPONSE (not the documented shape), or the problem+json `code` it answered.
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

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

async function call(url: string, init: RequestInit, options: OrchestratorClientOptions): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (err) {
    throw new OrchestratorClientError(
      "ORCHESTRATOR_UNREACHABLE",
      `cannot reach ${url}: ${String(err)}`,
      undefined,
      err,
    );
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch (err) {
    throw new OrchestratorClientError(
      "ORCHESTRATOR_BAD_RESPONSE",
      `non-JSON answer (${res.status})`,
      res.status,
      err,
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
  const body = await call(join(baseUrl, `/v1/orchestrator/info?${params}`), { method: "GET" }, options);
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
    join(baseUrl, "/v1/orchestrator/tickets"),
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
