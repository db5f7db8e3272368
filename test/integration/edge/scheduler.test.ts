import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { edgeLeases, rewardCalls } from "../../../src/edge/db/schema/edge.ts";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import { defaultGenesis } from "../../../src/edge/ledger/genesis.ts";
import type { Ledger } from "../../../src/edge/ledger/types.ts";
import { METRIC } from "../../../src/edge/metrics.ts";
import { leaseTtlMs, SCHEDULER_LEASE, tick } from "../../../src/edge/scheduler/tick.ts";
import { type ChainWorld, startChainWorld } from "../../helpers/contracts/chain-world.ts";
import { devnetOf, genesisAccount, genesisKey, makeEdge, type TestEdge } from "../../helpers/edge.ts";
import { describeOnLedgers, edgeOn } from "../../helpers/ledgers.ts";

// The scheduler on both ledgers (the devnet, and the real contracts on anvil seeded with the
// default genesis). Two edges share one database. They host orchestrator 1 (active) and 7
// (registered, below the active set).
const orch1 = genesisAccount(1).address.toLowerCase() as `0x${string}`;
const orch7 = genesisAccount(7).address.toLowerCase() as `0x${string}`;
const hosted = [
  { privateKey: genesisKey(1), serviceURI: "http://127.0.0.1:9" },
  { privateKey: genesisKey(7), serviceURI: "http://127.0.0.1:9" },
];

