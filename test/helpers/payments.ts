// Test rig for the payments area: a real devnet on a fresh libSQL file, edges built with the real
// bootstrap, served over loopback HTTP on port 0.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { HDAccount } from "viem/accounts";
import { createApp } from "../../src/edge/app.ts";
import { buildDeps, type EdgeDeps } from "../../src/edge/bootstrap.ts";
import { type EdgeConfigInput, parseConfig } from "../../src/edge/config.ts";
import { type DbHandle, openDb } from "../../src/edge/db/client.ts";
import * as schema from "../../src/edge/db/schema/index.ts";
import type { Clock, HonoEnv } from "../../src/edge/deps.ts";
import { createDevnet, type Devnet } from "../../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, deriveAccounts, type GenesisInput } from "../../src/edge/ledger/genesis.ts";
import type { Ledger } from "../../src/edge/ledger/types.ts";
import { createLogger } from "../../src/edge/logger.ts";
import { bytesToHex } from "../../src/protocol/bytes.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { type ChainWorld, startChainWorld } from "./contracts/chain-world.ts";
import { LOOPBACK } from "./edge.ts";
import type { LedgerKind } from "./ledgers.ts";

/**
 * Roles of the derived accounts: 0 the gateway's sender (deposit and reserve); 1, 2, 3 active
 * orchestrators (stake 3:2:1); 4 a sender with reserve only; 5 a sender with deposit only;
 * 6 a sender that starts an unlock; 7 a sender with a small deposit and reserve; 8 unfunded.
 */
export const ACCOUNTS: HDAccount[] = deriveAccounts(DEFAULT_MNEMONIC, 9);
export const GATEWAY = ACCOUNTS[0]!;
export const ORCHS = [ACCOUNTS[1]!, ACCOUNTS[2]!, ACCOUNTS[3]!];
export const NO_DEPOSIT = ACCOUNTS[4]!;
export const NO_RESERVE = ACCOUNTS[5]!;
export const UNLOCKING = ACCOUNTS[6]!;
export const SMALL_FUNDS = ACCOUNTS[7]!;

export const ETHER = 10n ** 18n;
/** Blocks per devnet round in these suites. */
export const ROUND_LENGTH = 20n;

export const addressOf = (a: HDAccount) => a.address.toLowerCase() as Address;
export const keyOf = (a: HDAccount) => bytesToHex(a.getHdKey().privateKey!) as Hex;

/** Genesis: three active orchestrators and the funded senders above; round 2 initialized. */
export function paymentsGenesis(): GenesisInput {
  const acct = (i: number) => ({ account: i });
  const lpt = (n: bigint) => (n * ETHER).toString();
  return {
    mnemonic: DEFAULT_MNEMONIC,
    params: {
      numActiveTranscoders: "3",
      unbondingPeriod: "2",
      roundLength: ROUND_LENGTH.toString(),
      roundLockAmount: "100000",
      inflation: "560500",
      inflationChange: "500",
      targetBondingRate: "500000000",
      treasuryRewardCutRate: "0",
      treasuryBalanceCeiling: "0",
      ticketValidityPeriod: "2",
      unlockPeriod: "2",
    },
    accounts: ACCOUNTS.map(() => ({ lpt: lpt(1_000_000n), eth: lpt(1_000n) })),
    actions: [
      ...[1, 2, 3].flatMap((i) => [
        { method: "bond" as const, caller: acct(i), args: [lpt(BigInt(4 - i) * 100_000n), acct(i)] },
        { method: "transcoder" as const, caller: acct(i), args: ["100000", "500000"] },
        { method: "setServiceURI" as const, caller: acct(i), args: ["http://127.0.0.1:1"] },
      ]),
      { method: "fundDepositAndReserve" as const, caller: acct(0), args: [lpt(10n), lpt(10n)] },
      { method: "fundReserve" as const, caller: acct(4), args: [lpt(1n)] },
      { method: "fundDeposit" as const, caller: acct(5), args: [lpt(1n)] },
      { method: "fundDepositAndReserve" as const, caller: acct(6), args: [lpt(1n), lpt(1n)] },
      { method: "fundDepositAndReserve" as const, caller: acct(7), args: ["1000", "300"] },
      { method: "advanceRound" as const, args: [] },
      { method: "initializeRound" as const, caller: acct(0), args: [] },
    ],
  };
}

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

/** Ticket settings: face value = redeemGas × gasPrice × multiplier; EV per ticket. */
export interface TicketSettings {
  ev?: bigint;
  faceValue?: bigint;
  expiryBlocks?: bigint;
  creditLimit?: bigint;
}

