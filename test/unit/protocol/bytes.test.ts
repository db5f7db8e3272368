import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { numberToHex } from "viem";
import { bytesToBigInt, bytesToHex, MAX_UINT256, writeUint256 } from "../../../src/protocol/bytes.ts";

describe("bytesToBigInt / writeUint256", () => {
  test("bytesToBigInt reads big-endian at any length and from a subarray", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 7 }), (data, skip) => {
        const view = data.subarray(Math.min(skip, data.length));
        const want = view.length === 0 ? 0n : BigInt(bytesToHex(view));
        expect(bytesToBigInt(view)).toBe(want);
      }),
      { numRuns: 400 },
    );
    const max = new Uint8Array(33).fill(0xff).subarray(1);
    expect(bytesToBigInt(max)).toBe(MAX_UINT256);
  });

  test("writeUint256 writes 32 big-endian bytes at an offset, nothing else", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_UINT256 }),
        fc.integer({ min: 0, max: 9 }),
        (value, offset) => {
          const out = new Uint8Array(offset + 36).fill(0xee);
          writeUint256(out, offset, value);
          expect(bytesToHex(out.subarray(offset, offset + 32))).toBe(numberToHex(value, { size: 32 }));
          expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
          expect(out.subarray(offset + 32).every((b) => b === 0xee)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  test("writeUint256 rejects values outside uint256 and leaves the buffer alone", () => {
    const out = new Uint8Array(32);
    expect(() => writeUint256(out, 0, -1n)).toThrow(RangeError);
    expect(() => writeUint256(out, 0, MAX_UINT256 + 1n)).toThrow(RangeError);
    expect(out.every((b) => b === 0)).toBe(true);
  });
});
