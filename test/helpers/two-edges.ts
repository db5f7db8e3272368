// Two real edge processes (bun src/edge/entry/bun.ts) on ONE libSQL database file, hosting the same
// orchestrator identities, with their schedulers on: the multi-process setup of issue 4 item 5/8.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EdgeConfigInput } from "../../src/edge/config.ts";
import { type EdgeProcess, startEdgeProcess, tempDir } from "./edge.ts";

export interface TwoEdgesOptions {
  /** Hosted orchestrator private keys (both edges host all of them). */
  orchestratorKeys: `0x${string}`[];
  /** Ticket settings of every hosted orchestrator (decimal strings, as in a config file). */
  ticket?: NonNullable<EdgeConfigInput["orchestrators"]>[number]["ticket"];
  roundSeconds: number;
  blockMs: number;
  schedulerIntervalMs: number;
}

export interface TwoEdges {
  a: EdgeProcess;
  b: EdgeProcess;
  dbUrl: string;
  dir: string;
  /** The config file both processes read (LIVEPEER_CONFIG). */
  configFile: string;
  /** The shared config, for an in-test peer on the same database. */
  config: EdgeConfigInput;
  /** Stops both processes (exit codes), leaves the files. */
  stop(): Promise<(number | null)[]>;
  /** Stops both and removes the temp dir. */
  cleanup(): Promise<void>;
}

/**
 * Writes one config file (orchestrator role, the given identities and ticket settings, devnet in
 * wall-clock mode) and starts two edge processes on it at the same moment, so they also race to
 * migrate and to write the devnet genesis.
 */
export async function startTwoEdges(options: TwoEdgesOptions): Promise<TwoEdges> {
  const tmp = tempDir("edge-two-pay-");
  const dbUrl = `file:${join(tmp.dir, "shared.db")}`;
  const config: EdgeConfigInput = {
    roles: ["orchestrator"],
    database: { url: dbUrl },
    ledger: { kind: "devnet", roundSeconds: options.roundSeconds, blockMs: options.blockMs },
    scheduler: { enabled: true, intervalMs: options.schedulerIntervalMs },
    orchestrators: options.orchestratorKeys.map((privateKey) => ({
      privateKey,
      serviceURI: "http://127.0.0.1:1",
      prices: [{ capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" }],
      ...(options.ticket ? { ticket: options.ticket } : {}),
    })),
  };
  const configFile = join(tmp.dir, "edge.json");
  writeFileSync(configFile, JSON.stringify(config));
  const env = { LIVEPEER_CONFIG: configFile };
  const started = await Promise.allSettled([startEdgeProcess("bun", env), startEdgeProcess("bun", env)]);
  const procs = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.all(procs.map((p) => p.stop()));
    tmp.cleanup();
    throw (failed as PromiseRejectedResult).reason;
  }
  const [a, b] = procs as [EdgeProcess, EdgeProcess];
  const stop = () => Promise.all([a.stop(), b.stop()]);
  return {
    a,
    b,
    dbUrl,
    dir: tmp.dir,
    configFile,
    config,
    stop,
    async cleanup() {
      await stop();
      tmp.cleanup();
    },
  };
}
