import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { defaultGenesis } from "../../../src/edge/ledger/genesis.ts";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import { type ChainWorld, startChainWorld } from "../../helpers/contracts/chain-world.ts";
import { devnetOf, genesisAccount, genesisKey, json, makeEdge, type TestEdge } from "../../helpers/edge.ts";
import { describeOnLedgers, edgeOn } from "../../helpers/ledgers.ts";

// Reads against the default genesis: 1, 2, 3 active orchestrators; 4, 5, 6 their delegators;
// 0 a funded sender; 7 registered below the active set. The edge hosts orchestrator 1. On both
// ledgers: the devnet, and the real contracts on anvil seeded with the same genesis.
describeOnLedgers("protocol routes", (kind) => {
  let edge: TestEdge;
  const orch1 = genesisAccount(1).address.toLowerCase();
  const orch7 = genesisAccount(7).address.toLowerCase();
  const delegator4 = genesisAccount(4).address.toLowerCase();
  const sender0 = genesisAccount(0).address.toLowerCase();
  const nobody = "0x00000000000000000000000000000000000000aa";

  let chain: ChainWorld | undefined;
  const advanceRound = () => (chain ? chain.advanceRound() : devnetOf(edge).advanceRound());

  beforeAll(async () => {
    if (kind === "chain") chain = await startChainWorld(defaultGenesis());
    edge = await makeEdge(
      { orchestrators: [{ privateKey: genesisKey(1), serviceURI: "http://127.0.0.1:9" }] },
      await edgeOn(chain, [genesisAccount(1)]),
    );
  }, 300_000); // deploying the contracts on a loaded machine
  afterAll(async () => {
    await edge?.close();
    await chain?.close();
  });

  type Body = Record<string, unknown>;

  describe("protocol reads", () => {
    test("GET /v1/protocol/round", async () => {
      const res = await edge.app.request("/v1/protocol/round");
      expect(res.status).toBe(200);
      const body = await json(res);
      const round = BigInt(body.currentRound as string);
      expect(round).toBe(await edge.deps.ledger.currentRound());
      expect(body.initialized).toBe(await edge.deps.ledger.currentRoundInitialized());
      expect(typeof body.locked).toBe("boolean");
      expect(body.roundLength).toBe((await edge.deps.ledger.roundLength()).toString());
    });

    test("GET /v1/protocol/orchestrators lists the active set by stake with cuts and history", async () => {
      const res = await edge.app.request("/v1/protocol/orchestrators");
      expect(res.status).toBe(200);
      const { orchestrators } = await json<{ orchestrators: Body[] }>(res);
      expect(orchestrators.map((o) => o.address)).toEqual(
        [1, 2, 3].map((i) => genesisAccount(i).address.toLowerCase()),
      );
      // Genesis stakes (self plus delegated) and service URIs: the hosted one is the edge's own.
      expect(orchestrators.map((o) => BigInt(o.totalStake as string))).toEqual(
        [800_000n, 500_000n, 300_000n].map((n) => n * 10n ** 18n),
      );
      expect(orchestrators.map((o) => o.serviceURI)).toEqual([
        "http://127.0.0.1:9",
        "http://127.0.0.1:8787",
        "http://127.0.0.1:8787",
      ]);
      const first = orchestrators[0]!;
      expect(first).toMatchObject({ rewardCut: "100000", feeShare: "500000", active: true, hosted: true });
      expect(first.serviceURI).toMatch(/^http:\/\//);
      expect(Array.isArray(first.rewardHistory)).toBe(true);
      expect(orchestrators[1]?.hosted).toBe(false);
      // The next round's pool holds the same three (7 is below the set).
      const next = await json<{ orchestrators: Body[] }>(
        await edge.app.request("/v1/protocol/orchestrators?set=next"),
      );
      expect(next.orchestrators.map((o) => o.address)).not.toContain(orch7);
    });

    test("reward-call history: rewarded, then missed for a round without reward, pending now", async () => {
      const r0 = await edge.deps.ledger.currentRound();
      const first = await tick(edge.deps);
      expect(first.led).toBe(true);
      expect(first.rewards.find((r) => r.orchestrator === orch1)?.status).toBe("succeeded");
      // Next round: initialize it without rewarding (scheduler reward off for one tick).
      await advanceRound();
      await edge.deps.ledger.initializeRound(orch1 as `0x${string}`);
      await advanceRound();
      await edge.deps.ledger.initializeRound(orch1 as `0x${string}`);
      const res = await edge.app.request(`/v1/protocol/orchestrators/${orch1}`);
      expect(res.status).toBe(200);
      const detail = await json<{ rewardHistory: { round: string; status: string; amount?: string }[] }>(res);
      const byRound = new Map(detail.rewardHistory.map((h) => [BigInt(h.round), h]));
      expect(byRound.get(r0)?.status).toBe("rewarded");
      expect(BigInt(byRound.get(r0)?.amount ?? "0") > 0n).toBe(true);
      expect(byRound.get(r0 + 1n)?.status).toBe("missed");
      expect(byRound.get(r0 + 2n)?.status).toBe("pending");
      expect(detail.rewardHistory[0]?.round).toBe((r0 + 2n).toString()); // newest first
    });

    test("GET /v1/protocol/orchestrators/{address}: detail, 404 for a stranger, 400 for a bad address", async () => {
      const res = await edge.app.request(`/v1/protocol/orchestrators/${orch7}`);
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ address: orch7, active: false, hosted: false });
      const missing = await edge.app.request(`/v1/protocol/orchestrators/${nobody}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toBe("application/problem+json");
      expect(await json(missing)).toMatchObject({ code: "ORCHESTRATOR_NOT_FOUND" });
      const bad = await edge.app.request("/v1/protocol/orchestrators/0x1234");
      expect(bad.status).toBe(400);
      expect(await json(bad)).toMatchObject({ code: "VALIDATION_FAILED" });
    });

    test("GET /v1/protocol/delegators/{address}: stake, pending, and the claim-timing warning", async () => {
      // Orchestrator 1 has not called reward() in this round yet: the warning is up.
      const before = await json<Body>(await edge.app.request(`/v1/protocol/delegators/${delegator4}`));
      expect(before).toMatchObject({ address: delegator4, status: "Bonded", delegateAddress: orch1 });
      expect(BigInt(before.bondedAmount as string)).toBe(200000n * 10n ** 18n);
      expect(BigInt(before.pendingStake as string) >= BigInt(before.bondedAmount as string)).toBe(true);
      expect(before.warning).toMatchObject({ code: "CLAIM_BEFORE_REWARD" });
      expect(before.unbondingLocks).toEqual([]);
      // After the scheduler's reward() the warning is gone.
      await tick(edge.deps);
      const after = await json<Body>(await edge.app.request(`/v1/protocol/delegators/${delegator4}`));
      expect(after.warning).toBeUndefined();
      expect(BigInt(after.pendingStake as string) > BigInt(before.pendingStake as string)).toBe(true);
    });

    test("GET /v1/protocol/senders/{address}: deposit, reserve, unlock state", async () => {
      const body = await json<Body>(await edge.app.request(`/v1/protocol/senders/${sender0}`));
      expect(body).toMatchObject({
        address: sender0,
        deposit: "10000000000000000000",
        reserve: { fundsRemaining: "10000000000000000000", claimedInCurrentRound: "0" },
        unlocking: false,
      });
      const claim = body.claimableReserve as { orchestrator: string; amount: string }[];
      expect(claim.map((c) => c.orchestrator)).toEqual([orch1]);
      expect(BigInt(claim[0]!.amount) > 0n).toBe(true);
    });
  });
});
