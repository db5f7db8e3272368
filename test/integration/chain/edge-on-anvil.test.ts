// LEDGER=chain end to end: the real protocol deployed on anvil from the compiled artifacts, an edge
// booted on it through the ordinary bootstrap, its scheduler initializing the round and calling
// reward() for a hosted orchestrator, and a gateway's winning ticket redeemed at the TicketBroker.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getAddress, http, maxUint256 } from "viem";
import { createApp } from "../../../src/edge/app.ts";
import { buildDeps, type EdgeDeps } from "../../../src/edge/bootstrap.ts";
import { parseConfig } from "../../../src/edge/config.ts";
import { chainCursors } from "../../../src/edge/db/schema/chain.ts";
import {
  ARBITRUM_PARAMS,
  type DeployedProtocol,
  deployProtocol,
} from "../../../src/edge/ledger/chain/deploy.ts";
import { type ChainLedger, createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../../../src/edge/ledger/genesis.ts";
import { createLogger } from "../../../src/edge/logger.ts";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { bytesToHex } from "../../../src/protocol/bytes.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { getInfo, sendTickets } from "../../../src/wire/orchestrator-client.ts";
import { type Anvil, startAnvil } from "../../helpers/contracts/anvil.ts";
import { artifactsMissing, loadArtifacts, titleWithSkipReason } from "../../helpers/contracts/artifacts.ts";
import { LOOPBACK, tempDir } from "../../helpers/edge.ts";

const missing = artifactsMissing();
if (missing) console.warn(`LEDGER=chain edge test skipped: ${missing}`);

const LPT = 10n ** 18n;
const ROUND_LENGTH = 20n;
const FACE = 10n ** 15n;
const accounts = deriveAccounts(DEFAULT_MNEMONIC, 3);
const ORCH = accounts[1]!;
const SENDER = accounts[2]!;
const orch = ORCH.address.toLowerCase() as Address;
const sender = SENDER.address.toLowerCase() as Address;
const keyOf = (i: number) => bytesToHex(accounts[i]!.getHdKey().privateKey!) as Hex;

let anvil: Anvil;
let deployed: DeployedProtocol;
/** The test's own view of the chain, signing through anvil's unlocked accounts. */
let setup: ChainLedger;
let deps: EdgeDeps;
let server: ReturnType<typeof Bun.serve>;
const tmp = tempDir("chain-edge-");

async function nextRound(): Promise<void> {
  const latest = await anvil.blockNumber();
  await anvil.mine(ROUND_LENGTH - (latest % ROUND_LENGTH));
}

describe.skipIf(missing !== undefined)(
  titleWithSkipReason("an edge on LEDGER=chain (real contracts on anvil)"),
  () => {
    beforeAll(async () => {
      anvil = await startAnvil({ accounts: 3 });
      deployed = await deployProtocol(
        loadArtifacts(),
        anvil.wallet(0),
        anvil.client,
        { ...ARBITRUM_PARAMS, roundLength: ROUND_LENGTH, numActiveTranscoders: 10n, unbondingPeriod: 2n },
        [{ address: orch, lpt: 1000n * LPT }],
      );
      setup = await createChainLedger({
        transport: http(anvil.url, { retryCount: 0 }),
        chain: anvil.chain,
        controller: deployed.addresses.Controller,
        accounts: [accounts[0]!, ORCH, SENDER].map(
          (a) => ({ address: a.address, type: "json-rpc" }) as const,
        ),
        pollingIntervalMs: 10,
      });
      // The orchestrator registers in this round and is active from the next one.
      await nextRound();
      await setup.initializeRound(accounts[0]!.address.toLowerCase() as Address);
      const hash = await anvil.wallet(1).writeContract({
        address: deployed.addresses.LivepeerToken,
        abi: deployed.abis.LivepeerToken,
        functionName: "approve",
        args: [deployed.addresses.BondingManager, maxUint256],
      } as never);
      await anvil.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      await setup.bond(orch, 500n * LPT, orch);
      await setup.transcoder(orch, 500_000n, 500_000n);
      await setup.fundDepositAndReserve(sender, 10n * FACE, 10n * FACE);
      await nextRound();

      const config = parseConfig({
        database: { url: `file:${join(tmp.dir, "edge.db")}` },
        ledger: {
          kind: "chain",
          rpcUrl: anvil.url,
          chainId: 31337,
          controller: deployed.addresses.Controller,
          pollingIntervalMs: 20,
        },
        scheduler: { enabled: false },
        orchestrators: [
          {
            privateKey: keyOf(1),
            serviceURI: "http://127.0.0.1:1",
            prices: [{ capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" }],
            // EV = face value: every ticket wins.
            ticket: {
              redeemGas: "1",
              gasPrice: FACE.toString(),
              faceValueMultiplier: "1",
              ev: FACE.toString(),
              expiryBlocks: "3",
            },
          },
        ],
        gateway: { outbound: { allowPrivate: LOOPBACK }, senderPrivateKey: keyOf(2) },
      });
      deps = await buildDeps(config, { logLevel: "silent" });
      server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: createApp(deps).fetch });
    }, 300_000);

    afterAll(async () => {
      server?.stop(true);
      await deps?.close();
      await setup?.close();
      await anvil?.stop();
      tmp.cleanup();
    });

    test("boots on the Controller's contracts and signs on the RPC's chain id", () => {
      expect(deps.ledger.kind).toBe("chain");
      expect(deps.ledger.chainId).toBe(31337);
      expect((deps.ledger as ChainLedger).addresses.TicketBroker.toLowerCase()).toBe(
        deployed.addresses.TicketBroker.toLowerCase(),
      );
    });

    test("on start the chain id and every contract address are checked, then logged", async () => {
      const start = async (ledger: Record<string, unknown>, sink?: (line: string) => void) => {
        const t = tempDir("chain-start-");
        try {
          const config = parseConfig({
            database: { url: `file:${join(t.dir, "edge.db")}` },
            ledger: { kind: "chain", rpcUrl: anvil.url, pollingIntervalMs: 20, ...ledger },
            scheduler: { enabled: false },
          });
          const d = await buildDeps(config, {
            ...(sink ? { logger: createLogger({ level: "info", sink }) } : { logLevel: "silent" }),
          });
          await d.close();
        } finally {
          t.cleanup();
        }
      };
      const controller = deployed.addresses.Controller;
      await expect(start({ chainId: 42161, controller })).rejects.toMatchObject({
        code: "LEDGER_CHAIN_MISMATCH",
      });
      // An address without code (an account, or a Controller of another chain).
      await expect(start({ chainId: 31337, controller: sender })).rejects.toMatchObject({
        code: "LEDGER_UNAVAILABLE",
        message: expect.stringContaining(`no contract at the Controller address ${sender}`),
      });
      const lines: string[] = [];
      await start({ chainId: 31337, controller }, (l) => lines.push(l));
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "chain ledger");
      expect(logged).toMatchObject({
        chainId: 31337,
        controller,
        TicketBroker: getAddress(deployed.addresses.TicketBroker),
        BondingManager: getAddress(deployed.addresses.BondingManager),
        RoundsManager: getAddress(deployed.addresses.RoundsManager),
      });
    }, 120_000);

    test("the scheduler initializes the round and calls reward() once for the hosted orchestrator", async () => {
      expect(await setup.currentRoundInitialized()).toBe(false);
      const first = await tick(deps);
      const round = await setup.currentRound();
      expect(first.errors).toEqual([]);
      expect(first.initialized).toBe(round);
      expect(first.rewards).toHaveLength(1);
      expect(first.rewards[0]).toMatchObject({ orchestrator: orch, round, status: "succeeded" });
      expect(first.rewards[0]!.amount).toBeGreaterThan(0n);
      // Read straight from the BondingManager: the contract recorded the call.
      const t = (await anvil.client.readContract({
        address: deployed.addresses.BondingManager,
        abi: deployed.abis.BondingManager,
        functionName: "getTranscoder",
        args: [orch],
      } as never)) as readonly bigint[];
      expect(t[0]).toBe(round);

      const second = await tick(deps);
      expect(second.initialized).toBeUndefined();
      expect(second.rewards[0]).toMatchObject({ status: "skipped" });
    }, 120_000);

    test("a winning ticket is redeemed at the real TicketBroker", async () => {
      const url = `http://127.0.0.1:${server.port}`;
      const info = await getInfo(url, { sender, orchestrator: orch });
      const created = await createPayment(deps, info, 1n, { minTickets: 1 });
      const r = await sendTickets(url, created.json);
      expect(r.accepted).toBe(1);
      expect(r.won).toBe(1);

      // Redeemable once its params expire; the round it lands in is initialized by the tick.
      const expiration = BigInt(info.ticketParams.expirationBlock);
      const now = await anvil.blockNumber();
      if (now <= expiration) await anvil.mine(expiration - now + 1n);
      const before = (await setup.getSenderInfo(sender)).sender.deposit;
      const report = await tick(deps);
      expect(report.errors).toEqual([]);
      expect(report.redeemed).toMatchObject({ redeemed: 1, failed: 0 });
      expect((await setup.getSenderInfo(sender)).sender.deposit).toBe(before - FACE);
      const redeemed = await setup.getEvents({ name: "WinningTicketRedeemed" });
      expect(redeemed).toHaveLength(1);
      expect(String(redeemed[0]!.args.recipient).toLowerCase()).toBe(orch);
      expect(BigInt(redeemed[0]!.args.faceValue as bigint)).toBe(FACE);
    }, 120_000);

    test("concurrent writes from one key each get their own nonce, under the configured fee caps", async () => {
      // Below the node's estimate (1 gwei tip on anvil): the caps, not the estimate, are bid.
      const caps = { maxFeePerGas: 700_000_000n, maxPriorityFeePerGas: 500_000_000n };
      const ledger = await createChainLedger({
        url: anvil.url,
        controller: deployed.addresses.Controller,
        accounts: [SENDER],
        pollingIntervalMs: 10,
        ...caps,
      });
      try {
        const start = await anvil.client.getTransactionCount({ address: SENDER.address });
        const writes = await Promise.all([
          ...Array.from({ length: 4 }, () => ledger.fundDeposit(sender, 1n)),
          ...Array.from({ length: 4 }, () => ledger.fundReserve(sender, 1n)),
        ]);
        const txs = await Promise.all(writes.map((w) => anvil.client.getTransaction({ hash: w.ref })));
        expect(txs.map((t) => t.nonce).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 8 }, (_, i) => start + i),
        );
        for (const t of txs) {
          expect(t.maxFeePerGas).toBe(caps.maxFeePerGas);
          expect(t.maxPriorityFeePerGas).toBe(caps.maxPriorityFeePerGas);
        }
        expect(await anvil.client.getTransactionCount({ address: SENDER.address })).toBe(start + 8);
      } finally {
        await ledger.close();
      }
    }, 120_000);

    test("events are read once into libSQL, survive a restart and roll back on a reorg", async () => {
      const rewards = await deps.ledger.getEvents({ name: "Reward" });
      expect(rewards.map((e) => String(e.args.transcoder).toLowerCase())).toEqual([orch]);
      // Stored with the round it happened in (the round of the orchestrator's last reward call).
      const rewardRound = (await setup.getTranscoder(orch)).lastRewardRound;
      expect(rewardRound).toBeGreaterThan(0n);
      expect(rewards[0]!.round).toBe(rewardRound);
      const [cursor] = await deps.db.select().from(chainCursors);
      expect(BigInt(cursor!.block)).toBe(await anvil.blockNumber());

      // Another process on the same database: it reads from the cursor on, never from genesis.
      const fromBlocks: bigint[] = [];
      const restarted = await createChainLedger({
        transport: http(anvil.url, {
          retryCount: 0,
          onFetchRequest: async (req) => {
            const body = (await req.clone().json()) as { method: string; params: { fromBlock?: Hex }[] };
            if (body.method === "eth_getLogs") fromBlocks.push(BigInt(body.params[0]!.fromBlock!));
          },
        }),
        controller: deployed.addresses.Controller,
        db: deps.db,
        pollingIntervalMs: 10,
      });
      const deposits = async () =>
        (await restarted.getEvents({ name: "DepositFunded" })).map((e) => BigInt(e.args.amount as bigint));
      try {
        const before = await deposits();
        await setup.fundDeposit(sender, 3n);
        expect(await deposits()).toEqual([...before, 3n]);
        expect(fromBlocks).toEqual([BigInt(cursor!.block) + 1n]);
        expect(await deps.ledger.getEvents({ name: "Reward" })).toEqual(rewards); // nothing counted twice
        expect(await restarted.getEvents({ name: "Reward" })).toEqual(rewards); // same rounds after a restart
        const [deposit] = (await restarted.getEvents({ name: "DepositFunded" })).slice(-1);
        expect(deposit!.round).toBe(await setup.currentRound());

        // A reorg drops the block that held a deposit: the store forgets it.
        const snapshot = await anvil.client.request({ method: "evm_snapshot" as never });
        await setup.fundDeposit(sender, 5n);
        expect(await deposits()).toEqual([...before, 3n, 5n]);
        await anvil.client.request({ method: "evm_revert" as never, params: [snapshot] as never });
        await anvil.mine(3n);
        expect(await deposits()).toEqual([...before, 3n]);
      } finally {
        await restarted.close();
      }
    }, 120_000);
  },
);
