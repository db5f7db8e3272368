// The chain ledger's pool hints against the real BondingManager on anvil, with a pool of many
// orchestrators. Each write is measured from one snapshot three ways: as the chain ledger sends it
// (hints from the pool walk), with zero hints (the contract walks the list from the head), and with
// every other adjacent (prev, next) pair of the list. The ledger's pair costs the least of all the
// pairs (no walk at all), less than zero hints, and leaves the pool in the same order as they do.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeFunctionData, type Hex, http, maxUint256, zeroAddress } from "viem";
import {
  ARBITRUM_PARAMS,
  type DeployedProtocol,
  deployProtocol,
} from "../../../src/edge/ledger/chain/deploy.ts";
import { type ChainLedger, createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../../../src/edge/ledger/genesis.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { type Anvil, startAnvil } from "../../helpers/contracts/anvil.ts";
import { artifactsMissing, loadArtifacts, titleWithSkipReason } from "../../helpers/contracts/artifacts.ts";

const missing = artifactsMissing();
if (missing) console.warn(`pool hint tests skipped: ${missing}`);

const LPT = 10n ** 18n;
const ROUND_LENGTH = 1000n;
/** Orchestrators in the pool: accounts 1..N; account N+1 delegates. */
const N = 24;
const accounts = deriveAccounts(DEFAULT_MNEMONIC, N + 2);
const addr = (i: number) => accounts[i]!.address.toLowerCase() as Address;
const DELEGATOR = N + 1;
/** Distinct stakes, 10 LPT apart: orchestrator i holds 1000 + 10·i LPT, so 1 is the tail. */
const stakeOf = (i: number) => (1000n + 10n * BigInt(i)) * LPT;

let anvil: Anvil;
let deployed: DeployedProtocol;
let ledger: ChainLedger;

async function nextRound(): Promise<void> {
  const latest = await anvil.blockNumber();
  await anvil.mine(ROUND_LENGTH - (latest % ROUND_LENGTH));
  await ledger.initializeRound(addr(0));
}

interface Measured {
  gas: bigint;
  order: Address[];
  /** The stakes in list order: what any valid pair gives, even where it puts a node below its equal. */
  stakes: bigint[];
}

/** Runs one write from a snapshot, reads its gas and the pool order after it, and reverts. */
async function measure(write: () => Promise<Hex>): Promise<Measured> {
  const snap = await anvil.client.request({ method: "evm_snapshot" as never });
  try {
    const hash = await write();
    const r = await anvil.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    expect(r.status).toBe("success");
    const pool = await ledger.getTranscoderPool();
    const order = pool.map((m) => m.address.toLowerCase() as Address);
    return { gas: r.gasUsed, order, stakes: pool.map((m) => m.totalStake) };
  } finally {
    await anvil.client.request({ method: "evm_revert" as never, params: [snap] as never });
  }
}

const raw = (i: number, functionName: string, args: readonly unknown[]) => () =>
  anvil.wallet(i).writeContract({
    address: deployed.addresses.BondingManager,
    abi: deployed.abis.BondingManager,
    functionName,
    args,
  } as never);

/** Every (prev, next) pair of the list without `moved`: before the head, between neighbours, after the tail. */
async function candidatePairs(moved: Address): Promise<[Address, Address][]> {
  return pairsOf(
    (await ledger.getTranscoderPool()).map((m) => m.address.toLowerCase() as Address),
    moved,
  );
}

/** Every (prev, next) pair of `order` without `moved`. */
function pairsOf(order: readonly Address[], moved: Address): [Address, Address][] {
  const ends = [zeroAddress as Address, ...order.filter((a) => a !== moved), zeroAddress as Address];
  return ends.slice(0, -1).map((a, i) => [a, ends[i + 1]!]);
}

/**
 * The ledger's write against zero hints and every pair; `hinted(prev, next)` is the raw call with
 * a pair. Returns the figures for the report.
 */
async function compare(
  label: string,
  moved: Address,
  viaLedger: () => Promise<Hex>,
  hinted: (prev: Address, next: Address) => () => Promise<Hex>,
): Promise<{ ours: bigint; zero: bigint; best: bigint }> {
  const ours = await measure(viaLedger);
  const zero = await measure(hinted(zeroAddress, zeroAddress));
  let best: bigint | undefined;
  for (const [prev, next] of await candidatePairs(moved)) {
    const m = await measure(hinted(prev, next));
    // Any pair ends in the same order: a wrong one only costs a walk.
    expect(m.order).toEqual(ours.order);
    if (best === undefined || m.gas < best) best = m.gas;
  }
  console.log(
    `${label}: gas with the ledger's hints ${ours.gas}, with zero hints ${zero.gas} (walk: +${zero.gas - ours.gas}), cheapest of all ${N + 1} pairs ${best}`,
  );
  expect(zero.order).toEqual(ours.order);
  expect(ours.gas).toBe(best!);
  // A walk from the head reads at least one cold slot (2,100 gas) per node it passes.
  expect(zero.gas - ours.gas).toBeGreaterThan(BigInt(N - 2) * 2100n);
  return { ours: ours.gas, zero: zero.gas, best: best! };
}

describe.skipIf(missing !== undefined)(
  titleWithSkipReason(`pool hints on the real BondingManager (${N} orchestrators on anvil)`),
  () => {
    beforeAll(async () => {
      anvil = await startAnvil({ accounts: N + 2 });
      deployed = await deployProtocol(
        loadArtifacts(),
        anvil.wallet(0),
        anvil.client,
        { ...ARBITRUM_PARAMS, roundLength: ROUND_LENGTH, numActiveTranscoders: BigInt(N + 5) },
        accounts.map((a) => ({ address: a.address.toLowerCase() as Address, lpt: 10_000n * LPT })),
      );
      ledger = await createChainLedger({
        transport: http(anvil.url, { retryCount: 0 }),
        chain: anvil.chain,
        controller: deployed.addresses.Controller,
        // anvil holds these keys and signs itself.
        accounts: accounts.map((a) => ({ address: a.address, type: "json-rpc" }) as const),
        pollingIntervalMs: 10,
      });
      // The raw calls below bond without the ledger's approve.
      for (const i of [0, DELEGATOR]) {
        const hash = await anvil.wallet(i).writeContract({
          address: deployed.addresses.LivepeerToken,
          abi: deployed.abis.LivepeerToken,
          functionName: "approve",
          args: [deployed.addresses.BondingManager, maxUint256],
        } as never);
        await anvil.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      }
      await nextRound();
      // Bonded in an order unlike the stake order, so the pool is built by real inserts.
      for (const i of Array.from({ length: N }, (_, k) => ((k * 7) % N) + 1)) {
        await ledger.bond(addr(i), stakeOf(i), addr(i));
        await ledger.transcoder(addr(i), 500_000n, 500_000n);
      }
      await ledger.bond(addr(DELEGATOR), 100n * LPT, addr(N / 2));
      await nextRound();
    }, 600_000);

    afterAll(async () => {
      await ledger?.close();
      await anvil?.stop();
    });

    test("the pool is sorted by stake, the lowest at the tail, the later of equals above", async () => {
      const pool = await ledger.getTranscoderPool();
      expect(pool).toHaveLength(N);
      expect(pool.at(-1)!.address.toLowerCase()).toBe(addr(1));
      for (let k = 1; k < pool.length; k++)
        expect(pool[k - 1]!.totalStake).toBeGreaterThanOrEqual(pool[k]!.totalStake);
      // N/2 (its own bond plus the delegator's 100 LPT) is level with N/2 + 10 and, inserted later,
      // above it: the order a hintless insert gives, which the ledger's pairs reproduce.
      const order = pool.map((m) => m.address.toLowerCase());
      expect(pool[order.indexOf(addr(N / 2))]!.totalStake).toBe(stakeOf(N / 2 + 10));
      expect(order.indexOf(addr(N / 2))).toBe(order.indexOf(addr(N / 2 + 10)) - 1);
    });

    test("rewardWithHint: the tail's reward", async () => {
      const tail = addr(1);
      await compare(
        "reward (tail)",
        tail,
        async () => (await ledger.reward(tail)).ref,
        (p, n) => raw(1, "rewardWithHint", [p, n]),
      );
    }, 300_000);

    test("bondWithHint: a new delegator's bond to the tail moves it up two places", async () => {
      const tail = addr(1);
      // 1000 + 10 + 25 = 1035 LPT: above orchestrators 2 (1020) and 3 (1030), below 4 (1040).
      await compare(
        "bond (tail + 25 LPT)",
        tail,
        async () => (await ledger.bond(addr(0), 25n * LPT, tail)).ref,
        (p, n) => raw(0, "bondWithHint", [25n * LPT, tail, zeroAddress, zeroAddress, p, n]),
      );
    }, 300_000);

    test("bondWithHint: a delegator moving its bond uses both pairs", async () => {
      // The delegator's 100 LPT (plus its reward share, none here) leaves orchestrator N/2 for 2.
      const from = addr(N / 2);
      const to = addr(2);
      const ours = await measure(async () => (await ledger.bond(addr(DELEGATOR), 0n, to)).ref);
      const zero = await measure(
        raw(DELEGATOR, "bondWithHint", [0n, to, zeroAddress, zeroAddress, zeroAddress, zeroAddress]),
      );
      console.log(
        `bond (move 100 LPT between orchestrators): gas with hints ${ours.gas}, zero hints ${zero.gas}`,
      );
      expect(zero.order).toEqual(ours.order);
      expect(ours.order.indexOf(to)).toBeLessThan(ours.order.indexOf(from));
      expect(zero.gas - ours.gas).toBeGreaterThan(BigInt(N - 2) * 2100n);
    }, 300_000);

    test("unbondWithHint: a delegator's partial unbond moves its orchestrator down", async () => {
      const mid = addr(N / 2);
      // N/2 holds 1000 + 10·N/2 + 100 LPT (level with N/2 + 10, bonded later so above it); 95 LPT
      // less puts it between N/2 + 1 and N/2 - 1, ten places down.
      await compare(
        "unbond (middle - 95 LPT)",
        mid,
        async () => (await ledger.unbond(addr(DELEGATOR), 95n * LPT)).ref,
        (p, n) => raw(DELEGATOR, "unbondWithHint", [95n * LPT, p, n]),
      );
    }, 300_000);

    /**
     * transferBond as the ledger sends it, from one snapshot, against zero hints and against every
     * other pair for each step with the ledger's pair for the other: the ledger's two pairs cost the
     * least of all and end in the hintless order (another valid pair may put a node below its equal,
     * so those are held to the same stakes in list order), and zero hints cost at least a cold slot
     * (2,100 gas) more for each of the `walked` nodes the first hintless insert passes.
     */
    async function compareTransfer(
      label: string,
      receiver: Address,
      first: Address,
      second: Address,
      walked: number,
    ): Promise<void> {
      const amount = 95n * LPT;
      const before = (await ledger.getTranscoderPool()).map((m) => m.address.toLowerCase() as Address);
      let input: Hex = "0x";
      const ours = await measure(async () => {
        const { ref } = await ledger.transferBond(addr(DELEGATOR), receiver, amount);
        input = (await anvil.client.getTransaction({ hash: ref })).input;
        return ref;
      });
      const { args } = decodeFunctionData({ abi: deployed.abis.BondingManager, data: input });
      const [, , p1, n1, p2, n2] = args as readonly Address[];
      const transfer = (a: Address, b: Address, c: Address, d: Address) =>
        raw(DELEGATOR, "transferBond", [receiver, amount, a, b, c, d]);
      const zero = await measure(transfer(zeroAddress, zeroAddress, zeroAddress, zeroAddress));
      let best = ours.gas;
      // The first step's pairs are places in the list before it; the second's, in the list after the
      // first step, which is the final list without the second's node.
      for (const [p, n] of pairsOf(before, first)) {
        const m = await measure(transfer(p, n, p2!, n2!));
        expect(m.stakes).toEqual(ours.stakes);
        if (m.gas < best) best = m.gas;
      }
      for (const [p, n] of pairsOf(ours.order, second)) {
        const m = await measure(transfer(p1!, n1!, p, n));
        expect(m.stakes).toEqual(ours.stakes);
        if (m.gas < best) best = m.gas;
      }
      console.log(
        `${label}: gas with the ledger's hints ${ours.gas}, with zero hints ${zero.gas} (walks: +${zero.gas - ours.gas}), cheapest of ${2 * (N + 1)} other pairs ${best}`,
      );
      expect(zero.order).toEqual(ours.order);
      expect(ours.gas).toBe(best);
      expect(zero.gas - ours.gas).toBeGreaterThan(BigInt(walked) * 2100n);
    }

    // The sender's unbond takes N/2 from 1,220 LPT (its 1,120 and the delegator's 100) to 1,125: a
    // hintless insert walks past orchestrators 13..24 (1,130..1,240 LPT), 12 nodes.
    test("transferBond: to a receiver delegated to nobody, the delegate loses and regains the amount", async () => {
      // addr(0) has no delegate and takes N/2, which goes back to 1,220.
      await compareTransfer(
        "transferBond (receiver without a delegate)",
        addr(0),
        addr(N / 2),
        addr(N / 2),
        12,
      );
    }, 300_000);

    test("transferBond: to a receiver delegated elsewhere, both pairs are used", async () => {
      const snap = await anvil.client.request({ method: "evm_snapshot" as never });
      try {
        // addr(0) delegates 1 LPT to orchestrator 3: 1,031 + 95 = 1,126 LPT, up nine places.
        await ledger.bond(addr(0), LPT, addr(3));
        await compareTransfer("transferBond (receiver delegated to 3)", addr(0), addr(N / 2), addr(3), 12);
      } finally {
        await anvil.client.request({ method: "evm_revert" as never, params: [snap] as never });
      }
    }, 300_000);
  },
);
