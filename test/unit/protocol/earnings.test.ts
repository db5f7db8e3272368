import { describe, expect, test } from "bun:test";
import {
  type EarningsPool,
  EMPTY_POOL,
  feeUpdate,
  fillEndFactors,
  latestCumulativeFactors,
  pendingStakeAndFees,
  rebuildPreviousCRF,
  rewardUpdate,
  syncPoolForRound,
  type TranscoderEarnings,
  treasuryShare,
} from "../../../src/protocol/earnings.ts";
import {
  PERC_DIVISOR,
  PRECISE_DIVISOR,
  percOf,
  percOfFraction,
  percPoints,
} from "../../../src/protocol/math.ts";

const E27 = 10n ** 27n;

function transcoder(over: Partial<TranscoderEarnings> = {}): TranscoderEarnings {
  return {
    lastRewardRound: 0n,
    lastFeeRound: 0n,
    lastActiveStakeUpdateRound: 0n,
    rewardCut: 0n,
    feeShare: 0n,
    activeCumulativeRewards: 0n,
    cumulativeRewards: 0n,
    cumulativeFees: 0n,
    ...over,
  };
}

function pools(entries: [bigint, Partial<EarningsPool>][]) {
  const m = new Map(entries.map(([r, p]) => [r, { ...EMPTY_POOL, ...p }]));
  return (r: bigint) => m.get(r) ?? EMPTY_POOL;
}

describe("math helpers (docs/protocol.md: integer arithmetic)", () => {
  test("percOf(x, a, b) truncates the fraction before applying it", () => {
    // 1/3 at 1e6 is 333333; 999 * 333333 / 1e6 = 332.99 -> 332, whereas 999 * 1 / 3 = 333.
    expect(percPoints(1n, 3n)).toBe(333_333n);
    expect(percOfFraction(999n, 1n, 3n)).toBe(332n);
    expect(percOf(999n, 333_333n)).toBe(332n);
    expect(PERC_DIVISOR).toBe(1_000_000n);
    expect(PRECISE_DIVISOR).toBe(E27);
  });
});

describe("reward update (LIP-36)", () => {
  test("commission is truncated first and CRF is prevCRF + prevCRF * percPoints(delegatorsRewards, stake)", () => {
    // R = 7, rewardCut 333333: commission = floor(7 * 0.333333) = 2, delegators get 5.
    // percPoints_1e27(5, 3) = floor(5e27 / 3) = 1666666666666666666666666666.
    const t = transcoder({ rewardCut: 333_333n, lastRewardRound: 0n });
    const pool: EarningsPool = { ...EMPTY_POOL, totalStake: 3n, transcoderRewardCut: 333_333n };
    const u = rewardUpdate(t, pool, pools([]), 5n, 7n);
    expect(u.commission).toBe(2n);
    expect(u.delegatorsRewards).toBe(5n);
    expect(u.pool.cumulativeRewardFactor).toBe(2666666666666666666666666666n);
    expect(u.transcoder.lastRewardRound).toBe(5n);
    expect(u.transcoder.cumulativeRewards).toBe(2n);
  });

  test("CRF builds on the CRF of lastRewardRound, not of N-1 (an assignment)", () => {
    const t = transcoder({ lastRewardRound: 3n });
    const prev = pools([[3n, { cumulativeRewardFactor: 2n * E27 }]]);
    const pool: EarningsPool = { ...EMPTY_POOL, totalStake: 100n, cumulativeRewardFactor: 9n * E27 };
    const u = rewardUpdate(t, pool, prev, 6n, 50n);
    // 2e27 + 2e27 * 0.5 = 3e27, whatever pool N held before.
    expect(u.pool.cumulativeRewardFactor).toBe(3n * E27);
  });

  test("cumulativeRewards grows by the rewards earned on activeCumulativeRewards plus commission", () => {
    // cumulativeRewards 10 of stake 100; R = 50 with cut 20%: commission 10, delegators 40;
    // rewards on the orchestrator's earned rewards = 40 * 10/100 = 4 -> 10 + 4 + 10 = 24.
    const t = transcoder({ cumulativeRewards: 10n, rewardCut: 200_000n });
    const pool = { ...EMPTY_POOL, totalStake: 100n, transcoderRewardCut: 200_000n };
    const u = rewardUpdate(t, pool, pools([]), 2n, 50n);
    expect(u.transcoder.activeCumulativeRewards).toBe(10n);
    expect(u.transcoder.cumulativeRewards).toBe(24n);
  });

  test("syncPoolForRound copies cut/share and the stake of lastActiveStakeUpdateRound", () => {
    const t = transcoder({ rewardCut: 1n, feeShare: 2n, lastActiveStakeUpdateRound: 4n });
    const synced = syncPoolForRound(t, EMPTY_POOL, pools([[4n, { totalStake: 77n }]]), 9n);
    expect(synced).toMatchObject({ totalStake: 77n, transcoderRewardCut: 1n, transcoderFeeShare: 2n });
    const notSynced = syncPoolForRound(
      { ...t, lastActiveStakeUpdateRound: 9n },
      { ...EMPTY_POOL, totalStake: 5n },
      pools([]),
      9n,
    );
    expect(notSynced.totalStake).toBe(5n);
  });

  test("treasury share is total * rate / 1e27", () => {
    expect(treasuryShare(1_000n, 10n ** 26n)).toBe(100n);
    expect(treasuryShare(999n, 10n ** 26n)).toBe(99n);
  });
});

