import { eq } from "drizzle-orm";
import { type LocalAccount, privateKeyToAccount } from "viem/accounts";
import type { Address } from "../protocol/types.ts";
import type { Keccak256, SecpBackend, TicketVerifier } from "../protocol/verifier.ts";
import { LivepeerError } from "../wire/errors.ts";
import type { MediaProbe } from "../wire/media.ts";
import type { EdgeConfig } from "./config.ts";
import { type Db, type DbHandle, openDb } from "./db/client.ts";
import { edgeSettings } from "./db/schema/edge.ts";
import { retryBusy } from "./db/tx.ts";
import type { AppDeps, Clock, Keys, Logger } from "./deps.ts";
import type { H2Requester } from "./go-gateway/h2.ts";
import { endIdleStreamSessions } from "./go-gateway/stream-sessions.ts";
import { type ChainLedger, createChainLedger } from "./ledger/chain/ledger.ts";
import { createDevnet } from "./ledger/devnet.ts";
import { LedgerError } from "./ledger/errors.ts";
import { defaultGenesis, type GenesisInput } from "./ledger/genesis.ts";
import type { Ledger } from "./ledger/types.ts";
import { createLogger, type LogLevel } from "./logger.ts";
import { containerMediaProbe } from "./media/container-probe.ts";
import { createMetrics } from "./metrics.ts";
import { createBlobStore } from "./platform/blob-store.ts";
import { h2Request } from "./platform/h2-client.ts";
import { loadWasmKeccak } from "./platform/keccak-wasm.ts";
import { loadFfiSecp } from "./platform/secp-ffi.ts";
import { loadNapiSecp } from "./platform/secp-napi.ts";
import { readSecpWasm } from "./platform/secp-wasm.ts";
import { buildServices, type ServiceOverrides } from "./services/build.ts";
import { syncServiceURIs } from "./services/hosted/service-uri.ts";
import { createIntakeVerifier, type SecpWasm } from "./services/tickets/verifier.ts";

/** AppDeps plus what the entry must release at shutdown. */
export interface EdgeDeps extends AppDeps {
  /** The open database (client and url) behind `db`. */
  dbHandle: DbHandle;
  /** Closes the ledger and the database; idempotent. */
  close(): Promise<void>;
}

export interface BuildOverrides {
  clock?: Clock;
  logger?: Logger;
  logLevel?: LogLevel;
  /** A ledger built by the caller (tests, chain adapters); the edge then does not create one. */
  ledger?: Ledger;
  /** An already-open database; `close()` then leaves it open. */
  dbHandle?: DbHandle;
  /** Apply migrations when opening the database (default true; Workers cannot read them). */
  migrate?: boolean;
  /** The ticket verifier of the payment intake (tests inject one); built from `secpWasm` otherwise. */
  ticketVerifier?: TicketVerifier;
  /**
   * libsecp256k1's wasm, for runtimes that cannot read it from node_modules (Workers import it
   * as a module). Without it the edge reads the file where it can, else verifies in pure JS.
   */
  secpWasm?: SecpWasm;
  /**
   * Native libsecp256k1 for the intake; null keeps it off (the wasm then runs). When not given:
   * the system's library through bun:ffi on Bun, else the secp256k1 package's prebuilt N-API
   * addon (Node, or Bun without the system library).
   */
  secpNative?: SecpBackend<Uint8Array> | null;
  /** The intake verifier's keccak; null keeps the portable JS one. hash-wasm's when not given. */
  keccak?: Keccak256 | null;
  /** How uploads are probed; the spawn-free container-header reader by default (Bun/Node entries pass ffprobe). */
  mediaProbe?: MediaProbe;
  /** Pixel counting of go-livepeer renditions (entries that can spawn ffprobe pass it). */
  pixelCounter?: (bytes: Uint8Array) => Promise<bigint>;
  /** HTTP/2 to go-livepeer orchestrators; node:http2's (loaded on first use) when not given. */
  goHttp?: H2Requester;
  /** Host name resolution for the gateway's destination check (Bun/Node/Deno entries pass it). */
  resolveHost?: (host: string) => Promise<readonly string[]>;
  /** Replacements for parts of the services' state (tests). */
  services?: ServiceOverrides;
  /** Update each hosted orchestrator's service URI on the ledger to the configured one (default true). */
  syncServiceURIs?: boolean;
}

/**
 * Native libsecp256k1 for the ticket verifier, or undefined (said in the log) where none loads.
 * On Bun the system library through bun:ffi comes first (bench/tickets: its recovery ran 1.27×
 * the addon's there), then the secp256k1 package's prebuilt N-API addon, which is also Node's.
 */
async function nativeSecp(logger: Logger): Promise<SecpBackend<Uint8Array> | undefined> {
  const ffi = await loadFfiSecp();
  if ("backend" in ffi) return ffi.backend;
  const napi = await loadNapiSecp();
  if ("backend" in napi) return napi.backend;
  logger.debug("no native libsecp256k1 for the ticket verifier", { reason: `${ffi.why}; ${napi.why}` });
  return undefined;
}

