import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  decideJoin,
  isActiveInRound,
  lowestMember,
  MAX_FUTURE_ROUND,
  type PoolEntry,
  sortPool,
} from "../../../src/protocol/active-set.ts";

const entry = (n: number, stake: bigint, seq = BigInt(n)): PoolEntry => ({
  address: `0x${n.toString(16).padStart(40, "0")}`,
  stake,
  seq,
});

describe("active set", () => {
  test("sorted by stake, highest first; among equal stakes the later insertion sorts higher", () => {
    const sorted = sortPool([entry(1, 5n, 3n), entry(2, 9n, 2n), entry(3, 5n, 1n)]);
    expect(sorted.map((e) => e.address.slice(-1))).toEqual(["2", "1", "3"]);
    expect(lowestMember(sorted)?.address.slice(-1)).toBe("3");
  });

  test("a pool with room takes anyone", () => {
    expect(decideJoin([entry(1, 100n)], 2n, 1n)).toEqual({ joins: true, evicted: undefined });
  });

  test("equal stake does not displace the lowest member of a full pool", () => {
    const pool = [entry(1, 100n), entry(2, 50n)];
    const d = decideJoin(pool, 2n, 50n);
    expect(d.joins).toBe(false);
  });

  test("strictly greater stake evicts the lowest member", () => {
    const pool = [entry(1, 100n), entry(2, 50n)];
    const d = decideJoin(pool, 2n, 51n);
    expect(d).toEqual({ joins: true, evicted: pool[1] });
  });

  test("active in round N when activationRound <= N < deactivationRound (changes at N+1)", () => {
    const t = { activationRound: 6n, deactivationRound: MAX_FUTURE_ROUND };
    expect(isActiveInRound(t, 5n)).toBe(false);
    expect(isActiveInRound(t, 6n)).toBe(true);
    expect(isActiveInRound({ activationRound: 6n, deactivationRound: 9n }, 9n)).toBe(false);
  });

  test("property: a newcomer joins a full pool iff its stake beats the minimum, evicting a minimum member", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 1000n }), { minLength: 1, maxLength: 20 }),
        fc.bigInt({ min: 0n, max: 1100n }),
        (stakes, stake) => {
          const pool = stakes.map((s, i) => entry(i + 1, s));
          const min = [...stakes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0]!;
          const d = decideJoin(pool, BigInt(pool.length), stake);
          expect(d.joins).toBe(stake > min);
          if (d.joins) expect(d.evicted?.stake).toBe(min);
          const roomy = decideJoin(pool, BigInt(pool.length + 1), stake);
          expect(roomy).toEqual({ joins: true, evicted: undefined });
        },
      ),
    );
  });
});
