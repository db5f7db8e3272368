import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { encodeAbiParameters, encodePacked, keccak256 } from "viem";
import {
  deriveRecipientRand,
  type RecipientRandInput,
  recipientRandHash,
} from "../../../src/protocol/index.ts";
import type { LivepeerError } from "../../../src/wire/errors.ts";

const secret = new Uint8Array(32).map((_, i) => i + 1);
const input: RecipientRandInput = {
  seed: 123_456_789n,
  sender: "0x3333333333333333333333333333333333333333",
  faceValue: 10n ** 17n,
  winProb: 1n << 250n,
  expirationBlock: 19_000_040n,
  pricePerUnit: 1_200n,
  pixelsPerUnit: 1n,
};

describe("deriveRecipientRand", () => {
  test("is HMAC-SHA256(secret, fixed-width params) as a uint256 (checked with node:crypto)", () => {
    const msg = encodePacked(
      ["uint256", "address", "uint256", "uint256", "uint256", "uint256", "uint256"],
      [
        input.seed,
        input.sender,
        input.faceValue,
        input.winProb,
        input.expirationBlock,
        input.pricePerUnit,
        input.pixelsPerUnit,
      ],
    );
    const mac = createHmac("sha256", secret)
      .update(Buffer.from(msg.slice(2), "hex"))
      .digest("hex");
    expect(deriveRecipientRand(secret, input)).toBe(BigInt(`0x${mac}`));
  });

  test("is stable, and changes when any bound field or the secret changes", () => {
    const base = deriveRecipientRand(secret, input);
    expect(deriveRecipientRand(secret, { ...input })).toBe(base);
    const bump: Array<keyof RecipientRandInput> = [
      "seed",
      "faceValue",
      "winProb",
      "expirationBlock",
      "pricePerUnit",
      "pixelsPerUnit",
    ];
    for (const k of bump) {
      expect(deriveRecipientRand(secret, { ...input, [k]: (input[k] as bigint) + 1n })).not.toBe(base);
    }
    expect(
      deriveRecipientRand(secret, { ...input, sender: "0x3333333333333333333333333333333333333334" }),
    ).not.toBe(base);
    const other = new Uint8Array(secret);
    other[0] = 99;
    expect(deriveRecipientRand(other, input)).not.toBe(base);
  });

  test("refuses a short secret", () => {
    try {
      deriveRecipientRand(new Uint8Array(8), input);
      throw new Error("expected a throw");
    } catch (e) {
      expect((e as LivepeerError).code).toBe("RECIPIENT_SECRET_TOO_SHORT");
    }
  });
});

describe("recipientRandHash", () => {
  test("is keccak256 of the 32-byte uint256", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (r) => {
        return recipientRandHash(r) === keccak256(encodeAbiParameters([{ type: "uint256" }], [r]));
      }),
      { numRuns: 200 },
    );
  });

  test("commits to the derived rand: revealing it reproduces the published hash", () => {
    const rand = deriveRecipientRand(secret, input);
    expect(recipientRandHash(rand)).toBe(recipientRandHash(deriveRecipientRand(secret, input)));
    expect(recipientRandHash(rand)).not.toBe(recipientRandHash(rand + 1n));
  });
});
