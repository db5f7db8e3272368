import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  isSuspended,
  type RandomSource,
  recordFailure,
  recordSuccess,
  type SelectionCandidate,
  selectionWeights,
  selectOrchestrator,
} from "../../../src/protocol/index.ts";
import type { Address } from "../../../src/protocol/types.ts";

const addr = (i: number) => `0x${i.toString(16).padStart(40, "0")}` as Address;
const LPT = 10n ** 18n;

/** Deterministic PRNG (xorshift-ish over bigint) so statistics never flake. */
function seededRandom(seed: bigint): RandomSource {
  let s = seed | 1n;
  const mask = (1n << 64n) - 1n;
  return (bound) => {
    s ^= (s << 13n) & mask;
    s ^= s >> 7n;
    s ^= (s << 17n) & mask;
    // Two rounds give 128 bits, enough headroom for the bounds used here.
    const hi = s;
    s ^= (s << 13n) & mask;
    s ^= s >> 7n;
    s ^= (s << 17n) & mask;
    return ((hi << 64n) | s) % bound;
  };
}

const candidatesArb = fc
  .array(
    fc.record({
      stake: fc.bigInt({ min: 0n, max: 10n ** 24n }),
      latency: fc.option(fc.integer({ min: 1, max: 900 })),
    }),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((xs) =>
    xs.map((x, i): SelectionCandidate => {
      const c: SelectionCandidate = { address: addr(i + 1), stake: x.stake };
      if (x.latency !== null) c.latencyMs = x.latency;
      return c;
    }),
  );

describe("selectOrchestrator", () => {
  test("never picks a suspended or filtered-out orchestrator", () => {
    fc.assert(
      fc.property(
        candidatesArb,
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.bigInt({ min: 1n }),
        fc.option(fc.integer({ min: 0, max: 1000 })),
        (cands, suspend, drop, seed, threshold) => {
          let suspensions = {};
          cands.forEach((c, i) => {
            if (suspend[i])
              for (let k = 0; k < 2; k++) suspensions = recordFailure(suspensions, c.address, 5);
          });
          const dropped = new Set(cands.filter((_, i) => drop[i]).map((c) => c.address));
          const opts = {
            random: seededRandom(seed),
            suspensions,
            refresh: 6,
            filter: (c: SelectionCandidate) => !dropped.has(c.address),
            ...(threshold === null ? {} : { latencyThresholdMs: threshold }),
          };
          const picked = selectOrchestrator(cands, opts);
          const eligible = cands.filter((_c, i) => !suspend[i] && !drop[i]);
          if (eligible.length === 0) return picked === null;
          return picked !== null && eligible.includes(picked);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("prefers the lowest known latency at or under the threshold", () => {
    const cands: SelectionCandidate[] = [
      { address: addr(1), stake: 100n * LPT, latencyMs: 300 },
      { address: addr(2), stake: 1n, latencyMs: 80 },
      { address: addr(3), stake: 1n, latencyMs: 40 },
      { address: addr(4), stake: 1n },
    ];
    expect(selectOrchestrator(cands, { latencyThresholdMs: 100, random: seededRandom(1n) })?.address).toBe(
      addr(3),
    );
    // Nobody fast enough: falls back to the stake-weighted draw, which can pick any of them.
    const picked = selectOrchestrator(cands, { latencyThresholdMs: 10, random: () => 0n });
    expect(picked?.address).toBe(addr(1));
  });

  test("weights are 0.7 × stake share + 0.3 / N, exactly", () => {
    const cands = [60n, 30n, 10n, 0n].map((s, i) => ({ address: addr(i + 1), stake: s * LPT }));
    const w = selectionWeights(cands);
    const total = w.reduce((a, b) => a + b, 0n);
    // Probabilities in parts per 10,000: 0.7·share + 0.3/4.
    const ppm = w.map((x) => (x * 10_000n) / total);
    expect(ppm).toEqual([4_950n, 2_850n, 1_450n, 750n]);
    expect(selectionWeights(cands.map((c) => ({ ...c, stake: 0n })))).toEqual([1n, 1n, 1n, 1n]);
  });

  test("a draw sweeping the random range picks each in proportion to its weight", () => {
    const cands = [50n, 25n, 20n, 5n].map((s, i) => ({ address: addr(i + 1), stake: s * LPT }));
    const w = selectionWeights(cands);
    const total = w.reduce((a, b) => a + b, 0n);
    const K = 1_000n;
    const counts = new Map<string, bigint>();
    for (let k = 0n; k < K; k++) {
      const picked = selectOrchestrator(cands, { random: (bound) => (bound * k) / K })!;
      counts.set(picked.address, (counts.get(picked.address) ?? 0n) + 1n);
    }
    w.forEach((wi, i) => {
      const expected = (wi * K) / total;
      const got = counts.get(addr(i + 1)) ?? 0n;
      expect(got >= expected - 1n && got <= expected + 1n).toBe(true);
    });
  });

  test("with a seeded source the high-stake orchestrator wins most, the zero-stake one still some", () => {
    const cands = [90n, 10n, 0n].map((s, i) => ({ address: addr(i + 1), stake: s * LPT }));
    const random = seededRandom(42n);
    const counts = [0, 0, 0];
    for (let i = 0; i < 2_000; i++)
      counts[Number(BigInt(selectOrchestrator(cands, { random })!.address)) - 1]!++;
    // Expected 0.73 / 0.17 / 0.10; bounds are loose and the seed fixed, so this cannot flake.
    expect(counts[0]! > 1_300 && counts[0]! < 1_620).toBe(true);
    expect(counts[1]! > 200 && counts[1]! < 500).toBe(true);
    expect(counts[2]! > 100 && counts[2]! < 320).toBe(true);
  });

  test("returns null with no candidates", () => {
    expect(selectOrchestrator([])).toBeNull();
  });

  test("the default CSPRNG source only returns eligible orchestrators", () => {
    const cands = [1n, 2n, 3n].map((s, i) => ({ address: addr(i + 1), stake: s }));
    for (let i = 0; i < 50; i++) {
      expect(cands).toContain(selectOrchestrator(cands, { filter: (c) => c.address !== addr(2) })!);
      expect(selectOrchestrator(cands, { filter: (c) => c.address !== addr(2) })!.address).not.toBe(addr(2));
    }
  });
});

describe("suspension bookkeeping", () => {
  test("suspends after the threshold, for longer on repeated failures, and clears on success", () => {
    const o = addr(7);
    let s = recordFailure({}, o, 10);
    expect(isSuspended(s, o, 10)).toBe(false); // one failure is forgiven
    s = recordFailure(s, o, 11);
    expect(isSuspended(s, o, 11)).toBe(true);
    expect(isSuspended(s, o, 13)).toBe(true);
    expect(isSuspended(s, o, 14)).toBe(false); // 11 + 3 refreshes
    s = recordFailure(s, o, 14);
    expect(isSuspended(s, o, 19)).toBe(true); // penalty doubled: 14 + 6
    expect(isSuspended(s, o, 20)).toBe(false);
    const cleared = recordSuccess(s, o);
    expect(isSuspended(cleared, o, 15)).toBe(false);
    expect(cleared[o]).toBeUndefined();
    expect(s[o]?.failures).toBe(3); // the old state is untouched (pure data)
  });

  test("keys are case-insensitive", () => {
    const s = recordFailure(
      recordFailure({}, "0xABCDEF0000000000000000000000000000000000", 0),
      "0xabcdef0000000000000000000000000000000000",
      0,
    );
    expect(isSuspended(s, "0xAbCdEf0000000000000000000000000000000000", 1)).toBe(true);
  });
});
