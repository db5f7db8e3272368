import type { HDAccount } from "viem/accounts";
import { signOrchestratorInfo } from "../../src/edge/services/tickets/info-signature.ts";
import type { OrchestratorInfoJson } from "../../src/wire/orchestrator-info.ts";

// A hostile orchestrator as a real HTTP server on loopback: it relays an honest edge's signed
// info for its identity, re-signed after the test's changes, and answers jobs and outputs as
// the test says. An internal service next to it counts every request it gets.

export interface HostileBehaviour {
  /** Changes made to the honest info before re-signing. */
  info?: (info: OrchestratorInfoJson) => OrchestratorInfoJson;
  /** Answer the info request with this instead (a huge or a slow body). */
  infoBody?: () => ReadableStream<Uint8Array>;
  /** The job answer, given the fee the payment's price implies is unknown to it: the test sets it. */
  job?: (form: FormData) => Record<string, unknown>;
  /** The answer to GET of anything else (outputs). */
  other?: (req: Request) => Response;
}

export interface Hostile {
  url: string;
  behaviour: HostileBehaviour;
  /** Paths requested, in order. */
  requests: string[];
  stop(): void;
}

/** Starts a hostile orchestrator that signs as `account`, relaying `honestUrl`'s info. */
export function startHostile(account: HDAccount, honestUrl: string): Hostile {
  const requests: string[] = [];
  const state: Hostile = { url: "", behaviour: {}, requests, stop: () => server.stop(true) };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      requests.push(`${url.pathname}${url.search}`);
      const b = state.behaviour;
      if (url.pathname === "/v1/orchestrator/info") {
        if (b.infoBody)
          return new Response(b.infoBody(), { headers: { "content-type": "application/json" } });
        const res = await fetch(`${honestUrl}${url.pathname}${url.search}`);
        const honest = (await res.json()) as OrchestratorInfoJson;
        if (!res.ok || !b.info) return Response.json(honest, { status: res.status });
        const { signature: _, ...unsigned } = b.info(honest);
        return Response.json(await signOrchestratorInfo(account, unsigned));
      }
      if (url.pathname === "/v1/orchestrator/jobs" && req.method === "POST" && b.job) {
        return Response.json(b.job(await req.formData()));
      }
      return b.other ? b.other(req) : new Response("not found", { status: 404 });
    },
  });
  state.url = `http://127.0.0.1:${server.port}`;
  return state;
}

/** An internal service the gateway must never reach for a peer: counts requests. */
export function startInternal(): { url: string; port: number; hits: string[]; stop(): void } {
  const hits: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      hits.push(new URL(req.url).pathname);
      return new Response("internal secret", { headers: { "content-type": "text/plain" } });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, port: server.port!, hits, stop: () => server.stop(true) };
}

/** A body of `total` bytes made on demand, counting what was actually pulled. */
export function hugeBody(total: number, counter: { pulled: number }): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

/** A body that sends one byte per `everyMs` and never ends (until cancelled). */
export function slowBody(everyMs: number): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("{"));
      timer = setInterval(() => {
        try {
          controller.enqueue(new TextEncoder().encode(" "));
        } catch {
          clearInterval(timer); // the reader went away
        }
      }, everyMs);
    },
    cancel() {
      clearInterval(timer);
    },
  });
}
