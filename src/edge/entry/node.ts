// Node entry: `tsx src/edge/entry/node.ts` (or node --experimental-strip-types on Node ≥ 22.6).
import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { ffprobeMediaProbe } from "../../node-runner/ffmpeg/media-probe.ts";
import { ffprobePixelCounter } from "../../node-runner/ffmpeg/pixel-count.ts";
import { startScheduler } from "../scheduler/tick.ts";
import { resolveHost } from "./dns.ts";
import { reportStartupError, startEdge } from "./start.ts";

const edge = await startEdge(process.env, {
  readFile: (p) => readFileSync(p, "utf8"),
  overrides: { mediaProbe: ffprobeMediaProbe(), pixelCounter: ffprobePixelCounter(), resolveHost },
}).catch((err) => {
  reportStartupError(err);
  process.exit(1);
});
const server = serve({ fetch: edge.app.fetch, hostname: edge.config.host, port: edge.config.port }, (info) =>
  edge.listening(`http://${info.address}:${info.port}`),
);
const stopScheduler = startScheduler(edge.deps);

const shutdown = async () => {
  await stopScheduler();
  server.close();
  await edge.deps.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
