import { describe, expect, test } from "bun:test";
import { decryptKeystore, encryptKeystore } from "../../../src/cli/lpx/keystore.ts";
import { canonical, DOMAIN_NAME, DOMAIN_VERSION, REQUEST_TYPES } from "../../../src/cli/lpx/signing.ts";
import { formatAmount, parseAmount, parsePercent } from "../../../src/cli/lpx/units.ts";
import {
  canonicalArgs,
  STAKING_DOMAIN_NAME,
  STAKING_DOMAIN_VERSION,
  stakingTypes,
} from "../../../src/wire/staking.ts";

// The CLI imports no project code (src/cli's rule), so it keeps its own copy of the staking
// request's EIP-712 shape: these tests hold the copy to the wire contract.
describe("lpx", () => {
  test("signs exactly the staking API's EIP-712 request", () => {
    expect(REQUEST_TYPES).toEqual(stakingTypes);
    expect([DOMAIN_NAME, DOMAIN_VERSION]).toEqual([STAKING_DOMAIN_NAME, STAKING_DOMAIN_VERSION]);
    const args = { to: "0xabc", amount: "10", lockId: "3" };
    expect(canonical(args)).toBe(canonicalArgs(args));
  });

  test("keystores: the Web3 Secret Storage pbkdf2 test vector, a scrypt round trip, a wrong password", () => {
    const vector = {
      crypto: {
        cipher: "aes-128-ctr",
        cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
        ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
        kdf: "pbkdf2",
        kdfparams: {
          c: 262144,
          dklen: 32,
          prf: "hmac-sha256",
          salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
        },
        mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
      },
      id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
      version: 3,
    };
    expect(decryptKeystore(JSON.stringify(vector), "testpassword")).toBe(
      "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
    );
    const key = `0x${"42".repeat(32)}` as const;
    const ks = JSON.stringify(encryptKeystore(key, "pw", 1 << 10));
    expect(decryptKeystore(ks, "pw")).toBe(key);
    expect(() => decryptKeystore(ks, "other")).toThrow("keystore: wrong password");
    expect(() => decryptKeystore("{", "pw")).toThrow("keystore: the file is not JSON");
  });

  test("amounts are exact in both directions; bad ones are usage errors", () => {
    expect(parseAmount("1000", "LPT")).toBe(1000n * 10n ** 18n);
    expect(parseAmount("0.000000000000000001 ETH", "ETH")).toBe(1n);
    expect(formatAmount(1234567n * 10n ** 17n, "LPT")).toBe("123,456.7 LPT");
    expect(parsePercent("12.5", "cut")).toBe(125_000n);
    expect(() => parseAmount("1 ETH", "LPT")).toThrow("must be an amount of LPT");
    expect(() => parseAmount("1.0000000000000000001", "LPT")).toThrow();
    expect(() => parsePercent("100.5", "cut")).toThrow("from 0 to 100");
  });
});
