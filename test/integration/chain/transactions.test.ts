// The chain ledger's transactions against the real contracts on anvil: one nonce sequence per key
// even with two processes sending from the same key, and an unmined write replaced at its nonce
// with higher fees after the timeout.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { http } from "viem";
import {
  ARBITRUM_PARAMS,
  type DeployedProtocol,
  deployProtocol,
} from "../../../src/edge/ledger/chain/deploy.ts";
import { createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../../../src/edge/ledger/genesis.ts";
import { bytesToHex } from "../../../src/protocol/bytes.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { type Anvil, startAnvil } from "../../helpers/contracts/anvil.ts";
import { artifactsMissing, loadArtifacts, titleWithSkipReason } from "../../helpers/contracts/artifacts.ts";

const missing = artifactsMissing();
if (missing) console.warn(`chain transaction tests skipped: ${missing}`);

const ROUND_LENGTH = 20n;
const accounts = deriveAccounts(DEFAULT_MNEMONIC, 3);
const SENDER = accounts[2]!;
const sender = SENDER.address.toLowerCase() as Address;
const WRITER = join(import.meta.dir, "../../helpers/contracts/chain-writer.ts");

let anvil: Anvil;
let deployed: DeployedProtocol;

describe.skipIf(missing !== undefined)(
  titleWithSkipReason("chain ledger transactions (real contracts on anvil)"),
  () => {
    beforeAll(async () => {
      anvil = await startAnvil({ accounts: 3 });
      deployed = await deployProtocol(
        loadArtifacts(),
        anvil.wallet(0),
        anvil.client,
        { ...ARBITRUM_PARAMS, roundLength: ROUND_LENGTH },
        [],
      );
    }, 300_000);
    afterAll(async () => {
      await anvil?.stop();
    });

    test("two processes sending from one key: every write lands once, at its own nonce", async () => {
      const key = bytesToHex(SENDER.getHdKey().privateKey!) as Hex;
      const spawnWriter = () =>
        Bun.spawn([process.execPath, WRITER, anvil.url, deployed.addresses.Controller, key], {
          stdin: "pipe",
          stdout: "pipe",
          stderr: "inherit",
        });
      const writers = [spawnWriter(), spawnWriter()];
      const readers = writers.map((w) => w.stdout.getReader());
      const buffers = ["", ""];
      const nextLine = async (i: number): Promise<Record<string, unknown>> => {
        while (!buffers[i]!.includes("\n")) {
          const { value, done } = await readers[i]!.read();
          if (done) throw new Error(`writer ${i} exited`);
          buffers[i] += new TextDecoder().decode(value);
        }
        const at = buffers[i]!.indexOf("\n");
        const line = buffers[i]!.slice(0, at);
        buffers[i] = buffers[i]!.slice(at + 1);
        return JSON.parse(line);
      };
      const say = (i: number, line: string) => {
        writers[i]!.stdin.write(`${line}\n`);
        writers[i]!.stdin.flush();
      };
      try {
        await Promise.all([nextLine(0), nextLine(1)]);
        const start = await anvil.client.getTransactionCount({ address: SENDER.address });
        // A counts nonce `start` and goes on to start + 1 in its own queue; B then takes start + 1, so
        // A's next send meets a nonce the other process used and must recover.
        say(0, "one");
        const a1 = await nextLine(0);
        say(1, "one");
        const b1 = await nextLine(1);
        say(0, "many 5");
        say(1, "many 5");
        const [a2, b2] = await Promise.all([nextLine(0), nextLine(1)]);
        for (const r of [a1, b1, a2, b2]) expect(r.error).toBeUndefined();
        const hashes = [a1, b1, a2, b2].flatMap((r) => r.hashes as Hex[]);
        expect(hashes).toHaveLength(12);
        const txs = await Promise.all(hashes.map((hash) => anvil.client.getTransactionReceipt({ hash })));
        expect(txs.every((t) => t.status === "success")).toBe(true);
        const nonces = (await Promise.all(hashes.map((hash) => anvil.client.getTransaction({ hash })))).map(
          (t) => t.nonce,
        );
        expect(nonces.sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => start + i));
        const deposit = (
          (await anvil.client.readContract({
            address: deployed.addresses.TicketBroker,
            abi: deployed.abis.TicketBroker,
            functionName: "getSenderInfo",
            args: [sender],
          } as never)) as [{ deposit: bigint }]
        )[0].deposit;
        expect(deposit).toBe(12n);
      } finally {
        for (const i of [0, 1]) say(i, "exit");
        await Promise.all(writers.map((w: Subprocess) => w.exited));
      }
    }, 120_000);

    test("an unmined write is replaced at its nonce with higher fees, and returns the mined one", async () => {
      const ledger = await createChainLedger({
        url: anvil.url,
        controller: deployed.addresses.Controller,
        accounts: [SENDER],
        pollingIntervalMs: 10,
        replaceAfterMs: 200,
      });
      const pool = async () => {
        const content = (await anvil.client.request({ method: "txpool_content" as never })) as {
          pending: Record<string, Record<string, { hash: Hex; maxFeePerGas: Hex }>>;
        };
        const mine = Object.entries(content.pending).find(([a]) => a.toLowerCase() === sender)?.[1];
        return mine ? Object.values(mine) : [];
      };
      const start = await anvil.client.getTransactionCount({ address: SENDER.address });
      await anvil.client.request({ method: "evm_setAutomine" as never, params: [false] as never });
      try {
        const write = ledger.fundDeposit(sender, 7n);
        // Wait until the first transaction is in the pool, then until a replacement took its place.
        let first: { hash: Hex; maxFeePerGas: Hex } | undefined;
        while (!first) [first] = await pool();
        let current = first;
        while (current.hash === first.hash) {
          await Bun.sleep(20);
          current = (await pool())[0] ?? current;
        }
        expect(BigInt(current.maxFeePerGas)).toBeGreaterThan(BigInt(first.maxFeePerGas));
        await anvil.client.request({ method: "evm_setAutomine" as never, params: [true] as never });
        await anvil.client.request({ method: "evm_mine" as never });
        const result = await write;
        const tx = await anvil.client.getTransaction({ hash: result.ref });
        expect(result.ref).not.toBe(first.hash);
        expect(tx.nonce).toBe(start);
        expect(tx.maxFeePerGas!).toBeGreaterThan(BigInt(first.maxFeePerGas));
        expect(await anvil.client.getTransactionCount({ address: SENDER.address })).toBe(start + 1);
      } finally {
        await anvil.client.request({ method: "evm_setAutomine" as never, params: [true] as never });
        await ledger.close();
      }
    }, 120_000);

    test("state changed by another process between the simulation and the send: the revert gets the devnet's code", async () => {
      const other = await createChainLedger({
        url: anvil.url,
        controller: deployed.addresses.Controller,
        accounts: [accounts[0]!],
        pollingIntervalMs: 10,
      });
      // The moment this ledger asks the node to fill in (estimate) its send, the other one initializes the
      // round (two edges racing to initialize it, with the loser already past its simulation).
      let raced = false;
      const ledger = await createChainLedger({
        transport: http(anvil.url, {
          retryCount: 0,
          onFetchRequest: async (req) => {
            const body = (await req.clone().json()) as { method: string };
            if (/^eth_(estimateGas|fillTransaction)$/.test(body.method) && !raced) {
              raced = true;
              await other.initializeRound(accounts[0]!.address.toLowerCase() as Address);
            }
          },
        }),
        controller: deployed.addresses.Controller,
        accounts: [SENDER],
        pollingIntervalMs: 10,
      });
      try {
        const block = await anvil.blockNumber();
        await anvil.mine(ROUND_LENGTH - (block % ROUND_LENGTH));
        const lost = ledger.initializeRound(sender);
        await expect(lost).rejects.toBeInstanceOf(LedgerError);
        await expect(lost).rejects.toMatchObject({ code: "ROUND_ALREADY_INITIALIZED" });
        expect(raced).toBe(true);
        expect(await ledger.currentRoundInitialized()).toBe(true);
      } finally {
        await ledger.close();
        await other.close();
      }
    }, 120_000);

    test("with a confirmation depth, a write returns only once its block is buried that deep", async () => {
      // Counts the ledger's block-number polls, to know it has looked again without a fixed wait.
      let polls = 0;
      const ledger = await createChainLedger({
        transport: http(anvil.url, {
          retryCount: 0,
          onFetchRequest: async (req) => {
            if (((await req.clone().json()) as { method: string }).method === "eth_blockNumber") polls++;
          },
        }),
        controller: deployed.addresses.Controller,
        accounts: [SENDER],
        pollingIntervalMs: 10,
        confirmations: 3,
      });
      const pollsFrom = async (from: number, n: number) => {
        while (polls < from + n) await Bun.sleep(5);
      };
      try {
        const start = await anvil.client.getTransactionCount({ address: SENDER.address });
        let settled = false;
        const write = ledger.fundDeposit(sender, 1n).finally(() => {
          settled = true;
        });
        // Mined at once (automine), then held until two more blocks are on top of it.
        while ((await anvil.client.getTransactionCount({ address: SENDER.address })) === start) {
          await Bun.sleep(5);
        }
        const mined = await anvil.blockNumber();
        await pollsFrom(polls, 3);
        expect(settled).toBe(false);
        await anvil.mine(1n);
        await pollsFrom(polls, 3);
        expect(settled).toBe(false);
        await anvil.mine(1n);
        const result = await write;
        expect(result.block).toBe(mined);
        expect(await anvil.blockNumber()).toBe(mined + 2n);
      } finally {
        await ledger.close();
      }
    }, 120_000);
  },
);
