// Applies actions to the devnet and the contracts on anvil and compares every observable after
// every step. A divergence throws with the step, both outcomes and the differing observables.

import { http } from "viem";
import type { HDAccount } from "viem/accounts";
import type { ProtocolParams } from "../../../src/edge/ledger/chain/deploy.ts";
import { createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import { DEFAULT_MNEMONIC, deriveAccounts, type GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import { type Anvil, startAnvil } from "../../helpers/contracts/anvil.ts";
import { type Action, type Outcome, showAction } from "./actions.ts";
import { type ChainSide, chainSide } from "./chain-side.ts";
import { type DevnetSide, devnetSide, ledgerSide } from "./ledger-side.ts";
import { diffSnapshots } from "./side.ts";

export const LPT = 10n ** 18n;

export interface Setup {
  accounts: number;
  numActiveTranscoders: bigint;
  treasuryRewardCutRate?: bigint;
  treasuryBalanceCeiling?: bigint;
  /** "ledger": the chain side goes through createChainLedger instead of raw contract calls. */
  chainVia?: "contracts" | "ledger";
}

/** The shared params: short rounds so anvil mines them fast; both ledgers start from them. */
export function paramsFor(s: Setup): ProtocolParams {
  return {
    inflation: 500_000n,
    inflationChange: 500n,
    targetBondingRate: 500_000_000n,
    unbondingPeriod: 2n,
    numActiveTranscoders: s.numActiveTranscoders,
    treasuryRewardCutRate: s.treasuryRewardCutRate ?? 10n ** 26n,
    treasuryBalanceCeiling: s.treasuryBalanceCeiling ?? 750_000n * LPT,
    roundLength: 100n,
    roundLockAmount: 100_000n,
    unlockPeriod: 2n,
    ticketValidityPeriod: 2n,
  };
}

const GENESIS_LPT = 1_000_000n * LPT;
const GENESIS_ETH = 100_000n * LPT;

function genesisFor(p: ProtocolParams, n: number): GenesisInput {
  const s = (v: bigint) => v.toString();
  return {
    params: {
      numActiveTranscoders: s(p.numActiveTranscoders),
      unbondingPeriod: s(p.unbondingPeriod),
      roundLength: s(p.roundLength),
      roundLockAmount: s(p.roundLockAmount),
      inflation: s(p.inflation),
      inflationChange: s(p.inflationChange),
      targetBondingRate: s(p.targetBondingRate),
      treasuryRewardCutRate: s(p.treasuryRewardCutRate),
      treasuryBalanceCeiling: s(p.treasuryBalanceCeiling),
      ticketValidityPeriod: s(p.ticketValidityPeriod),
      unlockPeriod: s(p.unlockPeriod),
    },
    mnemonic: DEFAULT_MNEMONIC,
    accounts: Array.from({ length: n }, () => ({ lpt: s(GENESIS_LPT), eth: s(GENESIS_ETH) })),
    actions: [],
  };
}

export interface Pair {
  devnet: DevnetSide;
  chain: ChainSide;
  accounts: HDAccount[];
  /** Applies one action to both; throws on any divergence. Returns the (common) outcome. */
  step(a: Action): Promise<Outcome>;
  close(): Promise<void>;
}

/** The chain side with every action and observation going through the chain ledger. */
async function viaChainLedger(raw: ChainSide, anvil: Anvil, accounts: HDAccount[]): Promise<ChainSide> {
  const A = raw.deployed.addresses;
  const ledger = await createChainLedger({
    transport: http(anvil.url, { retryCount: 0, batch: { batchSize: 200, wait: 0 } }),
    chain: anvil.chain,
    controller: A.Controller,
    accounts: accounts.map((a) => a.address).map((address) => ({ address, type: "json-rpc" }) as const),
    pollingIntervalMs: 10,
  });
  const names = { [A.Minter.toLowerCase()]: "minter", [A.Treasury.toLowerCase()]: "treasury" };
  const side = ledgerSide("chain ledger", ledger, accounts, names);
  return {
    ...raw,
    name: side.name,
    apply: (a) => (a.kind === "advanceRound" || a.kind === "advanceBlocks" ? raw.apply(a) : side.apply(a)),
    observe: () => side.observe(),
  };
}

const brief = (o: Outcome) => (o.ok ? `ok [${o.events.map((e) => e.name).join(",")}]` : `revert ${o.reason}`);

const sameOutcome = (a: Outcome, b: Outcome) => JSON.stringify(a) === JSON.stringify(b);

export async function startPair(setup: Setup): Promise<Pair> {
  const params = paramsFor(setup);
  const accounts = deriveAccounts(DEFAULT_MNEMONIC, setup.accounts);
  const anvil: Anvil = await startAnvil({ accounts: setup.accounts, balanceEth: Number(GENESIS_ETH / LPT) });
  let devnet: DevnetSide | undefined;
  try {
    const raw = await chainSide(anvil, accounts, params, GENESIS_LPT);
    const chain = setup.chainVia === "ledger" ? await viaChainLedger(raw, anvil, accounts) : raw;
    devnet = await devnetSide(genesisFor(params, setup.accounts), accounts);
    const d = devnet;
    await d.syncBlock(await chain.nextBlock());
    const history: string[] = [];
    const compare = async (label: string) => {
      await d.syncBlock(await chain.nextBlock());
      const [a, b] = await Promise.all([d.observe(), chain.observe()]);
      const diff = diffSnapshots(a, b);
      if (diff.length > 0) {
        throw new Error(
          `divergence ${label}\nlast steps:\n  ${history.slice(-8).join("\n  ")}\n${diff.join("\n")}`,
        );
      }
    };
    await compare("at genesis");
    return {
      devnet: d,
      chain,
      accounts,
      async step(a) {
        let outcome: Outcome;
        if (a.kind === "advanceRound" || a.kind === "advanceBlocks") {
          outcome = await chain.apply(a);
        } else {
          await d.syncBlock(await chain.nextBlock());
          const [x, y] = await Promise.all([d.apply(a), chain.apply(a)]);
          history.push(`${showAction(a)} → ${brief(x)} / ${brief(y)}`);
          if (!sameOutcome(x, y)) {
            throw new Error(
              `outcome divergence at ${showAction(a)}\n  devnet: ${JSON.stringify(x)}\n  chain:  ${JSON.stringify(y)}\nlast steps:\n  ${history.slice(-8, -1).join("\n  ")}`,
            );
          }
          outcome = x;
        }
        await compare(`after ${showAction(a)}`);
        return outcome;
      },
      async close() {
        await d.close();
        await anvil.stop();
      },
    };
  } catch (e) {
    await devnet?.close();
    await anvil.stop();
    throw e;
  }
}
