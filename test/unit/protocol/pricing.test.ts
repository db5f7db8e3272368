import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  DEFAULT_LADDER,
  feeForUnits,
  overpayment,
  PRESETS,
  pricePerPixel,
  ticketsForFee,
  transcodeFee,
} from "../../../src/protocol/index.ts";
import { LivepeerError } from "../../../src/wire/errors.ts";

describe("pricePerPixel", () => {
  test("is pricePerUnit / pixelsPerUnit, reduced", () => {
    expect(pricePerPixel(1_200n, 1n)).toEqual({ num: 1_200n, den: 1n });
    expect(pricePerPixel(1_000n, 300n)).toEqual({ num: 10n, den: 3n });
    expect(pricePerPixel(0n, 7n)).toEqual({ num: 0n, den: 1n });
    expect(() => pricePerPixel(1n, 0n)).toThrow(LivepeerError);
  });
});

describe("transcodeFee", () => {
  const ladder = DEFAULT_LADDER.map((n) => PRESETS[n]!);

  test("default ladder, 2 s at 1,200 wei per pixel: Σ w·h·fps·s × price", () => {
    const pixels = (426n * 240n * 30n + 640n * 360n * 30n) * 2n;
    expect(transcodeFee(ladder, 2_000n, pricePerPixel(1_200n, 1n))).toBe(pixels * 1_200n);
  });

  test("fractional fps and a fractional price round up once, at the end", () => {
    // 29.97 fps for 1.001 s of 2x2 pixels = 4 × 30000/1001 × 1.001 = 120 pixels; × 1/7 wei → 17.14 → 18.
    const fee = transcodeFee([{ width: 2, height: 2, fps: 30_000, fpsDen: 1_001 }], 1_001n, {
      num: 1n,
      den: 7n,
    });
    expect(fee).toBe(18n);
  });

  test("is additive in duration up to rounding", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 7n }), fc.bigInt({ min: 0n, max: 10n ** 7n }), (a, b) => {
        const p = pricePerPixel(3n, 7n);
        const whole = transcodeFee(ladder, a + b, p);
        const parts = transcodeFee(ladder, a, p) + transcodeFee(ladder, b, p);
        return whole <= parts && parts <= whole + 1n;
      }),
    );
  });

  test("rejects non-integral dimensions", () => {
    expect(() => transcodeFee([{ width: 1.5, height: 2, fps: 30 }], 1_000n, { num: 1n, den: 1n })).toThrow(
      LivepeerError,
    );
  });
});

describe("feeForUnits / ticketsForFee", () => {
  test("feeForUnits rounds up to whole wei", () => {
    expect(feeForUnits(10n, { num: 1n, den: 3n })).toBe(4n);
    expect(feeForUnits(9n, { num: 1n, den: 3n })).toBe(3n);
    expect(feeForUnits(0n, { num: 5n, den: 1n })).toBe(0n);
  });

  test("ticketsForFee sends the fewest tickets whose EV covers the fee", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        (fee, ev) => {
          const n = ticketsForFee(fee, ev);
          return (
            n * ev >= fee &&
            (n === 0n || (n - 1n) * ev < fee) &&
            overpayment(fee, ev) === n * ev - fee &&
            overpayment(fee, ev) < ev
          );
        },
      ),
    );
    expect(() => ticketsForFee(10n, 0n)).toThrow(LivepeerError);
  });
});