describe("fee update (LIP-36)", () => {
  test("CFF grows by prevCRF * percPoints(delegatorsFees, stake); commission goes to cumulativeFees", () => {
    // Pool N-1 CRF 1.5e27; F = 1000 with feeShare 50%: delegators 500, commission 500.
    // percPoints_1e27(500, 3000) = floor(500e27/3000) = 166666666666666666666666666;
    // CFF = 1.5e27 * that / 1e27 = 249999999999999999999999999.
    const t = transcoder({ feeShare: 500_000n, lastRewardRound: 4n, lastActiveStakeUpdateRound: 4n });
    const lookup = pools([
      [4n, { totalStake: 3000n, cumulativeRewardFactor: 15n * 10n ** 26n }],
      [5n, { totalStake: 3000n }],
    ]);
    const u = feeUpdate(t, lookup(5n), lookup, 5n, 1000n, {
      currentMintableTokens: 0n,
      currentMintedTokens: 0n,
      currentRoundTotalActiveStake: 3000n,
      treasuryRewardCutRate: 0n,
    });
    expect(u.delegatorsFees).toBe(500n);
    expect(u.commissionFees).toBe(500n);
    expect(u.pool.cumulativeFeeFactor).toBe(249999999999999999999999999n);
    expect(u.transcoder.cumulativeFees).toBe(500n);
    expect(u.transcoder.lastFeeRound).toBe(5n);
    // A second fee in the same round adds to CFF[N] rather than to prev.CFF.
    const lookup2 = pools([
      [4n, { totalStake: 3000n, cumulativeRewardFactor: 15n * 10n ** 26n }],
      [5n, u.pool],
    ]);
    const u2 = feeUpdate(u.transcoder, u.pool, lookup2, 5n, 1000n, {
      currentMintableTokens: 0n,
      currentMintedTokens: 0n,
      currentRoundTotalActiveStake: 3000n,
      treasuryRewardCutRate: 0n,
    });
    expect(u2.pool.cumulativeFeeFactor).toBe(2n * 249999999999999999999999999n);
  });

  test("previous CRF is rebuilt from currentMintableTokens + currentMintedTokens (the contract's quirk)", () => {
    // mintable 1000, minted 500: rewards = 1500 * percPoints(50, 100) = 750; cut 0, treasury 0;
    // prevCRF = 2e27 * percPoints(50, 750 + 50) / 1e27 = 2e27 * 0.0625 = 1.25e26.
    const pool = { ...EMPTY_POOL, totalStake: 50n, cumulativeRewardFactor: 2n * E27 };
    const minter = {
      currentMintableTokens: 1000n,
      currentMintedTokens: 500n,
      currentRoundTotalActiveStake: 100n,
      treasuryRewardCutRate: 0n,
    };
    expect(rebuildPreviousCRF(pool, minter)).toBe(125n * 10n ** 24n);
    // With a 10% treasury cut and a 20% reward cut: 750 - 75 = 675; 675 - 135 = 540;
    // percPoints(50, 590) = floor(50e27/590) = 84745762711864406779661016; * 2 = 169491525423728813559322032.
    expect(
      rebuildPreviousCRF(
        { ...pool, transcoderRewardCut: 200_000n },
        { ...minter, treasuryRewardCutRate: 10n ** 26n },
      ),
    ).toBe(169491525423728813559322032n);
  });

  test("fees after reward in a round whose previous round had no reward use the rebuilt CRF", () => {
    // Missed round 4 (CRF 0), reward in 5 set CRF[5] = 2e27 (the first reward ever: prev = 1e27).
    const t = transcoder({ feeShare: PERC_DIVISOR, lastRewardRound: 5n, lastActiveStakeUpdateRound: 6n });
    const lookup = pools([
      [5n, { totalStake: 50n, cumulativeRewardFactor: 2n * E27, transcoderFeeShare: PERC_DIVISOR }],
    ]);
    const minter = {
      currentMintableTokens: 1000n,
      currentMintedTokens: 500n,
      currentRoundTotalActiveStake: 100n,
      treasuryRewardCutRate: 0n,
    };
    const u = feeUpdate(t, lookup(5n), lookup, 5n, 100n, minter);
    // CFF = 1.25e26 * percPoints(100, 50) / 1e27 = 1.25e26 * 2 = 2.5e26.
    expect(u.pool.cumulativeFeeFactor).toBe(25n * 10n ** 25n);
  });
});

