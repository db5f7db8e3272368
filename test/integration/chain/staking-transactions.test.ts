// The staking API on LEDGER=chain (real contracts on anvil): it builds the unsigned transactions a
// user's own key signs, never sends as the user. Signed here with a local key through viem and sent
// to anvil as raw transactions, exactly as a wallet does. On the devnet the same route refuses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  createWalletClient,
  decodeFunctionData,
  type Hex,
  http,
  toFunctionSelector,
  zeroAddress,
} from "viem";
import { signStakingRequest } from "../../../src/client/staking.ts";
import { authNonces } from "../../../src/edge/db/schema/edge.ts";
import { bondingManagerAbi } from "../../../src/edge/ledger/chain/abi.ts";
import {
  artifactsMissing,
  rewardCallerMissing,
  titleWithSkipReason,
} from "../../helpers/contracts/artifacts.ts";
import { type ChainEdge, LPT, startChainEdge } from "../../helpers/contracts/chain-edge.ts";
import { genesisAccount, makeEdge } from "../../helpers/edge.ts";

const missing = artifactsMissing();
if (missing) console.warn(`staking transactions on chain skipped: ${missing}`);

interface Tx {
  chainId: number;
  from: string;
  to: string;
  data: Hex;
  value: string;
  gas?: string;
  contract: string;
  function: string;
}
interface Built {
  action: string;
  chainId: number;
  from: string;
  transactions: Tx[];
}

/** The hinted forms the API builds, by the signature whose selector the calldata must start with. */
const HINTED = {
  bondWithHint: "bondWithHint(uint256,address,address,address,address,address)",
  unbondWithHint: "unbondWithHint(uint256,address,address)",
  rebondWithHint: "rebondWithHint(uint256,address,address)",
  rebondFromUnbondedWithHint: "rebondFromUnbondedWithHint(address,uint256,address,address)",
  transcoderWithHint: "transcoderWithHint(uint256,uint256,address,address)",
} as const;

/** The call's function and arguments, after checking its selector is the hinted form's (decoded with the ABI). */
function hinted(tx: Tx, fn: keyof typeof HINTED): readonly unknown[] {
  expect(tx.function).toBe(fn);
  expect(tx.data.slice(0, 10)).toBe(toFunctionSelector(HINTED[fn]));
  const decoded = decodeFunctionData({ abi: bondingManagerAbi, data: tx.data });
  expect(decoded.functionName).toBe(fn);
  // Addresses lowercased, as the test names them.
  return (decoded.args ?? []).map((x) => (typeof x === "string" ? x.toLowerCase() : x));
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

test("on the devnet the transaction route answers 409 STAKING_NEEDS_SIGNED_REQUEST", async () => {
  const edge = await makeEdge();
  try {
    const res = await edge.app.request("/v1/staking/tx/bond", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        from: genesisAccount(4).address,
        args: { amount: "1", to: genesisAccount(1).address.toLowerCase() },
      }),
    });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("STAKING_NEEDS_SIGNED_REQUEST");
  } finally {
    await edge.close();
  }
});

