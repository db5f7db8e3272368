import { checkDestination, type DestinationPolicy } from "./destination.ts";
import { type ErrorCode, LivepeerError } from "./errors.ts";

export interface BoundedFetchOptions {
  /** Largest body accepted, bytes; a longer one is cut off and refused. */
  maxBytes: number;
  /** One deadline for connecting, the headers, the whole body and the parsing. */
  timeoutMs: number;
  /** Destinations allowed; without it, only the scheme and credentials are checked. */
  policy?: DestinationPolicy;
  fetch?: typeof fetch;
}

export interface BoundedResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  bytes: Uint8Array;
}

type PeerFetchCode = Extract<
  ErrorCode,
  | "PEER_URL_REFUSED"
  | "PEER_REDIRECT_REFUSED"
  | "PEER_RESPONSE_TOO_LARGE"
  | "PEER_TIMEOUT"
  | "PEER_UNREACHABLE"
>;

/**
 * A request to a peer failed: PEER_URL_REFUSED, PEER_REDIRECT_REFUSED, PEER_RESPONSE_TOO_LARGE,
 * PEER_TIMEOUT or PEER_UNREACHABLE.
 */
export class PeerFetchError extends LivepeerError {
  constructor(code: PeerFetchCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.name = "PeerFetchError";
  }
}

async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  url: URL,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PeerFetchError("PEER_RESPONSE_TOO_LARGE", `${url.origin} sent more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Plain http to a host name is sent to the address the destination check resolved, with the
 * name in the Host header: a name that answers a public address to the check and a private one
 * to the connection (DNS rebinding) reaches nothing new. https keeps the name, because its
 * certificate check already ties the connection to that name.
 */
function pinnedRequest(
  url: URL,
  init: RequestInit,
  pinned: string | undefined,
): { url: URL; init: RequestInit } {
  if (pinned === undefined || url.protocol !== "http:") return { url, init };
  const direct = new URL(url);
  direct.hostname = pinned.includes(":") ? `[${pinned}]` : pinned;
  const headers = new Headers(init.headers);
  headers.set("host", url.host);
  return { url: direct, init: { ...init, headers } };
}

/**
 * fetch for URLs that come from peers: the destination is checked first, redirects are never
 * followed (a 3xx is refused), the body is streamed and cut off past `maxBytes`, and one deadline
 * covers everything up to the last byte. `parse` runs inside the same deadline.
 */
export async function fetchBounded<T = BoundedResponse>(
  url: URL,
  init: RequestInit,
  options: BoundedFetchOptions,
  parse?: (res: BoundedResponse) => T,
): Promise<T> {
  const { pinned } = await checkDestination(url, options.policy);
  const target = pinnedRequest(url, init, pinned);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
  const doFetch = options.fetch ?? fetch;
  const failed = (err: unknown): LivepeerError => {
    if (err instanceof LivepeerError) return err;
    if (deadline.aborted) {
      return new PeerFetchError(
        "PEER_TIMEOUT",
        `${url.origin} did not answer within ${options.timeoutMs} ms`,
        err,
      );
    }
    return new PeerFetchError("PEER_UNREACHABLE", `cannot reach ${url.origin}: ${String(err)}`, err);
  };
  let res: Response;
  try {
    res = await doFetch(target.url, { ...target.init, redirect: "manual", signal });
  } catch (err) {
    throw failed(err);
  }
  try {
    if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
      throw new PeerFetchError("PEER_REDIRECT_REFUSED", `${url.origin} answered a redirect (${res.status})`);
    }
    const declared = Number(res.headers.get("content-length") ?? Number.NaN);
    if (declared > options.maxBytes) {
      throw new PeerFetchError(
        "PEER_RESPONSE_TOO_LARGE",
        `${url.origin} declared ${declared} bytes, more than ${options.maxBytes}`,
      );
    }
    const bytes = await readLimited(res.body, options.maxBytes, url);
    if (deadline.aborted) throw failed(deadline.reason);
    const out: BoundedResponse = { status: res.status, ok: res.ok, headers: res.headers, bytes };
    return parse ? parse(out) : (out as T);
  } catch (err) {
    await res.body?.cancel().catch(() => undefined);
    throw failed(err);
  }
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonOf(res: BoundedResponse): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(res.bytes));
  } catch {
    return undefined;
  }
}