describe("pending stake and fees", () => {
  test("start CRF 0 reads as 1e27; end falls back to lastRewardRound; orchestrators add cumulative values", () => {
    const t = transcoder({
      lastRewardRound: 3n,
      lastFeeRound: 2n,
      cumulativeRewards: 7n,
      cumulativeFees: 9n,
    });
    const lookup = pools([
      [3n, { cumulativeRewardFactor: 15n * 10n ** 26n, cumulativeFeeFactor: 0n }],
      [2n, { cumulativeFeeFactor: 4n * 10n ** 26n }],
    ]);
    const d = { bondedAmount: 1000n, fees: 5n, lastClaimRound: 1n, isTranscoder: false };
    // stake = 1000 * 1.5 = 1500; fees = 5 + 1000 * (0.4e27 - 0) / 1e27 = 405.
    expect(pendingStakeAndFees(d, t, lookup, 6n)).toEqual({ stake: 1500n, fees: 405n });
    expect(pendingStakeAndFees({ ...d, isTranscoder: true }, t, lookup, 6n)).toEqual({
      stake: 1507n,
      fees: 414n,
    });
    // Claimed in the current round: the contract still runs the factors (start = pool 6 as stored)
    // and adds the orchestrator's cumulative values, e.g. after a claim that preceded reward().
    expect(pendingStakeAndFees({ ...d, lastClaimRound: 6n, isTranscoder: true }, t, lookup, 6n)).toEqual({
      stake: 1507n,
      fees: 414n,
    });
  });

  test("latest factors only fall back to rounds strictly before the asked round", () => {
    const t = transcoder({ lastRewardRound: 8n, lastFeeRound: 8n });
    const lookup = pools([[8n, { cumulativeRewardFactor: 3n * E27, cumulativeFeeFactor: E27 }]]);
    expect(latestCumulativeFactors(t, lookup, 7n)).toEqual({
      cumulativeRewardFactor: 0n,
      cumulativeFeeFactor: 0n,
    });
    expect(latestCumulativeFactors(t, lookup, 9n)).toEqual({
      cumulativeRewardFactor: 3n * E27,
      cumulativeFeeFactor: E27,
    });
  });

  test("fillEndFactors fills only zero factors, from earlier reward / fee rounds", () => {
    const t = transcoder({ lastRewardRound: 2n, lastFeeRound: 3n });
    const lookup = pools([
      [2n, { cumulativeRewardFactor: 2n * E27 }],
      [3n, { cumulativeFeeFactor: 5n }],
      [4n, { totalStake: 9n, cumulativeFeeFactor: 6n }],
    ]);
    expect(fillEndFactors(t, lookup, 4n)).toMatchObject({
      totalStake: 9n,
      cumulativeRewardFactor: 2n * E27,
      cumulativeFeeFactor: 6n,
    });
  });
});
