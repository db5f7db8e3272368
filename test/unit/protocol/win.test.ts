import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodePacked, keccak256 } from "viem";
import {
  bytesToHex,
  isWinningTicket,
  MAX_WIN_PROB,
  ticketEV,
  uint256ToBytes,
  winProbFor,
  winsAgainstBytes,
} from "../../../src/protocol/index.ts";
import type { Hex } from "../../../src/protocol/types.ts";

const sigArb = fc
  .uint8Array({ minLength: 65, maxLength: 65 })
  .map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const uint256 = fc.bigInt({ min: 0n, max: MAX_WIN_PROB });

describe("isWinningTicket", () => {
  test("compares keccak256(sig ‖ uint256(rand)) with winProb, like the contract", () => {
    fc.assert(
      fc.property(sigArb, uint256, uint256, (sig, rand, winProb) => {
        const h = BigInt(keccak256(encodePacked(["bytes", "uint256"], [sig, rand])));
        expect(isWinningTicket(sig, rand, winProb)).toBe(h < winProb);
        // Right at the boundary: winProb == h loses, h + 1 wins.
        expect(isWinningTicket(sig, rand, h)).toBe(false);
        if (h < MAX_WIN_PROB) expect(isWinningTicket(sig, rand, h + 1n)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test("winProb 0 never wins; a malformed signature never wins", () => {
    expect(isWinningTicket(`0x${"11".repeat(65)}`, 5n, 0n)).toBe(false);
    expect(isWinningTicket("0xnothex" as Hex, 5n, MAX_WIN_PROB)).toBe(false);
  });
});

describe("ticketEV / winProbFor", () => {
  test("fixed vector: 1 ETH face value at 1/1000 odds is worth 0.001 ETH", () => {
    const fv = 10n ** 18n;
    const wp = winProbFor(10n ** 15n, fv);
    expect(ticketEV(fv, wp)).toBe(10n ** 15n);
    expect(ticketEV(fv, MAX_WIN_PROB)).toBe(fv);
    expect(ticketEV(fv, 0n)).toBe(0n);
  });

  test("round trip is exact for ev ≤ faceValue below 2^128 (all realistic wei amounts)", () => {
    const amount = fc.bigInt({ min: 1n, max: (1n << 128n) - 1n });
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const [ev, fv] = a <= b ? [a, b] : [b, a];
        const wp = winProbFor(ev, fv);
        return wp <= MAX_WIN_PROB && ticketEV(fv, wp) === ev;
      }),
      { numRuns: 500 },
    );
  });

  test("in general the round trip never undershoots and overshoots by less than ev·fv/(2^256-1) + 1", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_WIN_PROB }),
        fc.bigInt({ min: 1n, max: MAX_WIN_PROB }),
        (ev, fv) => {
          const wp = winProbFor(ev, fv);
          const back = ticketEV(fv, wp);
          if (wp === MAX_WIN_PROB) return back === fv; // capped: the ticket always wins
          return back >= ev && back <= ev + (ev * fv) / MAX_WIN_PROB + 1n;
        },
      ),
      { numRuns: 500 },
    );
  });

  test("ev above faceValue caps at certainty", () => {
    expect(winProbFor(10n, 5n)).toBe(MAX_WIN_PROB);
    expect(() => winProbFor(1n, 0n)).toThrow();
  });
});

describe("winsAgainstBytes", () => {
  test("agrees with isWinningTicket, boundaries included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 65, maxLength: 65 }), uint256, uint256, (sig, rand, winProb) => {
        const h = BigInt(keccak256(encodePacked(["bytes", "uint256"], [bytesToHex(sig), rand])));
        for (const wp of [winProb, h, h + 1n, h - 1n, 0n, MAX_WIN_PROB]) {
          if (wp < 0n || wp > MAX_WIN_PROB) continue;
          expect(winsAgainstBytes(sig, rand, uint256ToBytes(wp))).toBe(isWinningTicket(sig, rand, wp));
        }
      }),
      { numRuns: 200 },
    );
  });
});
