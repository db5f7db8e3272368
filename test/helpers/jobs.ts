import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { buildDeps } from "../../src/edge/bootstrap.ts";
import { type EdgeConfigInput, parseConfig } from "../../src/edge/config.ts";
import { type DbHandle, openDb } from "../../src/edge/db/client.ts";
import type { AppDeps, Clock } from "../../src/edge/deps.ts";
import type { Ledger } from "../../src/edge/ledger/types.ts";
import { ffprobeMediaProbe } from "../../src/node-runner/ffmpeg/media-probe.ts";
import type { WireSpec } from "../../src/wire/jobs.ts";

/** An AI job whose one input is the image file named "image". */
export function imageJob(pipeline: string, modelId: string): WireSpec {
  return { kind: "ai", pipeline, modelId, files: { image: "image" }, params: {} };
}

/**
 * The first 24 bytes of a PNG (signature, IHDR length and type, width, height): enough for the
 * edge's header checks, which size an image before a job exists; no pixel data.
 */
export function pngHeaderBytes(width = 1, height = 1): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(24);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const dv = new DataView(b.buffer);
  dv.setUint32(16, width);
  dv.setUint32(20, height);
  return b;
}

export const ORCH_KEY = `0x${"11".repeat(32)}` as const;
export const ORCH_ADDRESS = privateKeyToAccount(ORCH_KEY).address;
export const RUNNER_TOKEN = "runner-token-for-tests-0001";

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * A ledger that refuses every call: the queue, blob and key services never touch the ledger,
 * and this makes a test fail loudly if one starts to.
 */
export function noLedger(): Ledger {
  return new Proxy({ kind: "devnet" } as Ledger, {
    get(target, prop) {
      if (prop === "kind") return target.kind;
      if (prop === "then") return undefined;
      return () => {
        throw new Error(`ledger.${String(prop)} is not available in this suite`);
      };
    },
  });
}

export interface JobsTestEnv {
  deps: AppDeps;
  handle: DbHandle;
  dir: string;
  dbUrl: string;
  close(): void;
}

/** Deps on a fresh libSQL file in a temp dir, with one hosted orchestrator and fs blobs there. */
export async function jobsTestEnv(
  overrides: EdgeConfigInput = {},
  options: { clock?: Clock; dir?: string } = {},
): Promise<JobsTestEnv> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "lp-jobs-"));
  const dbUrl = `file:${join(dir, "edge.db")}`;
  const config = parseConfig({
    database: { url: dbUrl },
    blobs: { kind: "fs", dir: join(dir, "blobs") },
    orchestrators: [{ privateKey: ORCH_KEY, serviceURI: "http://127.0.0.1:1", runnerTokens: [RUNNER_TOKEN] }],
    scheduler: { enabled: false },
    ...overrides,
  });
  const handle = await openDb(dbUrl);
  // The entries' builder, on this database and without a ledger (nothing here may reach it).
  const deps: AppDeps = await buildDeps(config, {
    dbHandle: handle,
    ledger: noLedger(),
    mediaProbe: ffprobeMediaProbe(),
    logLevel: "silent",
    syncServiceURIs: false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    deps,
    handle,
    dir,
    dbUrl,
    close() {
      handle.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
