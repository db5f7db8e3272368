import { connect, constants } from "node:http2";

// The gateway's plain HTTP calls to a go-livepeer orchestrator (/segment, the AI routes, result
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
}

/** Why a call gave up: the text go-livepeer's gateway logs and matches on. */
export class H2Error extends Error {
  override readonly name = "H2Error";
}

/** One request on a fresh HTTP/2 connection, closed afterwards. */
export function h2Request(url: URL, init: H2RequestInit): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const session = connect(url.origin, url.protocol === "https:" ? { rejectUnauthorized: false } : {});
    let settled = false;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const finish = (err: Error | null, value?: H2Response) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      session.close();
      if (err) {
        session.destroy();
        reject(err);
      } else resolve(value!);
    };
    session.on("error", (err) => finish(new H2Error(`dial tcp ${url.host}: ${err.message}`)));
    const req = session.request({
      [constants.HTTP2_HEADER_METHOD]: init.method,
      [constants.HTTP2_HEADER_PATH]: `${url.pathname}${url.search}`,
      ...init.headers,
    });
    timers.push(
      setTimeout(() => {
        req.close(constants.NGHTTP2_CANCEL);
        finish(new H2Error("context deadline exceeded (awaiting response headers)"));
      }, init.headerTimeoutMs),
      setTimeout(() => {
        req.close(constants.NGHTTP2_CANCEL);
        finish(new H2Error("context deadline exceeded"));
      }, init.totalTimeoutMs),
    );
    let status = 0;
    const headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("response", (h) => {
      clearTimeout(timers[0]);
      status = Number(h[constants.HTTP2_HEADER_STATUS]);
      for (const [k, v] of Object.entries(h))
        if (!k.startsWith(":") && v !== undefined) headers[k] = String(v);
    });
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > init.maxBytes) {
        req.close(constants.NGHTTP2_CANCEL);
        finish(new H2Error(`response body over ${init.maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => finish(null, { status, headers, body: new Uint8Array(Buffer.concat(chunks)) }));
    req.on("error", (err) => finish(new H2Error(`unexpected EOF: ${err.message}`)));
    if (init.body) req.end(init.body);
    else req.end();
  });
}
