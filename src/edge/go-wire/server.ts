import { createServer as createHttp1Server } from "node:http";
import { createServer as createH2cServer, createSecureServer } from "node:http2";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Address } from "../../protocol/types.ts";
import type { AppDeps } from "../deps.ts";
import { METRIC } from "../metrics.ts";
import { handleAi, isAiRoute } from "./ai.ts";
import { selfSignedCertificate } from "./cert.ts";
import { type GoWireContext, goWireContext, type PixelCounter } from "./context.ts";
import { orchestratorRoutes } from "./grpc.ts";
import { BodyTooLarge, type NodeRequest, type NodeResponse, sendGoError } from "./http.ts";
import { handlePayment } from "./payment-route.ts";
import { handleSegment } from "./segment.ts";
import { handleStream } from "./stream.ts";

export interface GoWireServerOptions {
  deps: AppDeps;
  /** The hosted identity this listener speaks for; the first hosted one when absent. */
  orchestrator?: Address | undefined;
  /**
   * Where go-livepeer gateways reach it: https:// serves TLS (a fresh self-signed certificate,
   * ALPN h2 and http/1.1), http:// serves h2c and HTTP/1.1 in clear. Port 0 picks a free port.
   */
  serviceUri: string;
  /** Host to bind; the service URI's host when absent. */
  listenHost?: string | undefined;
  countPixels: PixelCounter;
}

export interface GoWireServer {
  /** The service URI with the bound port. */
  url: string;
  context: GoWireContext;
  close(): Promise<void>;
}

type Route = (ctx: GoWireContext, req: NodeRequest, res: NodeResponse) => Promise<void>;

function route(method: string | undefined, path: string): Route | null {
  if (method === "POST" && path === "/segment") return handleSegment;
  if (method === "POST" && path === "/payment") return handlePayment;
  if (method === "POST" && isAiRoute(path)) return handleAi;
  if ((method === "GET" || method === "HEAD") && path.startsWith("/stream/")) return handleStream;
  return null;
}

/**
 * One listener for go-livepeer gateways: gRPC net.Orchestrator (HTTP/2 with an application/grpc
 * content type) and the plain routes (/segment, /payment, the AI routes, /stream/) on the same
 * port, as go-livepeer's orchestrator serves them.
 */
export async function startGoWireServer(options: GoWireServerOptions): Promise<GoWireServer> {
  const uri = new URL(options.serviceUri);
  const tls = uri.protocol === "https:";
  if (!tls && uri.protocol !== "http:")
    throw new Error(`service URI must be https:// or http://: ${options.serviceUri}`);
  const host = options.listenHost ?? uri.hostname.replace(/^\[|\]$/g, "");
  const handler = (ctx: GoWireContext) =>
    connectNodeAdapter({
      routes: orchestratorRoutes(ctx),
      grpc: true,
      connect: false,
      grpcWeb: false,
      fallback(req, res) {
        const path = new URL(req.url ?? "/", "http://x").pathname;
        const r = route(req.method, path);
        if (!r) return sendGoError(res, 404, "404 page not found");
        // The route's first path segment: segment, payment, stream, or the AI pipeline.
        const name = path.split("/")[1] ?? "";
        ctx.deps.metrics.inc(METRIC.goWireRequests, { method: `${req.method} /${name}` });
        r(ctx, req, res).catch((err: unknown) => {
          if (err instanceof BodyTooLarge) return sendGoError(res, 413, err.message);
          ctx.deps.logger.warn("go-wire: request failed", { path, error: String(err) });
          sendGoError(res, 500, "internal error");
        });
      },
    });
  // The context needs the bound port; no request arrives before it is set.
  const context = { current: null as GoWireContext | null, handle: null as NodeHandlerFn | null };
  const listener: NodeHandlerFn = (req, res) => {
    if (context.handle) context.handle(req, res);
    else sendGoError(res, 503, "starting");
  };
  const { server, sockets } = tls ? tlsServer(host, listener) : clearServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(uri.port || (tls ? 443 : 80)), host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  uri.port = String(port);
  const url = uri.toString().replace(/\/+$/, "");
  context.current = goWireContext({ ...options, serviceUri: url });
  context.handle = handler(context.current);
  return {
    url,
    context: context.current,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open keep-alive connections and HTTP/2 sessions would hold close() forever.
        for (const s of sockets) s.destroy();
      }),
  };
}

type Listener = NodeHandlerFn;
type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

function tracked(server: NetServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  return sockets;
}

/** TLS with ALPN h2 and http/1.1 (go result downloads are HTTP/1.1). */
function tlsServer(host: string, listener: Listener): { server: NetServer; sockets: Set<Socket> } {
  const server = createSecureServer(
    { ...selfSignedCertificate(host), allowHTTP1: true, ALPNProtocols: ["h2", "http/1.1"] },
    listener,
  );
  return { server, sockets: tracked(server) };
}

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n");

/**
 * Clear text: h2c with prior knowledge (gRPC and go's segment client) and HTTP/1.1 (downloads) on
 * one port, told apart by the HTTP/2 connection preface.
 */
function clearServer(listener: Listener): { server: NetServer; sockets: Set<Socket> } {
  const h2 = createH2cServer(listener);
  const h1 = createHttp1Server(listener);
  const server = createNetServer((socket) => {
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 = first
        .subarray(0, H2_PREFACE.length)
        .equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)));
      (isH2 ? h2 : h1).emit("connection", socket);
      socket.resume();
    });
  });
  return { server, sockets: tracked(server) };
}