export interface EdgeOptions {
  /** Indices into ORCHS hosted by this edge (default all three). */
  host?: number[];
  ticket?: TicketSettings;
  prices?: { capability: string; modelId?: string; pricePerUnit: bigint; pixelsPerUnit?: bigint }[];
  gateway?: EdgeConfigInput["gateway"];
  /** Gateway sender key (default GATEWAY's). */
  sender?: HDAccount | null;
  /** Filesystem blob store directory (default: the config's default). */
  blobsDir?: string;
  jobs?: EdgeConfigInput["jobs"];
  /** Runner tokens every hosted orchestrator accepts (none by default). */
  runnerTokens?: string[];
}

export interface Edge {
  deps: EdgeDeps;
  app: OpenAPIHono<HonoEnv>;
  url: string;
  stop(): Promise<void>;
}

export interface PaymentsNet {
  kind: LedgerKind;
  dir: string;
  dbUrl: string;
  clock: Clock & { advance(ms: number): void };
  /** The devnet of the first handle (what the test drives); devnet-only, throws on the chain. */
  devnet: Devnet;
  /** What the test drives on either ledger: signs for every account. */
  ledger: Ledger;
  /** To the first block of the next round (not initialized); returns that round. */
  advanceRound(): Promise<bigint>;
  /** Forward n blocks; returns the new block number. */
  advanceBlocks(n: bigint): Promise<bigint>;
  /** The real contracts on anvil (chain only). */
  chain?: ChainWorld;
  /** Starts an edge on its own database connection and devnet instance (as another process would). */
  startEdge(options?: EdgeOptions): Promise<Edge>;
  /** Points the orchestrators' service URIs at `url` on the ledger. */
  setServiceURIs(url: string, which?: number[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * O0 hosted with `prices` on one edge (blobs under the net's dir) and a gateway edge hosting
 * none; O1 and O2 advertise an address where nothing listens, so discovery finds only O0.
 */
export async function orchestratorAndGateway(
  net: PaymentsNet,
  prices: NonNullable<EdgeOptions["prices"]>,
  models: readonly RunnerModel[] = [],
): Promise<{ orch: Edge; gateway: Edge }> {
  const runnerTokens = [ORCH_RUNNER_TOKEN];
  const orch = await net.startEdge({ host: [0], prices, blobsDir: join(net.dir, "blobs"), runnerTokens });
  if (models.length > 0) await registerRunner(orch, models);
  const gateway = await net.startEdge({ host: [] });
  await net.setServiceURIs(orch.url, [0]);
  await net.setServiceURIs("http://127.0.0.1:9", [1, 2]);
  return { orch, gateway };
}

/** The runner token orchestratorAndGateway's orchestrator accepts. */
export const ORCH_RUNNER_TOKEN = "payments-net-runner-token-1";

export interface RunnerModel {
  pipeline: string;
  modelId: string;
}

/**
 * Registers a runner serving `models` (it never leases): a configured price alone advertises no
 * AI pipeline, so a test that buys one needs a runner that registered its model. It stays live
 * for RUNNER_LIVE_MS of the net's clock.
 */
export async function registerRunner(
  orch: Edge,
  models: readonly RunnerModel[],
  token = ORCH_RUNNER_TOKEN,
): Promise<void> {
  const res = await orch.app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: models.map((m) => ({ ...m, warm: true })),
      capabilities: [...new Set(models.map((m) => m.pipeline))],
      capacity: 1,
    }),
  });
  if (res.status !== 200) throw new Error(`runner registration: ${res.status} ${await res.text()}`);
}

/**
 * Another connection pool on the (already migrated) database, with busy timeout 0. libSQL runs
 * statements synchronously, so in ONE process a connection waiting on the busy handler would
 * block the event loop while the lock holder waits for its next turn: a deadlock until the
 * timeout. With 0 the writer gets SQLITE_BUSY at once and the code's retry-with-jitter runs.
 */
function openPeer(url: string): DbHandle {
  const client = createClient({ url, timeout: 0 });
  const db = drizzle(client, { schema });
  return { url, client, db, close: () => client.close() };
}

/**
 * The payments genesis on a temp libSQL file: on a devnet there (default), or on the real contracts
 * on anvil (`ledger: "chain"`; edges then keep only their own tables in the file). Call close() in
 * afterAll.
 */