/** hash-wasm's keccak for the ticket verifier, or undefined (the portable JS keccak runs). */
async function fastKeccak(logger: Logger): Promise<Keccak256 | undefined> {
  const r = await loadWasmKeccak();
  if ("keccak" in r) return r.keccak;
  logger.debug("no wasm keccak for the ticket verifier", { reason: r.why });
  return undefined;
}

/**
 * Opens everything the app needs from a parsed config: database (migrated), ledger, keys
 * (hosted orchestrators, gateway sender, the shared ticket secret), clock, logger, metrics and
 * the intake's ticket verifier. Hosted orchestrators' service URIs on the ledger are brought in
 * line with the config (syncServiceURIs).
 *
 * @example
 * const deps = await buildDeps(loadConfig(process.env));
 * const app = createApp(deps);
 */
export async function buildDeps(config: EdgeConfig, overrides: BuildOverrides = {}): Promise<EdgeDeps> {
  const clock = overrides.clock ?? { now: () => Date.now() };
  const logger = overrides.logger ?? createLogger({ level: overrides.logLevel ?? "info" });
  const ownsDb = !overrides.dbHandle;
  const dbHandle =
    overrides.dbHandle ??
    (await openShared(config.database.url, {
      migrate: overrides.migrate ?? true,
      ...(config.database.authToken ? { authToken: config.database.authToken } : {}),
    }));
  let ledger: Ledger | undefined;
  try {
    ledger = overrides.ledger ?? (await createLedger(config, dbHandle, clock, logger));
    const keys = await buildKeys(config, dbHandle.db, clock);
    // A restart on another port or host must not leave gateways calling the old address.
    if (overrides.syncServiceURIs ?? true) await syncServiceURIs({ config, ledger, logger });
    const ticketVerifier =
      overrides.ticketVerifier ??
      createIntakeVerifier({
        native:
          overrides.secpNative === undefined ? await nativeSecp(logger) : (overrides.secpNative ?? undefined),
        wasm: overrides.secpWasm ?? (await readSecpWasm()),
        keccak: overrides.keccak === undefined ? await fastKeccak(logger) : (overrides.keccak ?? undefined),
        logger,
      });
    let closed = false;
    const ownedLedger = overrides.ledger ? undefined : ledger;
    const deps: EdgeDeps = {
      config,
      db: dbHandle.db,
      dbHandle,
      ledger,
      clock,
      keys,
      logger,
      metrics: createMetrics(),
      services: buildServices(config, keys, createBlobStore(config.blobs), overrides.services),
      ticketVerifier,
      mediaProbe: overrides.mediaProbe ?? containerMediaProbe(),
      goHttp: overrides.goHttp ?? h2Request,
      ...(overrides.resolveHost ? { resolveHost: overrides.resolveHost } : {}),
      ...(overrides.pixelCounter ? { pixelCounter: overrides.pixelCounter } : {}),
      async close() {
        if (closed) return;
        closed = true;
        // Pushed streams' go-livepeer sessions end at the orchestrators too.
        await endIdleStreamSessions(deps, { all: true });
        await ownedLedger?.close();
        if (ownsDb) dbHandle.close();
      },
    };
    return deps;
  } catch (err) {
    if (ledger && !overrides.ledger) await ledger.close().catch(() => {});
    if (ownsDb) dbHandle.close();
    throw err;
  }
}

/**
 * openDb, tolerating another edge migrating the same database at the same moment: drizzle's
 * migrator reads the applied list before it writes, so the slower process fails on "already
 * exists"; reopening reads the list again and finds nothing left to apply.
 */
async function openShared(url: string, options: { migrate: boolean; authToken?: string }): Promise<DbHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDb(url, options);
    } catch (err) {
      const raced = /already exists|SQLITE_BUSY|database is locked/i.test(String((err as Error)?.message));
      if (!raced || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.floor(Math.random() * 100)));
    }
  }
}

async function buildKeys(config: EdgeConfig, db: Db, clock: Clock): Promise<Keys> {
  const orchestrators = new Map<Address, LocalAccount>();
  for (const o of config.orchestrators) {
    const account = privateKeyToAccount(o.privateKey);
    const address = account.address.toLowerCase() as Address;
    if (orchestrators.has(address)) {
      throw new LivepeerError("CONFIG_DUPLICATE_ORCHESTRATOR", `orchestrator ${address} is configured twice`);
    }
    orchestrators.set(address, account);
  }
  const rewardCallers = new Map<Address, LocalAccount>();
  for (const [orchestrator, key] of Object.entries(config.rewardCallers)) {
    rewardCallers.set(orchestrator.toLowerCase() as Address, privateKeyToAccount(key));
  }
  const senderKey = config.gateway.senderPrivateKey;
  return {
    orchestrators,
    rewardCallers,
    sender: senderKey ? privateKeyToAccount(senderKey) : undefined,
    ticketSecret: config.ticketSecret ? hexToBytes(config.ticketSecret) : await sharedTicketSecret(db, clock),
  };
}

