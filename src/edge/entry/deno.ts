// Deno entry: `deno run -A src/edge/entry/deno.ts` (add --unstable-cron for Deno.cron; without it
// the scheduler runs on setInterval). npm packages resolve from node_modules.
import { readFileSync } from "node:fs";
import { startScheduler, tick } from "../scheduler/tick.ts";
import { resolveHost } from "./dns.ts";
import { reportStartupError, startEdge } from "./start.ts";

interface DenoApi {
  env: { toObject(): Record<string, string> };
  serve(
    options: {
      hostname: string;
      port: number;
      onListen?: (addr: { hostname: string; port: number }) => void;
    },
    handler: (req: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
  cron?: (name: string, schedule: string, handler: () => Promise<void>) => Promise<void>;
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  exit(code: number): never;
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

const edge = await startEdge(Deno.env.toObject(), {
  readFile: (p) => readFileSync(p, "utf8"),
  overrides: { resolveHost },
}).catch((err): never => {
  reportStartupError(err);
  return Deno.exit(1);
});
const server = Deno.serve(
  {
    hostname: edge.config.host,
    port: edge.config.port,
    onListen: (addr) => edge.listening(`http://${addr.hostname}:${addr.port}`),
  },
  edge.app.fetch,
);
// Deno.cron fires at most once a minute; finer intervals use setInterval.
let stopScheduler = async () => {};
if (
  typeof Deno.cron === "function" &&
  edge.config.scheduler.enabled &&
  edge.config.scheduler.intervalMs >= 60_000
) {
  Deno.cron("livepeer-edge-scheduler", "* * * * *", async () => {
    await tick(edge.deps);
  });
} else {
  stopScheduler = startScheduler(edge.deps);
}

const shutdown = async () => {
  await stopScheduler();
  await server.shutdown();
  await edge.deps.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
