// `npm run chain`: a local EVM with the real Livepeer protocol on it. Starts anvil (automine plus a
// block every --block-ms, so rounds and ticket expiries move with time as on the devnet), deploys
// the compiled contracts (LIVEPEER_PROTOCOL_ARTIFACTS) with the project's deployer, seeds them with
// the default genesis (the same accounts, stakes, orchestrators, delegators and sender deposit as
// the devnet's `npm start`), writes $DATA_DIR/chain.json for `LEDGER=chain npm start`, and runs
// until stopped (Ctrl-C stops anvil; the chain lives in memory only).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from "viem";
import { parseCli } from "../src/cli/args.ts";
import { readEnv } from "../src/cli/env.ts";
import { removeLocalChain, writeLocalChain } from "../src/edge/entry/local-chain.ts";
import { EDGE_ENV } from "../src/edge/env.ts";
import { deployProtocol, type ProtocolParams } from "../src/edge/ledger/chain/deploy.ts";
import { createChainLedger } from "../src/edge/ledger/chain/ledger.ts";
import { seedGenesis } from "../src/edge/ledger/chain/seed.ts";
import { DEFAULT_MNEMONIC, defaultGenesis, deriveAccounts, loadGenesis } from "../src/edge/ledger/genesis.ts";
import type { Address } from "../src/protocol/types.ts";
import { artifactsDir, artifactsMissingIn, loadArtifactsFrom } from "./chain/artifacts.ts";
import { TEST_ENV } from "./env.ts";

const { values } = parseCli({
  entry: "chain",
  usage: "npm run chain -- [--port 8545] [--block-ms 1000] [--round-length BLOCKS] [--artifacts DIR]",
  summary:
    "Starts anvil, deploys the real Livepeer contracts from their compiled artifacts, seeds the default genesis, and runs until stopped.",
  options: {
    port: { type: "string", default: "8545" },
    "block-ms": { type: "string", default: "1000" },
    "round-length": { type: "string" },
    artifacts: { type: "string" },
  },
  optionHelp: {
    port: "anvil's JSON-RPC port on 127.0.0.1 (0 picks a free one)",
    "block-ms": "a block every this many milliseconds, besides one per transaction",
    "round-length": "blocks per round (default: the genesis's roundLength)",
    artifacts: "folder of the compiled contracts (default LIVEPEER_PROTOCOL_ARTIFACTS)",
  },
  env: [EDGE_ENV, TEST_ENV],
});
const env = readEnv({ DATA_DIR: EDGE_ENV.DATA_DIR }, process.env);
const dataDir = resolve(env.DATA_DIR);
const dir = values.artifacts ?? artifactsDir();
const missing = artifactsMissingIn(dir);
if (missing) {
  console.error(`livepeer chain: ${missing}.
The contracts are the Arbitrum deployment's compiled artifacts (<Name>.json with abi, bytecode and
linkReferences); they are not part of this repository. Pass --artifacts DIR or set
LIVEPEER_PROTOCOL_ARTIFACTS; without them use the devnet (npm start).`);
  process.exit(1);
}
const blockMs = Number(values["block-ms"]);
if (!Number.isSafeInteger(blockMs) || blockMs < 50) {
  console.error("livepeer chain: --block-ms must be an integer of at least 50");
  process.exit(2);
}

