// A real anvil on a free loopback port, started for a test and stopped by its PID.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { DEFAULT_MNEMONIC } from "../../../src/edge/ledger/genesis.ts";

const ANVIL = join(import.meta.dirname, "../../../node_modules/.bin/anvil");

export interface Anvil {
  url: string;
  chain: Chain;
  client: PublicClient;
  wallet(index: number): WalletClient<Transport, Chain, Account>;
  /** Mines n blocks in chunks (a single huge anvil_mine is slow and must never be retried). */
  mine(n: bigint): Promise<void>;
  blockNumber(): Promise<bigint>;
  stop(): Promise<void>;
}

export async function startAnvil(options: { accounts?: number; balanceEth?: number } = {}): Promise<Anvil> {
  const args = [
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--accounts",
    String(options.accounts ?? 10),
    "--balance",
    String(options.balanceEth ?? 100000),
    "--mnemonic",
    DEFAULT_MNEMONIC,
    "--chain-id",
    "31337",
    "--gas-limit",
    "1000000000",
    "--code-size-limit",
    "100000",
    "--base-fee",
    "0",
    "--gas-price",
    "0",
    "--no-request-size-limit",
  ];
  const child: ChildProcess = spawn(ANVIL, args, { stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`anvil exited (${code}) before listening`));
    child.once("exit", onExit);
    lines.on("line", (line) => {
      const m = /Listening on ([\d.]+:\d+)/.exec(line);
      if (m) {
        child.off("exit", onExit);
        lines.close();
        child.stdout!.resume();
        resolve(`http://${m[1]}`);
      }
    });
  });
  child.stderr!.resume();
  const chain = defineChain({
    id: 31337,
    name: "anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  // No retries: a retried anvil_mine would mine twice.
  const transport = http(url, { retryCount: 0, timeout: 120_000, batch: { batchSize: 200, wait: 0 } });
  const client = createPublicClient({ chain, transport, pollingInterval: 20 }) as PublicClient;
  const wallets = new Map<number, WalletClient<Transport, Chain, Account>>();
  const anvil: Anvil = {
    url,
    chain,
    client,
    wallet(index) {
      let w = wallets.get(index);
      if (!w) {
        // anvil holds these keys: eth_sendTransaction, no signing here.
        const { address } = mnemonicToAccount(DEFAULT_MNEMONIC, { addressIndex: index });
        w = createWalletClient({ chain, transport, account: address });
        wallets.set(index, w);
      }
      return w;
    },
    async mine(n) {
      const CHUNK = 2000n;
      for (let left = n; left > 0n; left -= CHUNK) {
        const k = left < CHUNK ? left : CHUNK;
        await client.request({ method: "anvil_mine" as never, params: [`0x${k.toString(16)}`] as never });
      }
    },
    blockNumber: () => client.getBlockNumber({ cacheTime: 0 }),
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(child.pid, "SIGTERM");
      await exited;
    },
  };
  return anvil;
}