const TICKET_SECRET_KEY = "ticket_secret";

/**
 * The ticket secret kept in the database: generated by the first edge (CSPRNG) and read by
 * every later one, so all edges on one database derive the same recipientRand.
 */
export async function sharedTicketSecret(db: Db, clock: Clock): Promise<Uint8Array> {
  const fresh = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  await retryBusy(() =>
    db
      .insert(edgeSettings)
      .values({ key: TICKET_SECRET_KEY, value: fresh, createdAt: clock.now() })
      .onConflictDoNothing(),
  );
  const [row] = await db.select().from(edgeSettings).where(eq(edgeSettings.key, TICKET_SECRET_KEY));
  if (!row) throw new LivepeerError("TICKET_SECRET_UNAVAILABLE", "ticket secret could not be stored");
  return hexToBytes(row.value);
}

/**
 * The configured ledger: the devnet on the edge's own database, or the deployed contracts over
 * JSON-RPC (the chain ledger signs with the hosted orchestrators' keys, the reward callers' keys and
 * the gateway's sender key).
 */
export async function createLedger(
  config: EdgeConfig,
  dbHandle: DbHandle,
  clock: Clock,
  logger?: Logger,
): Promise<Ledger> {
  const ledger = config.ledger;
  if (ledger.kind === "chain") return openChain(ledger, config, dbHandle, clock, logger);
  return openDevnet(dbHandle, clock, ledger, config);
}

async function openChain(
  ledger: Extract<EdgeConfig["ledger"], { kind: "chain" }>,
  config: EdgeConfig,
  dbHandle: DbHandle,
  clock: Clock,
  logger: Logger | undefined,
): Promise<Ledger> {
  const keys = [...config.orchestrators.map((o) => o.privateKey), ...Object.values(config.rewardCallers)];
  if (config.gateway.senderPrivateKey) keys.push(config.gateway.senderPrivateKey);
  let chain: ChainLedger;
  try {
    chain = await createChainLedger({
      url: ledger.rpcUrl,
      controller: ledger.controller,
      accounts: keys.map((k) => privateKeyToAccount(k)),
      confirmations: ledger.confirmations,
      pollingIntervalMs: ledger.pollingIntervalMs,
      replaceAfterMs: ledger.replaceAfterMs,
      db: dbHandle.db,
      now: () => clock.now(),
      ...(ledger.fromBlock !== undefined ? { fromBlock: ledger.fromBlock } : {}),
      ...(ledger.maxFeePerGas !== undefined ? { maxFeePerGas: ledger.maxFeePerGas } : {}),
      ...(ledger.maxPriorityFeePerGas !== undefined
        ? { maxPriorityFeePerGas: ledger.maxPriorityFeePerGas }
        : {}),
    });
  } catch (err) {
    if (err instanceof LivepeerError) throw err;
    throw new LedgerError("LEDGER_UNAVAILABLE", `chain RPC ${ledger.rpcUrl}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (ledger.chainId !== undefined && chain.chainId !== ledger.chainId) {
    await chain.close();
    throw new LivepeerError(
      "LEDGER_CHAIN_MISMATCH",
      `RPC ${ledger.rpcUrl} serves chain ${chain.chainId}, configured ${ledger.chainId}`,
    );
  }
  logger?.info("chain ledger", { chainId: chain.chainId, controller: ledger.controller, ...chain.addresses });
  return chain;
}

async function openDevnet(
  dbHandle: DbHandle,
  clock: Clock,
  ledger: Extract<EdgeConfig["ledger"], { kind: "devnet" }>,
  config: EdgeConfig,
): Promise<Ledger> {
  const genesis = ledger.genesisFile
    ? await readGenesisFile(ledger.genesisFile)
    : defaultGenesis({ serviceURI: config.publicUrl ?? `http://${config.host}:${config.port}` });
  return createDevnet({
    url: dbHandle.url,
    handle: dbHandle,
    genesis,
    clock,
    roundSeconds: ledger.roundSeconds,
    blockMs: ledger.blockMs,
  });
}

async function readGenesisFile(path: string): Promise<GenesisInput> {
  // Loaded lazily: runtimes without a file system (Workers) never reach it without a genesisFile.
  const { readFile } = await import("node:fs/promises");
  try {
    return JSON.parse(await readFile(path, "utf8")) as GenesisInput; // createDevnet validates it
  } catch (err) {
    throw new LivepeerError("GENESIS_FILE_INVALID", `cannot load genesis ${path}: ${(err as Error).message}`);
  }
}

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
