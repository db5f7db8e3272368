import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bondingRate, createReward, mintableTokens, nextInflation } from "../../../src/protocol/minter.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";

const base = { inflation: 560_500n, inflationChange: 500n, targetBondingRate: 500_000_000n };

describe("Minter", () => {
  test("inflation steps up below the target, down above it, and stays at the target", () => {
    // 40% bonded < 50% target -> +500; 60% -> -500; exactly 50% -> unchanged.
    expect(nextInflation({ ...base, totalBonded: 40n, totalSupply: 100n })).toBe(561_000n);
    expect(nextInflation({ ...base, totalBonded: 60n, totalSupply: 100n })).toBe(560_000n);
    expect(nextInflation({ ...base, totalBonded: 50n, totalSupply: 100n })).toBe(560_500n);
  });

  test("inflation floors at 0 when the change is larger than it", () => {
    expect(nextInflation({ ...base, inflation: 300n, totalBonded: 9n, totalSupply: 10n })).toBe(0n);
  });

  test("bonding rate is truncated at 1e9 and is 0 without supply", () => {
    expect(bondingRate(1n, 3n)).toBe(333_333_333n);
    expect(bondingRate(5n, 0n)).toBe(0n);
  });

  test("mintable tokens are supply * inflation / 1e9", () => {
    // 5,010,000 LPT at 561,500 -> 2,813.115 LPT.
    expect(mintableTokens(5_010_000n * 10n ** 18n, 561_500n)).toBe(2_813_115n * 10n ** 15n);
  });

  test("createReward takes the stake's share with the fraction truncated at 1e9 first", () => {
    // mintable 1000, share 1/3 -> percPoints = 333333333 -> 1000 * 333333333 / 1e9 = 333.
    const r = createReward({ currentMintableTokens: 1000n, currentMintedTokens: 0n }, 1n, 3n);
    expect(r).toEqual({ amount: 333n, currentMintedTokens: 333n });
  });

  test("createReward refuses to mint more than mintable in a round", () => {
    const round = { currentMintableTokens: 1000n, currentMintedTokens: 900n };
    expect(() => createReward(round, 1n, 2n)).toThrow(LivepeerError);
    try {
      createReward(round, 1n, 2n);
    } catch (e) {
      expect((e as LivepeerError).code).toBe("MINT_EXCEEDS_MINTABLE");
    }
  });

  test("property: rewards for any split of the active stake never exceed mintable", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 27n }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 25n }), { minLength: 1, maxLength: 50 }),
        (mintable, stakes) => {
          const total = stakes.reduce((a, b) => a + b, 0n);
          let round = { currentMintableTokens: mintable, currentMintedTokens: 0n };
          for (const s of stakes) {
            const r = createReward(round, s, total);
            round = { ...round, currentMintedTokens: r.currentMintedTokens };
          }
          expect(round.currentMintedTokens).toBeLessThanOrEqual(mintable);
          // and at most one unit per call is lost to truncation, plus the 1e9 fraction rounding
          expect(mintable - round.currentMintedTokens).toBeLessThanOrEqual(
            BigInt(stakes.length) * (mintable / 10n ** 9n + 1n),
          );
        },
      ),
    );
  });

  test("property: inflation never goes negative and moves by at most inflationChange", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 6n }),
        fc.bigInt({ min: 0n, max: 10n ** 27n }),
        fc.bigInt({ min: 1n, max: 10n ** 27n }),
        (inflation, change, bonded, supply) => {
          const next = nextInflation({
            inflation,
            inflationChange: change,
            targetBondingRate: 500_000_000n,
            totalBonded: bonded,
            totalSupply: supply,
          });
          expect(next).toBeGreaterThanOrEqual(0n);
          const diff = next > inflation ? next - inflation : inflation - next;
          expect(diff).toBeLessThanOrEqual(change);
        },
      ),
    );
  });
});
