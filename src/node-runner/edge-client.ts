import { open } from "node:fs/promises";
import type { Capabilities } from "../wire/capabilities.ts";
import { type ErrorCode, LivepeerError, problemCode } from "../wire/errors.ts";
import type { LeaseGrant } from "../wire/jobs.ts";

/**
 * An edge call answered with an error: `code` is the problem+json code, or EDGE_HTTP_ERROR when the
 * answer carried none we know; `httpStatus` is the status the edge answered with.
 */
export class EdgeCallError extends LivepeerError {
  readonly httpStatus: number;
  constructor(httpStatus: number, code: ErrorCode, message: string) {
    super(code, message);
    this.name = "EdgeCallError";
    this.httpStatus = httpStatus;
  }
}

export interface EdgeClientOptions {
  edgeUrl: string;
  token: string;
}

/** The runner's HTTP client for the edge's /runner/v1 routes. */
export class EdgeClient {
  readonly base: string;
  readonly #token: string;
  #runnerId: string | undefined;

  constructor(options: EdgeClientOptions) {
    this.base = options.edgeUrl.replace(/\/+$/, "");
    this.#token = options.token;
  }

  get runnerId(): string | undefined {
    return this.#runnerId;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      authorization: `Bearer ${this.#token}`,
      ...(this.#runnerId ? { "x-runner-id": this.#runnerId } : {}),
      ...extra,
    };
  }

  async #call(path: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
    const { timeoutMs = 30_000, signal, ...rest } = init;
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await fetch(`${this.base}${path}`, {
      ...rest,
      headers: { ...this.#headers(), ...(rest.headers as Record<string, string> | undefined) },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) {
      let code: ErrorCode = "EDGE_HTTP_ERROR";
      let detail = res.statusText;
      try {
        const p = (await res.json()) as { detail?: unknown };
        code = problemCode(p) ?? code;
        if (typeof p.detail === "string") detail = p.detail;
      } catch {
        // not problem+json
      }
      throw new EdgeCallError(res.status, code, `${path}: ${res.status} ${code}: ${detail}`);
    }
    return res;
  }

  #json(path: string, body: unknown, init: RequestInit & { timeoutMs?: number } = {}) {
    return this.#call(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
      ...init,
    });
  }

  async register(
    capabilities: Capabilities,
  ): Promise<{ runnerId: string; orchestrator: string; leaseMs: number }> {
    const res = await this.#json("/runner/v1/register", capabilities);
    const body = (await res.json()) as { runnerId: string; orchestrator: string; leaseMs: number };
    this.#runnerId = body.runnerId;
    return body;
  }

  /**
   * Long-polls for a lease; null when none came within waitMs. `loaded` (per registered model, in
   * registration order) tells the edge which models are loaded now.
   */
  async lease(waitMs: number, signal?: AbortSignal, loaded?: readonly boolean[]): Promise<LeaseGrant | null> {
    const which = loaded ? `&loaded=${loaded.flatMap((l, i) => (l ? [i] : [])).join(",")}` : "";
    const res = await this.#call(`/runner/v1/lease?waitMs=${waitMs}${which}`, {
      method: "POST",
      timeoutMs: waitMs + 15_000,
      ...(signal ? { signal } : {}),
    });
    if (res.status === 204) return null;
    return (await res.json()) as LeaseGrant;
  }

  async download(url: string, signal?: AbortSignal): Promise<Uint8Array> {
    const res = await this.#call(url, { timeoutMs: 120_000, ...(signal ? { signal } : {}) });
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Streams an input into the file at `path` as it arrives (never whole in memory). */
  async downloadTo(url: string, path: string, signal?: AbortSignal): Promise<void> {
    const res = await this.#call(url, { timeoutMs: 120_000, ...(signal ? { signal } : {}) });
    const file = await open(path, "w");
    try {
      const reader = res.body?.getReader();
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        await file.write(chunk.value);
      }
    } finally {
      await file.close();
    }
  }

  #attempt(grant: { jobId: string; attempt: number }, verb: string): string {
    return `/runner/v1/jobs/${encodeURIComponent(grant.jobId)}/attempts/${grant.attempt}/${verb}`;
  }

  async heartbeat(
    grant: { jobId: string; attempt: number },
    progress?: number,
    note?: string,
  ): Promise<{ leaseExpiresAt: number }> {
    const body: Record<string, unknown> = {};
    if (progress !== undefined) body.progress = progress;
    if (note !== undefined) body.note = note;
    const res = await this.#json(this.#attempt(grant, "heartbeat"), body, { timeoutMs: 10_000 });
    return (await res.json()) as { leaseExpiresAt: number };
  }

  /** Live events of the attempt from index `from` on; the edge answers how many it holds. */
  async events(
    grant: { jobId: string; attempt: number },
    from: number,
    events: readonly unknown[],
  ): Promise<{ received: number }> {
    const res = await this.#json(this.#attempt(grant, "events"), { from, events }, { timeoutMs: 10_000 });
    return (await res.json()) as { received: number };
  }

  /** Uploads one output; a Blob (fs.openAsBlob) is streamed from its file with its length. */
  async upload(
    grant: { jobId: string; attempt: number },
    name: string,
    bytes: Uint8Array | Blob,
    meta: { contentType: string; width?: number; height?: number; durationSec?: number },
  ): Promise<void> {
    const headers: Record<string, string> = { "content-type": meta.contentType };
    if (meta.width !== undefined) headers["x-output-width"] = String(meta.width);
    if (meta.height !== undefined) headers["x-output-height"] = String(meta.height);
    if (meta.durationSec !== undefined) headers["x-output-duration"] = String(meta.durationSec);
    await this.#call(this.#attempt(grant, `outputs/${encodeURIComponent(name)}`), {
      method: "PUT",
      body: bytes as Uint8Array<ArrayBuffer> | Blob,
      headers,
      timeoutMs: 120_000,
    });
  }

  async complete(
    grant: { jobId: string; attempt: number },
    result: { engine: string; units: string; data?: unknown; timings: Record<string, number> },
  ): Promise<{ duplicate: boolean }> {
    const res = await this.#json(this.#attempt(grant, "complete"), result);
    return (await res.json()) as { duplicate: boolean };
  }

  async fail(
    grant: { jobId: string; attempt: number },
    error: { error: string; code?: ErrorCode; retryable: boolean },
  ): Promise<void> {
    await this.#json(this.#attempt(grant, "fail"), error);
  }

  async release(grant: { jobId: string; attempt: number }): Promise<void> {
    await this.#call(this.#attempt(grant, "release"), { method: "POST", timeoutMs: 10_000 });
  }
}
