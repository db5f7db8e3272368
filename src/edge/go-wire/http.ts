import type { IncomingHttpHeaders } from "node:http";
import { goErrorBody } from "../../wire/go/status.ts";

/** What the handlers use of a node:http or node:http2 (compat) request. */
export interface NodeRequest extends AsyncIterable<Uint8Array> {
  readonly url?: string | undefined;
  readonly method?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  once(event: "close", listener: () => void): unknown;
}

/** What the handlers use of a node:http or node:http2 (compat) response. */
export interface NodeResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(chunk?: Uint8Array | string): unknown;
}

/** go-livepeer's segment body limit. */
export const MAX_BODY_BYTES = 300 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/** The whole request body, refused past `limit` bytes. */
export async function readBody(req: NodeRequest, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Answers as Go's http.Error does: text/plain, nosniff, the text and a newline. */
export function sendGoError(res: NodeResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = goErrorBody(text);
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "x-content-type-options": "nosniff",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Sends the status line and headers now, before the body exists (gateways time the headers). */
export function flushHeaders(res: NodeResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, headers);
  // node:http buffers the head until the first write; HTTP/2 sends it with writeHead.
  (res as { flushHeaders?: () => void }).flushHeaders?.();
}

export function header(req: NodeRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
