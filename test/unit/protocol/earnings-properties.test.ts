// fast-check properties of the LIP-36 maths, on a small simulator of one orchestrator and one
// delegator driven only through the pure functions (no devnet).
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  type EarningsPool,
  EMPTY_POOL,
  feeUpdate,
  pendingStakeAndFees,
  rewardUpdate,
  syncPoolForRound,
  type TranscoderEarnings,
} from "../../../src/protocol/earnings.ts";

type Step = { kind: "reward"; amount: bigint } | { kind: "fee"; amount: bigint } | { kind: "skip" };

function simulate(selfBond: bigint, delegated: bigint, rewardCut: bigint, feeShare: bigint) {
  const pools = new Map<bigint, EarningsPool>();
  const poolAt = (r: bigint) => pools.get(r) ?? EMPTY_POOL;
  let stake = selfBond + delegated;
  pools.set(1n, { ...EMPTY_POOL, totalStake: stake });
  let t: TranscoderEarnings = {
    lastRewardRound: 0n,
    lastFeeRound: 0n,
    lastActiveStakeUpdateRound: 1n,
    rewardCut,
    feeShare,
    activeCumulativeRewards: 0n,
    cumulativeRewards: 0n,
    cumulativeFees: 0n,
  };
  let round = 1n;
  let minted = 0n;
  let fees = 0n;
  const minter = {
    currentMintableTokens: 0n,
    currentMintedTokens: 0n,
    currentRoundTotalActiveStake: 1n,
    treasuryRewardCutRate: 0n,
  };
  return {
    step(s: Step) {
      if (s.kind === "skip") {
        round += 1n;
        return;
      }
      if (s.kind === "reward") {
        if (t.lastRewardRound === round) round += 1n;
        const pool = syncPoolForRound(t, poolAt(round), poolAt, round);
        const u = rewardUpdate(t, pool, poolAt, round, s.amount);
        t = { ...u.transcoder, lastActiveStakeUpdateRound: round + 1n };
        pools.set(round, u.pool);
        stake += s.amount;
        pools.set(round + 1n, { ...poolAt(round + 1n), totalStake: stake });
        minted += s.amount;
        // keep the rebuild branch consistent with what was minted for this pool
        minter.currentMintableTokens = s.amount;
        minter.currentMintedTokens = 0n;
        minter.currentRoundTotalActiveStake = pool.totalStake;
        return;
      }
      const u = feeUpdate(t, poolAt(round), poolAt, round, s.amount, minter);
      t = u.transcoder;
      pools.set(round, u.pool);
      fees += s.amount;
    },
    pending() {
      const end = round;
      const d = pendingStakeAndFees(
        { bondedAmount: delegated, fees: 0n, lastClaimRound: 0n, isTranscoder: false },
        t,
        poolAt,
        end,
      );
      const o = pendingStakeAndFees(
        { bondedAmount: selfBond, fees: 0n, lastClaimRound: 0n, isTranscoder: true },
        t,
        poolAt,
        end,
      );
      return { d, o, minted, fees };
    },
  };
}

const stepArb = fc.oneof(
  fc.record({ kind: fc.constant("reward" as const), amount: fc.bigInt({ min: 0n, max: 10n ** 24n }) }),
  fc.record({ kind: fc.constant("fee" as const), amount: fc.bigInt({ min: 0n, max: 10n ** 20n }) }),
  fc.constant({ kind: "skip" as const }),
);

const setupArb = fc.record({
  selfBond: fc.bigInt({ min: 1n, max: 10n ** 25n }),
  delegated: fc.bigInt({ min: 1n, max: 10n ** 25n }),
  rewardCut: fc.bigInt({ min: 0n, max: 1_000_000n }),
  feeShare: fc.bigInt({ min: 0n, max: 1_000_000n }),
});

describe("LIP-36 properties", () => {
  test("delegator claimable stake + orchestrator commission never exceeds what was minted (fees likewise)", () => {
    fc.assert(
      fc.property(setupArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), (s, steps) => {
        const sim = simulate(s.selfBond, s.delegated, s.rewardCut, s.feeShare);
        for (const st of steps) sim.step(st);
        const { d, o, minted, fees } = sim.pending();
        const earnedStake = d.stake - s.delegated + (o.stake - s.selfBond);
        expect(earnedStake).toBeLessThanOrEqual(minted);
        expect(earnedStake).toBeGreaterThanOrEqual(0n);
        expect(d.fees + o.fees).toBeLessThanOrEqual(fees);
      }),
      { numRuns: 300 },
    );
  });

  test("pending stake and fees never fall without a claim", () => {
    fc.assert(
      fc.property(setupArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), (s, steps) => {
        const sim = simulate(s.selfBond, s.delegated, s.rewardCut, s.feeShare);
        let prev = sim.pending();
        for (const st of steps) {
          sim.step(st);
          const now = sim.pending();
          expect(now.d.stake).toBeGreaterThanOrEqual(prev.d.stake);
          expect(now.d.fees).toBeGreaterThanOrEqual(prev.d.fees);
          expect(now.o.stake).toBeGreaterThanOrEqual(prev.o.stake);
          expect(now.o.fees).toBeGreaterThanOrEqual(prev.o.fees);
          prev = now;
        }
      }),
      { numRuns: 200 },
    );
  });

  test("rounding loss on rewards is at most a few wei per reward call (truncation only)", () => {
    fc.assert(
      fc.property(setupArb, fc.array(stepArb, { minLength: 1, maxLength: 30 }), (s, steps) => {
        const sim = simulate(s.selfBond, s.delegated, s.rewardCut, s.feeShare);
        for (const st of steps) sim.step(st);
        const { d, o, minted } = sim.pending();
        const calls = BigInt(steps.filter((x) => x.kind === "reward").length);
        const lost = minted - (d.stake - s.delegated + (o.stake - s.selfBond));
        // Truncation of CRF (1e27) and of the two percOf calls: a few wei per call at most.
        expect(lost).toBeLessThanOrEqual(4n * calls + 4n);
      }),
      { numRuns: 200 },
    );
  });
});
