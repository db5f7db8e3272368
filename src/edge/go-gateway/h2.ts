// The shape of the gateway's plain HTTP calls to a go-livepeer orchestrator (/segment, the AI routes, result
// downloads) over HTTP/2: TLS without certificate verification (go-livepeer's orchestrators sign
// a fresh self-signed certificate at every start; identity comes from Ethereum signatures), or
// h2c for http:// service URIs. Two deadlines, as go-livepeer's segment client keeps them: one
// for the response headers and one for the whole exchange.

export interface H2Response {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface H2RequestInit {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Give up when no response headers came within this many ms. */
  headerTimeoutMs: number;
  /** Give up when the whole exchange took longer than this. */
  totalTimeoutMs: number;
  /** Largest body accepted. */
  maxBytes: number;
  /** Each body chunk as it arrives (the body still comes back whole): a streamed answer read live. */
  onData?: ((chunk: Uint8Array) => void) | undefined;
  /** Aborting it drops the request (an app that left a streamed answer). */
  signal?: AbortSignal | undefined;
}

/** Why a call gave up: the text go-livepeer's gateway logs and matches on. */
export class H2Error extends Error {
  override readonly name = "H2Error";
}

/**
 * One request to a go-livepeer orchestrator. It needs HTTP/2 without certificate checks, which only
 * runtimes with node:http2 give: the edge's deps carry it (src/edge/platform/h2-client.ts).
 */
export type H2Requester = (url: URL, init: H2RequestInit) => Promise<H2Response>;
