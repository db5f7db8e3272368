import { CliError } from "./errors.ts";

/** A problem+json answer of the edge, as one line. */
function problemLine(status: number, body: unknown): string {
  const p = (body ?? {}) as { code?: string; title?: string; detail?: string };
  return `${p.code ?? `HTTP ${status}`}: ${p.detail ?? p.title ?? "request failed"}`;
}

/** The edge's HTTP API: JSON in and out, problem+json turned into a CliError. */
export class EdgeClient {
  constructor(
    readonly base: string,
    private readonly apiKey?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}`, ...extra } : extra;
  }

  async request<T>(path: string, init: RequestInit = {}, what = path): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        ...init,
        headers: this.headers(init.headers as Record<string, string> | undefined),
      });
    } catch (err) {
      throw new CliError(
        `cannot reach the edge at ${this.base} (${(err as Error).message}); set LPX_EDGE_URL`,
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      throw new CliError(`${what}: the edge answered ${res.status} with non-JSON`);
    }
    if (!res.ok && res.status !== 202)
      throw new CliError(`${what} refused: ${problemLine(res.status, body)}`);
    return { status: res.status, body: body as T };
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>(path).then((r) => r.body);
  }

  post<T>(path: string, json: unknown, what?: string): Promise<T> {
    return this.request<T>(
      path,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) },
      what,
    ).then((r) => r.body);
  }
}