describe.skipIf(missing !== undefined)(titleWithSkipReason("staking transactions on LEDGER=chain"), () => {
  let c: ChainEdge;
  beforeAll(async () => {
    c = await startChainEdge();
  }, 300_000);
  afterAll(() => c?.close(), 30_000);

  /** Signs and sends each transaction in order with account i's own key, waiting for each receipt. */
  async function send(i: number, built: Built): Promise<Hex[]> {
    const wallet = createWalletClient({
      account: c.account(i),
      chain: c.anvil.chain,
      transport: http(c.anvil.url, { retryCount: 0 }),
    });
    const hashes: Hex[] = [];
    for (const tx of built.transactions) {
      const hash = await wallet.sendTransaction({
        to: tx.to as Hex,
        data: tx.data,
        value: BigInt(tx.value),
      });
      const r = await c.anvil.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      expect(r.status).toBe("success");
      hashes.push(hash);
    }
    return hashes;
  }

  test("bond: the LPT approve first, then bond to the BondingManager proxy; the bond lands", async () => {
    const [d3, o1] = [c.address(3), c.address(1)];
    const res = await post(c.url, "/v1/staking/tx/bond", {
      from: d3,
      args: { amount: (10n * LPT).toString(), to: o1 },
    });
    expect(res.status).toBe(200);
    const built = (await res.json()) as Built;
    expect(built).toMatchObject({ action: "bond", chainId: 31337, from: d3 });
    const [approve, bond] = built.transactions;
    expect(built.transactions).toHaveLength(2);
    expect(approve).toMatchObject({
      chainId: 31337,
      from: d3,
      to: c.deployed.addresses.LivepeerToken.toLowerCase(),
      value: "0",
      contract: "LivepeerToken",
      function: "approve",
    });
    expect(BigInt(approve!.gas!)).toBeGreaterThan(21_000n);
    // The BondingManager's proxy, as the Controller registers it; no estimate before the approve.
    // Orchestrator 1 is the pool's only member: it moves to the head of an empty list, pair (0, 0).
    expect(bond).toMatchObject({ to: c.deployed.addresses.BondingManager.toLowerCase() });
    expect(hinted(bond!, "bondWithHint")).toEqual([
      10n * LPT,
      o1,
      zeroAddress,
      zeroAddress,
      zeroAddress,
      zeroAddress,
    ]);
    expect(bond!.gas).toBeUndefined();
    // Nothing was sent by the edge.
    expect((await c.chain.getDelegator(d3)).bondedAmount).toBe(0n);

    const hashes = await send(3, built);
    expect(hashes).toHaveLength(2);
    const d = await c.chain.getDelegator(d3);
    expect(d.bondedAmount).toBe(10n * LPT);
    expect(d.delegateAddress.toLowerCase()).toBe(o1);
    const events = await c.chain.getEvents({ name: "Bond", address: d3 });
    expect(events.map((e) => e.ref)).toContain(hashes[1]!);

    // With the allowance in place a second bond is one transaction, with an estimate.
    const raised = await c.anvil.wallet(3).writeContract({
      address: c.deployed.addresses.LivepeerToken,
      abi: c.deployed.abis.LivepeerToken,
      functionName: "approve",
      args: [c.deployed.addresses.BondingManager, 5n * LPT],
    } as never);
    await c.anvil.client.waitForTransactionReceipt({ hash: raised, pollingInterval: 10 });
    const again = (await (
      await post(c.url, "/v1/staking/tx/bond", { from: d3, args: { amount: (5n * LPT).toString(), to: o1 } })
    ).json()) as Built;
    expect(again.transactions.map((t) => t.function)).toEqual(["bondWithHint"]);
    expect(BigInt(again.transactions[0]!.gas!)).toBeGreaterThan(21_000n);
    await send(3, again);
    expect((await c.chain.getDelegator(d3)).bondedAmount).toBe(15n * LPT);
  }, 120_000);

  test("a second orchestrator joins through the API: bondWithHint places it after orchestrator 1, then transcoderWithHint", async () => {
    const [o1, o2] = [c.address(1), c.address(2)];
    const gift = await c.anvil.wallet(1).writeContract({
      address: c.deployed.addresses.LivepeerToken,
      abi: c.deployed.abis.LivepeerToken,
      functionName: "transfer",
      args: [o2, 100n * LPT],
    } as never);
    await c.anvil.client.waitForTransactionReceipt({ hash: gift, pollingInterval: 10 });
    const built = (await (
      await post(c.url, "/v1/staking/tx/bond", {
        from: o2,
        args: { amount: (100n * LPT).toString(), to: o2 },
      })
    ).json()) as Built;
    expect(built.transactions.map((t) => t.function)).toEqual(["approve", "bondWithHint"]);
    // A first self-bond registers it, and it joins the pool below orchestrator 1: pair (o1, 0).
    expect(hinted(built.transactions[1]!, "bondWithHint")).toEqual([
      100n * LPT,
      o2,
      zeroAddress,
      zeroAddress,
      o1,
      zeroAddress,
    ]);
    await send(2, built);
    expect((await c.chain.getTranscoderPool()).map((m) => m.address.toLowerCase())).toEqual([o1, o2]);

    const transcoder = (await (
      await post(c.url, "/v1/staking/tx/transcoder", {
        from: o2,
        args: { rewardCut: "100000", feeShare: "500000" },
      })
    ).json()) as Built;
    // Already in the pool: the contract moves nothing, and the pair is (0, 0).
    expect(hinted(transcoder.transactions[0]!, "transcoderWithHint")).toEqual([
      100_000n,
      500_000n,
      zeroAddress,
      zeroAddress,
    ]);
    expect(BigInt(transcoder.transactions[0]!.gas!)).toBeGreaterThan(21_000n);
    await send(2, transcoder);
    expect(await c.chain.getTranscoder(o2)).toMatchObject({ rewardCut: 100_000n, feeShare: 500_000n });
  }, 120_000);

  test("a write that would revert is refused with the devnet's code, and nothing is built", async () => {
    const res = await post(c.url, "/v1/staking/tx/unbond", {
      from: c.address(4),
      args: { amount: LPT.toString() },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("NOT_BONDED");
    const huge = await post(c.url, "/v1/staking/tx/unbond", {
      from: c.address(4),
      args: { amount: (2n ** 256n).toString() },
    });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { code: string }).code).toBe("INVALID_AMOUNT");
    // More ether than the account holds (anvil gives each 100000).
    const rich = await post(c.url, "/v1/staking/tx/fundDeposit", {
      from: c.address(4),
      args: { amount: (200_000n * LPT).toString() },
    });
    expect(rich.status).toBe(422);
    expect(((await rich.json()) as { code: string }).code).toBe("INSUFFICIENT_BALANCE");
  }, 60_000);

  test("funding carries its value; unlock follows; the sender's broker state changes", async () => {
    const s5 = c.address(5);
    const built = (await (
      await post(c.url, "/v1/staking/tx/fundDepositAndReserve", {
        from: s5,
        args: { deposit: (2n * LPT).toString(), reserve: LPT.toString() },
      })
    ).json()) as Built;
    expect(built.transactions).toHaveLength(1);
    expect(built.transactions[0]).toMatchObject({
      to: c.deployed.addresses.TicketBroker.toLowerCase(),
      value: (3n * LPT).toString(),
      function: "fundDepositAndReserve",
    });
    await send(5, built);
    const info = await c.chain.getSenderInfo(s5);
    expect(info.sender.deposit).toBe(2n * LPT);
    expect(info.reserve.fundsRemaining).toBe(LPT);

    const unlock = (await (
      await post(c.url, "/v1/staking/tx/unlock", { from: s5, args: {} })
    ).json()) as Built;
    await send(5, unlock);
    expect(await c.chain.isUnlockInProgress(s5)).toBe(true);
  }, 60_000);

  test("unbond, then rebond the lock; claimEarnings targets the current round", async () => {
    const d3 = c.address(3);
    // The bond above is Pending until the next round; unbond wants Bonded.
    await c.nextRound();
    const res = await post(c.url, "/v1/staking/tx/unbond", { from: d3, args: { amount: LPT.toString() } });
    const unbond = (await res.json()) as Built;
    expect({ status: res.status, unbond }).toMatchObject({ status: 200 });
    // Orchestrator 1, 1 LPT lighter, stays above orchestrator 2: pair (0, o2).
    const o2 = c.address(2);
    expect(hinted(unbond.transactions[0]!, "unbondWithHint")).toEqual([LPT, zeroAddress, o2]);
    await send(3, unbond);
    const locks = await c.chain.getDelegatorUnbondingLocks(d3);
    expect(locks.map((l) => l.amount)).toEqual([LPT]);
    const rebond = (await (
      await post(c.url, "/v1/staking/tx/rebond", { from: d3, args: { lockId: locks[0]!.id.toString() } })
    ).json()) as Built;
    expect(hinted(rebond.transactions[0]!, "rebondWithHint")).toEqual([locks[0]!.id, zeroAddress, o2]);
    await send(3, rebond);
    expect(await c.chain.getDelegatorUnbondingLocks(d3)).toEqual([]);

    const claim = (await (
      await post(c.url, "/v1/staking/tx/claimEarnings", { from: d3, args: {} })
    ).json()) as Built;
    const decoded = decodeFunctionData({ abi: bondingManagerAbi, data: claim.transactions[0]!.data });
    expect(decoded.functionName).toBe("claimEarnings");
    expect(decoded.args).toEqual([await c.chain.currentRound()]);
  }, 60_000);

  test("a signed request on the chain ledger is 409 STAKING_NEEDS_TRANSACTION, its nonce unspent", async () => {
    const body = await signStakingRequest(c.account(4), {
      action: "bond",
      args: { amount: "1000", to: c.address(1) },
      chainId: 31337,
    });
    const res = await post(c.url, "/v1/staking/bond", body);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("STAKING_NEEDS_TRANSACTION");
    expect(await c.deps.db.select().from(authNonces)).toEqual([]);
  }, 30_000);

  test("an unbonded delegator's lock rebonds to another orchestrator with rebondFromUnbondedWithHint", async () => {
    const [o1, o2, d4] = [c.address(1), c.address(2), c.address(4)];
    const bond = (await (
      await post(c.url, "/v1/staking/tx/bond", { from: d4, args: { amount: (10n * LPT).toString(), to: o1 } })
    ).json()) as Built;
    await send(4, bond);
    await c.nextRound();
    // All of it (its claimed stake) makes it Unbonded, holding one lock.
    const all = await c.chain.pendingStake(d4);
    const unbond = (await (
      await post(c.url, "/v1/staking/tx/unbond", { from: d4, args: { amount: all.toString() } })
    ).json()) as Built;
    await send(4, unbond);
    expect((await c.chain.getDelegator(d4)).status).toBe("Unbonded");
    const [lock] = await c.chain.getDelegatorUnbondingLocks(d4);
    const res = await post(c.url, "/v1/staking/tx/rebond", {
      from: d4,
      args: { lockId: lock!.id.toString(), to: o2 },
    });
    const rebond = (await res.json()) as Built;
    expect(res.status).toBe(200);
    // Orchestrator 2 gains the lock and stays below orchestrator 1: pair (o1, 0).
    expect(hinted(rebond.transactions[0]!, "rebondFromUnbondedWithHint")).toEqual([
      o2,
      lock!.id,
      o1,
      zeroAddress,
    ]);
    await send(4, rebond);
    const d = await c.chain.getDelegator(d4);
    expect({ delegate: d.delegateAddress.toLowerCase(), bonded: d.bondedAmount }).toEqual({
      delegate: o2,
      bonded: all,
    });
    expect((await c.chain.getTranscoderPool()).map((m) => m.address.toLowerCase())).toEqual([o1, o2]);
  }, 120_000);

  test("setRewardCaller: refused with LEDGER_FEATURE_MISSING where the BondingManager predates it, else built", async () => {
    const res = await post(c.url, "/v1/staking/tx/setRewardCaller", {
      from: c.address(1),
      args: { rewardCaller: c.address(5) },
    });
    if (rewardCallerMissing() !== undefined) {
      expect(res.status).toBe(501);
      expect(((await res.json()) as { code: string }).code).toBe("LEDGER_FEATURE_MISSING");
      return;
    }
    const built = (await res.json()) as Built;
    expect(built.transactions[0]!.data.slice(0, 10)).toBe(toFunctionSelector("setRewardCaller(address)"));
    await send(1, built);
    expect(await c.chain.transcoderToRewardCaller(c.address(1))).toBe(c.address(5));
  }, 60_000);
});
