// Bun entry (the default): `bun src/edge/entry/bun.ts`. Config from LIVEPEER_CONFIG + environment.
import { readFileSync } from "node:fs";
import { ffprobeMediaProbe } from "../../node-runner/ffmpeg/media-probe.ts";
import { startScheduler } from "../scheduler/tick.ts";
import { resolveHost } from "./dns.ts";
import { reportStartupError, startEdge } from "./start.ts";

const edge = await startEdge(process.env, {
  readFile: (p) => readFileSync(p, "utf8"),
  overrides: { mediaProbe: ffprobeMediaProbe(), resolveHost },
}).catch((err) => {
  reportStartupError(err);
  process.exit(1);
});
const server = Bun.serve({ hostname: edge.config.host, port: edge.config.port, fetch: edge.app.fetch });
edge.listening(`http://${server.hostname}:${server.port}`);
const stopScheduler = startScheduler(edge.deps);

const shutdown = async () => {
  await stopScheduler();
  await server.stop();
  await edge.deps.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