const genesis = loadGenesis(defaultGenesis());
const params: ProtocolParams = {
  ...genesis.params,
  numActiveTranscoders: genesis.params.numActiveTranscoders,
  roundLength: values["round-length"] ? BigInt(values["round-length"]) : genesis.params.roundLength,
};
const accounts = deriveAccounts(genesis.mnemonic ?? DEFAULT_MNEMONIC, genesis.accounts.length);
const ANVIL = join(import.meta.dir, "../node_modules/.bin/anvil");
const anvil: ChildProcess = spawn(
  ANVIL,
  [
    "--host",
    "127.0.0.1",
    "--port",
    values.port ?? "8545",
    "--chain-id",
    "31337",
    "--mnemonic",
    genesis.mnemonic ?? DEFAULT_MNEMONIC,
    "--accounts",
    String(genesis.accounts.length),
    // Every genesis account gets the ETH of the first one (the default genesis gives them all the same).
    "--balance",
    String(genesis.accounts[0]!.eth / 10n ** 18n),
    "--block-time",
    String(blockMs / 1000),
    "--mixed-mining",
    "--gas-limit",
    "1000000000",
    "--code-size-limit",
    "100000",
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  removeLocalChain(dataDir);
  if (anvil.exitCode === null && anvil.pid !== undefined) process.kill(anvil.pid, "SIGTERM");
  process.exit(code);
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
anvil.once("exit", (code) => {
  if (!stopping) {
    console.error(`livepeer chain: anvil exited (${code})`);
    stop(1);
  }
});

try {
  const url = await new Promise<string>((ok) => {
    const lines = createInterface({ input: anvil.stdout! });
    lines.on("line", (line) => {
      const m = /Listening on ([\d.]+:\d+)/.exec(line);
      if (m) {
        lines.close();
        anvil.stdout!.resume();
        ok(`http://${m[1]}`);
      }
    });
  });
  // No retries: a retried anvil_mine would mine twice.
  const transport = http(url, { retryCount: 0, timeout: 120_000 });
  const client = createPublicClient({ transport, pollingInterval: 50 }) as PublicClient;
  const fromBlock = await client.getBlockNumber({ cacheTime: 0 });
  const genesisHash = (await client.getBlock({ blockNumber: 0n })).hash;
  const chainId = await client.getChainId();
  const chain = defineChain({
    id: chainId,
    name: "anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const deployed = await deployProtocol(
    loadArtifactsFrom(dir),
    createWalletClient({ transport, account: accounts[0]!, chain }),
    client,
    params,
    genesis.accounts.map((a) => ({ address: a.address, lpt: a.lpt })),
  );
  const ledger = await createChainLedger({
    transport,
    chain,
    controller: deployed.addresses.Controller,
    accounts,
    pollingIntervalMs: 50,
  });
  const mine = async (n: bigint) => {
    for (let left = n; left > 0n; left -= 1000n) {
      const k = left < 1000n ? left : 1000n;
      await client.request({ method: "anvil_mine" as never, params: [`0x${k.toString(16)}`] as never });
    }
  };
  await seedGenesis(ledger, accounts[0]!.address as Address, genesis.actions, {
    advanceRound: async () => {
      const block = await client.getBlockNumber({ cacheTime: 0 });
      await mine(params.roundLength - (block % params.roundLength));
    },
    advanceBlocks: mine,
  });
  const round = await ledger.currentRound();
  await ledger.close();

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeLocalChain(dataDir, {
    rpcUrl: url,
    chainId,
    controller: deployed.addresses.Controller,
    fromBlock: fromBlock.toString(),
    genesisHash: genesisHash!,
    blockMs,
    addresses: deployed.addresses,
  });
  console.log(`
Livepeer protocol on a local chain (anvil ${url}, chain id ${chainId})
  Controller       ${deployed.addresses.Controller}
  BondingManager   ${deployed.addresses.BondingManager}
  RoundsManager    ${deployed.addresses.RoundsManager}
  TicketBroker     ${deployed.addresses.TicketBroker}
  LivepeerToken    ${deployed.addresses.LivepeerToken}
  round ${round} (${params.roundLength} blocks of ${blockMs} ms), seeded with the default genesis
  written ${join(dataDir, "chain.json")}

Now, in another terminal:
  LEDGER=chain npm start
  npm run example
`);
  console.log(JSON.stringify({ msg: "chain ready", rpcUrl: url, controller: deployed.addresses.Controller }));
} catch (err) {
  console.error(`livepeer chain: ${(err as Error).message}`);
  stop(1);
}
