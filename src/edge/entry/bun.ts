// Bun entry (the default): `bun src/edge/entry/bun.ts`. Config from LIVEPEER_CONFIG + environment.
import { readFileSync } from "node:fs";
import { readEnv } from "../../cli/env.ts";
import { ffprobeMediaProbe } from "../../node-runner/ffmpeg/media-probe.ts";
import { ffprobePixelCounter } from "../../node-runner/ffmpeg/pixel-count.ts";
import { EDGE_ENV } from "../env.ts";
import { startScheduler } from "../scheduler/tick.ts";
import { resolveHost } from "./dns.ts";
import { drainable } from "./serve.ts";
import { reportStartupError, startEdge } from "./start.ts";

const edge = await startEdge(process.env, {
  readFile: (p) => readFileSync(p, "utf8"),
  overrides: { mediaProbe: ffprobeMediaProbe(), pixelCounter: ffprobePixelCounter(), resolveHost },
}).catch((err) => {
  reportStartupError(err);
  process.exit(1);
});
const { HTTP_IDLE_TIMEOUT_SEC } = readEnv(EDGE_ENV, process.env);
const gate = drainable((req) => edge.app.fetch(req));
const server = Bun.serve({
  hostname: edge.config.host,
  port: edge.config.port,
  // Never 0: slow headers, trickled bodies and idle keep-alives would hold sockets forever.
  idleTimeout: HTTP_IDLE_TIMEOUT_SEC,
  fetch: gate.fetch,
});
edge.listening(`http://${server.hostname}:${server.port}`);
const stopScheduler = startScheduler(edge.deps);

const shutdown = async () => {
  gate.drain();
  await stopScheduler();
  await server.stop();
  await edge.deps.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