export async function paymentsNet(options: { ledger?: LedgerKind } = {}): Promise<PaymentsNet> {
  const kind = options.ledger ?? "devnet";
  const dir = mkdtempSync(join(tmpdir(), "lp-payments-"));
  const dbUrl = `file:${join(dir, "edge.db")}`;
  const clock = manualClock();
  (await openDb(dbUrl)).close(); // creates the file and applies the migrations
  const handle = openPeer(dbUrl);
  const chain = kind === "chain" ? await startChainWorld(paymentsGenesis()) : undefined;
  const devnet = chain
    ? undefined
    : await createDevnet({ url: dbUrl, handle, genesis: paymentsGenesis(), clock });
  const ledger: Ledger = chain ? chain.ledger : devnet!;
  const opened: { handle: DbHandle; ledger: Ledger; server: ReturnType<typeof Bun.serve> }[] = [];

  async function startEdge(options: EdgeOptions = {}): Promise<Edge> {
    const t = options.ticket ?? {};
    const faceValue = t.faceValue ?? 1_000_000n;
    const config = parseConfig({
      database: { url: dbUrl },
      ledger: { kind: "devnet", roundSeconds: 0 },
      scheduler: { enabled: false },
      orchestrators: (options.host ?? [0, 1, 2]).map((i) => ({
        privateKey: keyOf(ORCHS[i]!),
        serviceURI: "http://127.0.0.1:1",
        ...(options.runnerTokens ? { runnerTokens: options.runnerTokens } : {}),
        prices: (options.prices ?? [{ capability: "transcode", pricePerUnit: 3n, pixelsPerUnit: 2n }]).map(
          (p) => ({
            capability: p.capability,
            ...(p.modelId ? { modelId: p.modelId } : {}),
            pricePerUnit: p.pricePerUnit.toString(),
            pixelsPerUnit: (p.pixelsPerUnit ?? 1n).toString(),
          }),
        ),
        ticket: {
          redeemGas: "1",
          gasPrice: faceValue.toString(),
          faceValueMultiplier: "1",
          ev: (t.ev ?? 1000n).toString(),
          expiryBlocks: (t.expiryBlocks ?? 10n).toString(),
          ...(t.creditLimit === undefined ? {} : { creditLimit: t.creditLimit.toString() }),
        },
      })),
      gateway: {
        outbound: { allowPrivate: LOOPBACK },
        ...(options.sender === null ? {} : { senderPrivateKey: keyOf(options.sender ?? GATEWAY) }),
        ...options.gateway,
      },
      ...(options.blobsDir ? { blobs: { kind: "fs" as const, dir: options.blobsDir } } : {}),
      ...(options.jobs ? { jobs: options.jobs } : {}),
    });
    const edgeHandle = openPeer(dbUrl);
    // Its own ledger instance, as another process would have: on the chain it signs with the
    // edge's own keys (hosted orchestrators and sender) and keeps its event cursor in the file.
    const edgeLedger: Ledger = chain
      ? await chain.open({
          accounts: [
            ...(options.host ?? [0, 1, 2]).map((i) => ORCHS[i]!),
            ...(options.sender === null ? [] : [options.sender ?? GATEWAY]),
          ],
          db: edgeHandle.db,
        })
      : await createDevnet({ url: dbUrl, handle: edgeHandle, genesis: paymentsGenesis(), clock });
    const deps = await buildDeps(config, {
      ledger: edgeLedger,
      dbHandle: edgeHandle,
      clock,
      logger: createLogger({ level: "silent" }),
    });
    const app = createApp(deps);
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
    opened.push({ handle: edgeHandle, ledger: edgeLedger, server });
    return {
      deps,
      app,
      url: `http://127.0.0.1:${server.port}`,
      async stop() {
        server.stop(true);
      },
    };
  }

  return {
    kind,
    dir,
    dbUrl,
    clock,
    get devnet(): Devnet {
      if (!devnet) throw new Error("net.devnet is devnet-only: use net.ledger on the chain");
      return devnet;
    },
    ledger,
    ...(chain ? { chain } : {}),
    advanceRound: () => (chain ? chain.advanceRound() : devnet!.advanceRound()),
    advanceBlocks: (n) => (chain ? chain.advanceBlocks(n) : devnet!.advanceBlocks(n)),
    startEdge,
    async setServiceURIs(url, which = [0, 1, 2]) {
      for (const i of which) await ledger.setServiceURI(addressOf(ORCHS[i]!), url);
    },
    async close() {
      for (const o of opened) {
        o.server.stop(true);
        await o.ledger.close();
        o.handle.close();
      }
      await ledger.close();
      await chain?.close();
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