describeOnLedgers("scheduler", (kind) => {
  let a: TestEdge;
  let b: TestEdge;
  /** Fails reward() while set: a fault injected in front of the real devnet. */
  let failReward = false;

  let chain: ChainWorld | undefined;
  const keys = [genesisAccount(1), genesisAccount(7)];
  const advanceRound = () => (chain ? chain.advanceRound() : devnetOf(a).advanceRound());

  beforeAll(async () => {
    if (kind === "chain") chain = await startChainWorld(defaultGenesis());
    a = await makeEdge({ orchestrators: hosted }, await edgeOn(chain, keys));
    // A second edge on the same database file, as a second process would be (its own ledger too).
    b = await makeEdge({ orchestrators: hosted }, await edgeOn(chain, keys, { dbUrl: a.dbUrl }));
    const real = a.deps.ledger;
    a.deps.ledger = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === "reward" && failReward) {
          return async () => {
            throw new LedgerError("LEDGER_UNAVAILABLE", "injected outage");
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    }) as Ledger;
  }, 300_000); // deploying the contracts on a loaded machine
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await chain?.close();
  });

  const rowsFor = async (orchestrator: string) =>
    a.deps.db.select().from(rewardCalls).where(eq(rewardCalls.orchestrator, orchestrator));

  describe("tick", () => {
    test("one leader: the first edge takes the lease, the second follows and does nothing", async () => {
      const ta = await tick(a.deps);
      const tb = await tick(b.deps);
      expect(ta.led).toBe(true);
      expect(tb.led).toBe(false);
      expect(tb.rewards).toEqual([]);
      const [lease] = await a.deps.db.select().from(edgeLeases).where(eq(edgeLeases.name, SCHEDULER_LEASE));
      expect(lease?.holder).toBe(ta.holder);
      expect(ta.errors).toEqual([]);
      expect(ta.redeemed).toBeDefined();
      expect(ta.rewards.find((r) => r.orchestrator === orch1)?.status).toBe("succeeded");
      expect(ta.rewards.find((r) => r.orchestrator === orch7)).toMatchObject({
        status: "skipped",
        reason: "inactive",
      });
      expect(a.deps.metrics.render()).toMatch(
        new RegExp(`${METRIC.rewardCalls}\\{orchestrator="${orch1}",outcome="succeeded"\\} 1`),
      );
    });

    test("reward() once per round: a second tick in the same round records nothing new", async () => {
      const round = await a.deps.ledger.currentRound();
      const again = await tick(a.deps);
      expect(again.rewards.find((r) => r.orchestrator === orch1)).toMatchObject({
        status: "skipped",
        reason: "recorded",
      });
      const rows = (await rowsFor(orch1)).filter((r) => BigInt(r.round) === round);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: "succeeded", attempts: 1 });
      expect(BigInt(rows[0]!.amount!)).toBeGreaterThan(0n);
      const events = (await a.deps.ledger.getEvents({ name: "Reward", address: orch1 })).filter(
        (e) => e.round === round,
      );
      expect(events).toHaveLength(1);
    });

    test("initializes a due round, then rewards in it", async () => {
      await advanceRound();
      expect(await a.deps.ledger.currentRoundInitialized()).toBe(false);
      const t = await tick(a.deps);
      expect(t.initialized).toBe(await a.deps.ledger.currentRound());
      expect(await a.deps.ledger.currentRoundInitialized()).toBe(true);
      expect(t.rewards.find((r) => r.orchestrator === orch1)?.status).toBe("succeeded");
    });

    test("with initializeRounds off, a due round stays uninitialized and nothing is rewarded", async () => {
      await advanceRound();
      a.deps.config.scheduler.initializeRounds = false;
      try {
        const t = await tick(a.deps);
        expect(t.initialized).toBeUndefined();
        expect(t.rewards).toEqual([]);
        expect(await a.deps.ledger.currentRoundInitialized()).toBe(false);
      } finally {
        a.deps.config.scheduler.initializeRounds = true;
      }
    });

    test("a failed reward() is recorded with its error, retried, and never overwrites a success", async () => {
      failReward = true;
      const failed = await tick(a.deps); // initializes the round, then reward fails
      failReward = false;
      const round = await a.deps.ledger.currentRound();
      expect(failed.rewards.find((r) => r.orchestrator === orch1)?.status).toBe("failed");
      let [row] = (await rowsFor(orch1)).filter((r) => BigInt(r.round) === round);
      expect(row).toMatchObject({ status: "failed", errorCode: "LEDGER_UNAVAILABLE", attempts: 1 });
      const retried = await tick(a.deps);
      expect(retried.rewards.find((r) => r.orchestrator === orch1)?.status).toBe("succeeded");
      [row] = (await rowsFor(orch1)).filter((r) => BigInt(r.round) === round);
      expect(row).toMatchObject({ status: "succeeded", attempts: 2, errorCode: null });
      expect(a.deps.metrics.render()).toContain(
        `${METRIC.rewardCallErrors}{code="LEDGER_UNAVAILABLE",orchestrator="${orch1}"} 1`,
      );
    });

    test("when the leader's lease expires, the other edge takes over", async () => {
      const realNow = b.deps.clock.now;
      b.deps.clock.now = () => realNow() + leaseTtlMs(b.deps) + 1_000;
      try {
        const tb = await tick(b.deps);
        expect(tb.led).toBe(true);
      } finally {
        b.deps.clock.now = realNow;
      }
      // Now b holds it; a (with the real clock) follows.
      expect((await tick(a.deps)).led).toBe(false);
    });

    test("both edges ticking at once in a new round: one leads, one reward() reaches the ledger", async () => {
      await advanceRound();
      const ticks = await Promise.all([tick(a.deps), tick(b.deps)]);
      const round = await a.deps.ledger.currentRound();
      expect(ticks.filter((t) => t.led)).toHaveLength(1);
      expect(ticks.flatMap((t) => t.errors)).toEqual([]);
      const succeeded = ticks.flatMap((t) =>
        t.rewards.filter((r) => r.orchestrator === orch1 && r.status === "succeeded"),
      );
      expect(succeeded).toHaveLength(1);
      const events = (await a.deps.ledger.getEvents({ name: "Reward", address: orch1 })).filter(
        (e) => e.round === round,
      );
      expect(events).toHaveLength(1);
      expect((await rowsFor(orch1)).filter((r) => BigInt(r.round) === round)).toHaveLength(1);
      expect((await a.deps.ledger.getTranscoder(orch1)).lastRewardRound).toBe(round);
    });

    test("a missed round is never backfilled: the next tick rewards the current round only", async () => {
      const rewarded = await a.deps.ledger.currentRound();
      const missed = await advanceRound(); // nobody ticks in this round
      await advanceRound();
      const [t] = (await Promise.all([tick(a.deps), tick(b.deps)])).filter((x) => x.led);
      const round = await a.deps.ledger.currentRound();
      expect(round).toBe(missed + 1n);
      expect(t!.initialized).toBe(round);
      expect(t!.rewards.find((r) => r.orchestrator === orch1)).toMatchObject({ round, status: "succeeded" });
      expect(await a.deps.ledger.lastInitializedRound()).toBe(round);
      const rounds = (await a.deps.ledger.getEvents({ name: "Reward", address: orch1 })).map((e) => e.round);
      expect(rounds).toContain(rewarded);
      expect(rounds).toContain(round);
      expect(rounds).not.toContain(missed);
      expect((await rowsFor(orch1)).map((r) => BigInt(r.round))).not.toContain(missed);
      // The missed round's earnings pool never got a reward factor, and never will.
      const pool = await a.deps.ledger.getTranscoderEarningsPoolForRound(orch1, missed);
      expect(pool.cumulativeRewardFactor).toBe(0n);
      expect((await tick(t!.holder === a.deps.services.schedulerHolder ? a.deps : b.deps)).rewards).toEqual([
        expect.objectContaining({ orchestrator: orch1, status: "skipped", reason: "recorded" }),
        expect.objectContaining({ orchestrator: orch7, status: "skipped", reason: "inactive" }),
      ]);
    });
  });
});
