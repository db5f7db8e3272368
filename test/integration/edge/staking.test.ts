import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { signStakingRequest } from "../../../src/client/staking.ts";
import { authNonces } from "../../../src/edge/db/schema/edge.ts";
import { pruneNonces } from "../../../src/edge/services/staking/authorize.ts";
import { DEVNET_CHAIN_ID, type StakingAction, type StakingArgs } from "../../../src/wire/staking.ts";
import { devnetOf, genesisAccount, json, makeEdge, type TestEdge } from "../../helpers/edge.ts";

// Signed writes: each request is signed with the caller's key (EIP-712) and applied as the signer.
let edge: TestEdge;
const delegator = genesisAccount(4); // bonded to orchestrator 1, holds spare LPT
const stranger = genesisAccount(5);
const orch1 = genesisAccount(1).address.toLowerCase() as `0x${string}`;
const orch2 = genesisAccount(2).address.toLowerCase() as `0x${string}`;
const orch7 = genesisAccount(7);

beforeAll(async () => {
  edge = await makeEdge();
});
afterAll(() => edge.close());

const send = (action: string, body: unknown) =>
  edge.app.request(`/v1/staking/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const sign = <A extends StakingAction>(
  account = delegator,
  action: A,
  args: StakingArgs[A],
  extra: { deadline?: bigint; chainId?: number } = {},
) =>
  signStakingRequest(account, {
    action,
    args,
    chainId: extra.chainId ?? DEVNET_CHAIN_ID,
    now: edge.deps.clock.now(),
    ...(extra.deadline === undefined ? {} : { deadline: extra.deadline }),
  });

const nowSec = () => BigInt(Math.floor(edge.deps.clock.now() / 1000));

describe("staking writes: happy paths", () => {
  test("bond adds stake as the signer and returns the ledger receipt", async () => {
    const before = await edge.deps.ledger.getDelegator(delegator.address);
    const res = await send("bond", await sign(delegator, "bond", { amount: "1000", to: orch1 }));
    expect(res.status).toBe(200);
    const body = await json<{
      caller: string;
      ref: string;
      events: { name: string; args: Record<string, string> }[];
    }>(res);
    expect(body.caller).toBe(delegator.address.toLowerCase());
    expect(body.ref).toMatch(/^0x[0-9a-f]{64}$/);
    expect(body.events.map((e) => e.name)).toContain("Bond");
    const after = await edge.deps.ledger.getDelegator(delegator.address);
    expect(after.bondedAmount - before.bondedAmount >= 1000n).toBe(true);
  });

  test("unbond then rebond the lock; withdrawStake once the lock matures", async () => {
    const unbond = await send("unbond", await sign(delegator, "unbond", { amount: "400" }));
    expect(unbond.status).toBe(200);
    let locks = await edge.deps.ledger.getDelegatorUnbondingLocks(delegator.address);
    const lock = locks.find((l) => l.amount === 400n);
    expect(lock).toBeDefined();
    const rebond = await send("rebond", await sign(delegator, "rebond", { lockId: lock!.id.toString() }));
    expect(rebond.status).toBe(200);
    locks = await edge.deps.ledger.getDelegatorUnbondingLocks(delegator.address);
    expect(locks.find((l) => l.id === lock!.id)).toBeUndefined();

    const again = await send("unbond", await sign(delegator, "unbond", { amount: "100" }));
    const lock2 = (await edge.deps.ledger.getDelegatorUnbondingLocks(delegator.address)).find(
      (l) => l.amount === 100n,
    )!;
    expect(again.status).toBe(200);
    const early = await send(
      "withdrawStake",
      await sign(delegator, "withdrawStake", { lockId: lock2.id.toString() }),
    );
    expect(early.status).toBe(422);
    expect(await json(early)).toMatchObject({ code: "LOCK_NOT_WITHDRAWABLE" });
    while ((await edge.deps.ledger.currentRound()) < lock2.withdrawRound) {
      await devnetOf(edge).advanceRound();
      await edge.deps.ledger.initializeRound(orch1);
    }
    const lpt = await edge.deps.ledger.balanceOf(delegator.address);
    const ok = await send(
      "withdrawStake",
      await sign(delegator, "withdrawStake", { lockId: lock2.id.toString() }),
    );
    expect(ok.status).toBe(200);
    expect((await edge.deps.ledger.balanceOf(delegator.address)) - lpt).toBe(100n);
  });

  test("claimEarnings, transcoder and setServiceURI for a registered orchestrator", async () => {
    const claim = await send("claimEarnings", await sign(delegator, "claimEarnings", {}));
    expect(claim.status).toBe(200);
    expect((await json<{ events: { name: string }[] }>(claim)).events.map((e) => e.name)).toContain(
      "EarningsClaimed",
    );

    const cut = await send(
      "transcoder",
      await sign(orch7, "transcoder", { rewardCut: "200000", feeShare: "400000" }),
    );
    // Rounds advance only on request here, so the block sits at the round's start: never locked.
    expect(cut.status).toBe(200);
    const t = await edge.deps.ledger.getTranscoder(orch7.address);
    expect([t.rewardCut, t.feeShare]).toEqual([200000n, 400000n]);
    const uri = await send(
      "setServiceURI",
      await sign(orch7, "setServiceURI", { uri: "https://o7.example:8935" }),
    );
    expect(uri.status).toBe(200);
    expect(await edge.deps.ledger.getServiceURI(orch7.address)).toBe("https://o7.example:8935");
  });

  test("setRewardCaller: a signed request names the signer's reward caller", async () => {
    const caller = stranger.address.toLowerCase() as `0x${string}`;
    const res = await send("setRewardCaller", await sign(orch7, "setRewardCaller", { rewardCaller: caller }));
    expect(res.status).toBe(200);
    const body = await json<{ events: { name: string; args: Record<string, string> }[] }>(res);
    expect(
      body.events.map((e) => [e.name, e.args.transcoder?.toLowerCase(), e.args.rewardCaller?.toLowerCase()]),
    ).toEqual([["RewardCallerSet", orch7.address.toLowerCase(), caller]]);
    expect((await edge.deps.ledger.transcoderToRewardCaller(orch7.address)).toLowerCase()).toBe(caller);
    // It is keyed on the signer: a stranger's request names a caller for the stranger, no one else.
    const other = await send(
      "setRewardCaller",
      await sign(stranger, "setRewardCaller", { rewardCaller: orch2 }),
    );
    expect(other.status).toBe(200);
    expect((await edge.deps.ledger.transcoderToRewardCaller(stranger.address)).toLowerCase()).toBe(orch2);
    expect((await edge.deps.ledger.transcoderToRewardCaller(orch7.address)).toLowerCase()).toBe(caller);
  });

  test("ticket broker: fundDeposit, fundReserve, unlock, then the sender shows unlocking", async () => {
    const s = stranger;
    const before = await edge.deps.ledger.getSenderInfo(s.address);
    expect((await send("fundDeposit", await sign(s, "fundDeposit", { amount: "5000" }))).status).toBe(200);
    expect((await send("fundReserve", await sign(s, "fundReserve", { amount: "7000" }))).status).toBe(200);
    const mid = await edge.deps.ledger.getSenderInfo(s.address);
    expect(mid.sender.deposit - before.sender.deposit).toBe(5000n);
    expect(mid.reserve.fundsRemaining - before.reserve.fundsRemaining).toBe(7000n);
    expect((await send("unlock", await sign(s, "unlock", {}))).status).toBe(200);
    const view = await json(await edge.app.request(`/v1/protocol/senders/${s.address}`));
    expect(view.unlocking).toBe(true);
    const early = await send("withdraw", await sign(s, "withdraw", {}));
    expect(early.status).toBe(422);
    expect((await send("cancelUnlock", await sign(s, "cancelUnlock", {}))).status).toBe(200);
  });
});

describe("staking writes: errors and security", () => {
  test("a ledger revert is 422 with the ledger's code; input errors are 400", async () => {
    const tooMuch = await send(
      "unbond",
      await sign(genesisAccount(6), "unbond", { amount: (10n ** 30n).toString() }),
    );
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.headers.get("content-type")).toBe("application/problem+json");
    expect((await json(tooMuch)).code).toBe("INSUFFICIENT_BONDED");
    const badCut = await send(
      "transcoder",
      await sign(orch7, "transcoder", { rewardCut: "2000000", feeShare: "0" }),
    );
    expect(badCut.status).toBe(400);
    expect(await json(badCut)).toMatchObject({ code: "INVALID_PERCENTAGE" });
  });

  test("garbage signature → 401 AUTH_SIGNATURE_INVALID", async () => {
    const body = await sign(delegator, "bond", { amount: "1", to: orch1 });
    const res = await send("bond", { ...body, signature: `0x${"00".repeat(65)}` });
    expect(res.status).toBe(401);
    expect(await json(res)).toMatchObject({ code: "AUTH_SIGNATURE_INVALID" });
    const short = await send("bond", { ...body, signature: "0x1234" });
    expect(short.status).toBe(401);
  });

  test("wrong signer: signed by one key, claiming another address → 401, nothing applied", async () => {
    const before = await edge.deps.ledger.getDelegator(delegator.address);
    const body = await sign(stranger, "bond", { amount: "1", to: orch1 });
    const res = await send("bond", { ...body, signer: delegator.address });
    expect(res.status).toBe(401);
    expect((await edge.deps.ledger.getDelegator(delegator.address)).bondedAmount).toBe(before.bondedAmount);
  });

  test("tampered args, another action, or another chain id → 401", async () => {
    const body = await sign(delegator, "bond", { amount: "1", to: orch1 });
    expect((await send("bond", { ...body, args: { amount: "2", to: orch1 } })).status).toBe(401);
    expect((await send("bond", { ...body, args: { amount: "1", to: orch2 } })).status).toBe(401);
    const unbondBody = await sign(delegator, "unbond", { amount: "1" });
    expect((await send("fundDeposit", unbondBody)).status).toBe(401);
    const otherChain = await sign(delegator, "unbond", { amount: "1" }, { chainId: 42161 });
    expect((await send("unbond", otherChain)).status).toBe(401);
  });

  test("a replayed nonce → 409 AUTH_NONCE_REPLAYED and the write is applied once", async () => {
    const body = await sign(stranger, "fundDeposit", { amount: "11" });
    const before = (await edge.deps.ledger.getSenderInfo(stranger.address)).sender.deposit;
    expect((await send("fundDeposit", body)).status).toBe(200);
    const replay = await send("fundDeposit", body);
    expect(replay.status).toBe(409);
    expect(await json(replay)).toMatchObject({ code: "AUTH_NONCE_REPLAYED" });
    expect((await edge.deps.ledger.getSenderInfo(stranger.address)).sender.deposit - before).toBe(11n);
  });

  test("expired and too-distant deadlines are refused before anything runs", async () => {
    const expired = await sign(stranger, "fundDeposit", { amount: "1" }, { deadline: nowSec() - 1n });
    const res = await send("fundDeposit", expired);
    expect(res.status).toBe(401);
    expect(await json(res)).toMatchObject({ code: "AUTH_DEADLINE_EXPIRED" });
    const far = await sign(stranger, "fundDeposit", { amount: "1" }, { deadline: nowSec() + 10n ** 6n });
    const res2 = await send("fundDeposit", far);
    expect(res2.status).toBe(400);
    expect(await json(res2)).toMatchObject({ code: "AUTH_DEADLINE_TOO_FAR" });
  });

  test("unknown or extra args are refused (strict schemas) → 400", async () => {
    const body = await sign(delegator, "unbond", { amount: "1" });
    const res = await send("unbond", { ...body, args: { amount: "1", extra: "x" } });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: "VALIDATION_FAILED" });
    const neg = await send("unbond", { ...body, args: { amount: "-5" } });
    expect(neg.status).toBe(400);
    expect((await send("transferEverything", body)).status).toBe(404);
  });

  test("spent nonces are pruned once their deadline passes", async () => {
    const count = async () => (await edge.deps.db.select().from(authNonces)).length;
    expect(await count()).toBeGreaterThan(0);
    const realNow = edge.deps.clock.now;
    edge.deps.clock.now = () => realNow() + 2 * 24 * 3600 * 1000;
    try {
      expect(await pruneNonces(edge.deps)).toBeGreaterThan(0);
    } finally {
      edge.deps.clock.now = realNow;
    }
    expect(await count()).toBe(0);
  });
});
