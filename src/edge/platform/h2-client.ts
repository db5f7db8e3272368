import { H2Error, type H2Requester, type H2Response } from "../go-gateway/h2.ts";

// HTTP/2 for the gateway's calls to go-livepeer orchestrators: TLS without certificate
// verification (they sign a fresh self-signed certificate at every start; identity comes from
// Ethereum signatures), or h2c for http:// service URIs. A fresh connection per request.

/** One request on a fresh HTTP/2 connection, closed afterwards. */
export const h2Request: H2Requester = async (url, init) => {
  // Through a variable, so Workers bundles leave it alone (they cannot dial HTTP/2 this way).
  const specifier = "node:http2";
  const { connect, constants } = (await import(specifier)) as typeof import("node:http2");
  return new Promise((resolve, reject) => {
    const session = connect(url.origin, url.protocol === "https:" ? { rejectUnauthorized: false } : {});
    let settled = false;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const finish = (err: Error | null, value?: H2Response) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      init.signal?.removeEventListener("abort", onAbort);
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
    const onAbort = () => {
      req.close(constants.NGHTTP2_CANCEL);
      finish(new H2Error("context canceled"));
    };
    if (init.signal?.aborted) onAbort();
    init.signal?.addEventListener("abort", onAbort, { once: true });
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
      init.onData?.(chunk);
    });
    req.on("end", () => finish(null, { status, headers, body: new Uint8Array(Buffer.concat(chunks)) }));
    req.on("error", (err) => finish(new H2Error(`unexpected EOF: ${err.message}`)));
    if (init.body) req.end(init.body);
    else req.end();
  });
};
