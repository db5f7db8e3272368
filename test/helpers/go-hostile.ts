import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { AppDeps } from "../../src/edge/deps.ts";
import { handleAi, isAiRoute } from "../../src/edge/go-wire/ai.ts";
import { goWireContext } from "../../src/edge/go-wire/context.ts";
import { orchestratorRoutes } from "../../src/edge/go-wire/grpc.ts";
import { readBody, sendGoError } from "../../src/edge/go-wire/http.ts";
import { handleSegment } from "../../src/edge/go-wire/segment.ts";
import { handleStream } from "../../src/edge/go-wire/stream.ts";
import { ffprobePixelCounter } from "../../src/node-runner/ffmpeg/pixel-count.ts";

// A go-wire orchestrator (h2c) in front of a real orchestrator edge's deps that answers the paid
// routes (/segment, the AI routes) with go-livepeer's exact error texts when the test says so,
// and otherwise serves them for real: its GetOrchestrator names it as the transcoder, so the
// gateway's retries come back to it.

export interface GoHostile {
  url: string;
  /** Answer for the n-th paid request (1-based), or null to serve it for real. */
  answer: (n: number, path: string) => { status: number; text: string } | null;
  /** Paid requests seen, in order, with the status each got. */
  seen: { path: string; status: number | "served" }[];
  stop(): Promise<void>;
}

export async function startGoHostile(deps: AppDeps): Promise<GoHostile> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx = goWireContext({ deps, serviceUri: url, countPixels: ffprobePixelCounter() });
  const state: GoHostile = {
    url,
    answer: () => null,
    seen: [],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const handler = connectNodeAdapter({
    routes: orchestratorRoutes(ctx),
    grpc: true,
    connect: false,
    grpcWeb: false,
    fallback(req, res) {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const serve = async () => {
        if (req.method === "GET" && path.startsWith("/stream/")) return handleStream(ctx, req, res);
        const paid = req.method === "POST" && (path === "/segment" || isAiRoute(path));
        if (!paid) return sendGoError(res, 404, "404 page not found");
        const scripted = state.answer(state.seen.length + 1, path);
        if (scripted) {
          await readBody(req);
          state.seen.push({ path, status: scripted.status });
          return sendGoError(res, scripted.status, scripted.text);
        }
        state.seen.push({ path, status: "served" });
        return path === "/segment" ? handleSegment(ctx, req, res) : handleAi(ctx, req, res);
      };
      serve().catch((err: unknown) => sendGoError(res, 500, String(err)));
    },
  });
  server.on("request", handler);
  return state;
}
