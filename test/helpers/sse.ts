import { connect as h2connect } from "node:http2";

// Server-sent events read as they arrive, over fetch (HTTP/1.1) or HTTP/2 as go's client sends,
// so a test can act between two events of one answer.

export interface SseStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The next event's `data` (parsed JSON), or undefined when the stream ended. */
  next(): Promise<unknown>;
  /** Every event left, until the stream ends. */
  rest(): Promise<unknown[]>;
  /** Drops the connection (a client that leaves). */
  close(): void;
}

/** Splits text chunks into the `data:` payloads of whole events. */
function eventQueue(chunks: AsyncIterable<Uint8Array | string>) {
  const iter = chunks[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  let buffer = "";
  return async function next(): Promise<unknown> {
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        return JSON.parse(data) as unknown;
      }
      const { value, done } = await iter.next();
      if (done) return undefined;
      buffer += typeof value === "string" ? value : decoder.decode(value, { stream: true });
    }
  };
}

function stream(
  status: number,
  headers: SseStream["headers"],
  chunks: AsyncIterable<Uint8Array | string>,
  close: () => void,
): SseStream {
  const next = eventQueue(chunks);
  return {
    status,
    headers,
    next,
    async rest() {
      const out: unknown[] = [];
      for (let e = await next(); e !== undefined; e = await next()) out.push(e);
      return out;
    },
    close,
  };
}

/** POST over HTTP/2 (TLS unverified), answered as a stream once the headers arrive. */
export function h2Sse(
  url: string,
  input: { path: string; headers: Record<string, string>; body: Uint8Array },
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const session = h2connect(url, { rejectUnauthorized: false });
    session.once("error", reject);
    const req = session.request({ ":method": "POST", ":path": input.path, ...input.headers });
    req.on("response", (h) => {
      const close = () => {
        req.close();
        session.close();
      };
      req.once("end", () => session.close());
      resolve(stream(Number(h[":status"]), h as SseStream["headers"], req, close));
    });
    req.on("error", reject);
    req.end(Buffer.from(input.body));
  });
}

/** POST with fetch, answered as a stream once the headers arrive. */
export async function fetchSse(url: string, init: RequestInit): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { ...init, method: "POST", signal: abort.signal });
  const body = res.body ?? new ReadableStream<Uint8Array>();
  return stream(
    res.status,
    Object.fromEntries(res.headers),
    body as unknown as AsyncIterable<Uint8Array>,
    () => abort.abort(),
  );
}
