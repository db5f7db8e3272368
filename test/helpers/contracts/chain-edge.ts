// An edge on LEDGER=chain over HTTP: the real protocol deployed on a fresh anvil from the artifacts,
// orchestrator 1 registered and active, a delegator holding LPT, the round initialized. Anvil mines
// only on transactions, so the round stays put while a test acts.
import { join } from "node:path";
import { http, maxUint256 } from "viem";
import type { LocalAccount } from "viem/accounts";
import { createApp } from "../../../src/edge/app.ts";
import { buildDeps, type EdgeDeps } from "../../../src/edge/bootstrap.ts";
import { parseConfig } from "../../../src/edge/config.ts";
import {
  ARBITRUM_PARAMS,
  type DeployedProtocol,
  deployProtocol,
} from "../../../src/edge/ledger/chain/deploy.ts";
import { type ChainLedger, createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../../../src/edge/ledger/genesis.ts";
import { bytesToHex } from "../../../src/protocol/bytes.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { tempDir } from "../edge.ts";
import { type Anvil, startAnvil } from "./anvil.ts";
import { loadArtifacts } from "./artifacts.ts";

export const LPT = 10n ** 18n;
const ROUND_LENGTH = 20n;

export interface ChainEdge {
  anvil: Anvil;
  deployed: DeployedProtocol;
  /** The test's own view of the chain (signs through anvil's unlocked accounts). */
  chain: ChainLedger;
  deps: EdgeDeps;
  url: string;
  /** Account i of the default mnemonic (anvil funds each with ETH). */
  account(i: number): LocalAccount;
  key(i: number): Hex;
  address(i: number): Address;
  /** Mines to the next round's first block, initializes it, and orchestrator 1 calls reward(). */
  nextRound(): Promise<void>;
  close(): Promise<void>;
}

/** Orchestrator: account 1 (500 LPT self-bonded, cuts 50%). Delegators: accounts 3 and 4 (100 LPT each). */
export async function startChainEdge(): Promise<ChainEdge> {
  const tmp = tempDir("chain-edge-http-");
  const accounts = deriveAccounts(DEFAULT_MNEMONIC, 6);
  const address = (i: number) => accounts[i]!.address.toLowerCase() as Address;
  const anvil = await startAnvil({ accounts: 6 });
  let deps: EdgeDeps | undefined;
  let chain: ChainLedger | undefined;
  let server: ReturnType<typeof Bun.serve> | undefined;
  const close = async () => {
    server?.stop(true);
    await deps?.close();
    await chain?.close();
    await anvil.stop();
    tmp.cleanup();
  };
  try {
    const deployed = await deployProtocol(
      loadArtifacts(),
      anvil.wallet(0),
      anvil.client,
      { ...ARBITRUM_PARAMS, roundLength: ROUND_LENGTH, numActiveTranscoders: 10n, unbondingPeriod: 2n },
      [
        { address: address(1), lpt: 1000n * LPT },
        { address: address(3), lpt: 100n * LPT },
        { address: address(4), lpt: 100n * LPT },
      ],
    );
    chain = await createChainLedger({
      transport: http(anvil.url, { retryCount: 0 }),
      chain: anvil.chain,
      controller: deployed.addresses.Controller,
      accounts: [0, 1].map((i) => ({ address: accounts[i]!.address, type: "json-rpc" }) as const),
      pollingIntervalMs: 10,
    });
    const nextRound = async () => {
      const latest = await anvil.blockNumber();
      await anvil.mine(ROUND_LENGTH - (latest % ROUND_LENGTH));
      await chain!.initializeRound(address(0));
    };
    await nextRound();
    const hash = await anvil.wallet(1).writeContract({
      address: deployed.addresses.LivepeerToken,
      abi: deployed.abis.LivepeerToken,
      functionName: "approve",
      args: [deployed.addresses.BondingManager, maxUint256],
    } as never);
    await anvil.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    await chain.bond(address(1), 500n * LPT, address(1));
    await chain.transcoder(address(1), 500_000n, 500_000n);
    // Active from the next round, where it calls reward(): claiming is then safe (no claim-timing warning).
    const nextRewardedRound = async () => {
      await nextRound();
      await chain!.reward(address(1));
    };
    await nextRewardedRound();

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
    });
    deps = await buildDeps(config, { logLevel: "silent" });
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: createApp(deps).fetch });
    return {
      anvil,
      deployed,
      chain,
      deps,
      url: `http://127.0.0.1:${server.port}`,
      account: (i) => accounts[i]!,
      key: (i) => bytesToHex(accounts[i]!.getHdKey().privateKey!) as Hex,
      address,
      nextRound: nextRewardedRound,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
