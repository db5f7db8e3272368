import { describe, expect, test } from "bun:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import { keccak256 as viemKeccak } from "viem";
import { bytesToHex } from "../../../src/protocol/bytes.ts";
import { keccak256 } from "../../../src/protocol/keccak.ts";

describe("keccak256", () => {
  test("known vectors: the empty string and 'abc'", () => {
    expect(bytesToHex(keccak256(new Uint8Array(0)))).toBe(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(bytesToHex(keccak256(new TextEncoder().encode("abc")))).toBe(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
  });

  test("agrees with @noble/hashes at every length across block boundaries (0..410 bytes)", () => {
    for (let len = 0; len <= 410; len++) {
      const data = Uint8Array.from({ length: len }, (_, i) => (i * 131 + len * 7) & 0xff);
      expect(bytesToHex(keccak256(data))).toBe(bytesToHex(keccak_256(data)));
    }
  });

  test("agrees with viem on random inputs, and writes at an offset without touching the rest", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 16 }), (data, offset) => {
        const out = new Uint8Array(offset + 40).fill(0xee);
        keccak256(data, out, offset);
        expect(bytesToHex(out.subarray(offset, offset + 32))).toBe(viemKeccak(data));
        expect(out.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(out.subarray(offset + 32).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
