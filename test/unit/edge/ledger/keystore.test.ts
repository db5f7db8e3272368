import { describe, expect, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import {
  decryptKeystore,
  encryptKeystore,
  type KeystoreJson,
} from "../../../../src/edge/ledger/chain/keystore.ts";
import { LivepeerError } from "../../../../src/wire/errors.ts";

// The Web3 Secret Storage Definition's published test vectors (password "testpassword").
const SPEC_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const SPEC_PBKDF2: KeystoreJson = {
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
const SPEC_SCRYPT: KeystoreJson = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 262144,
      r: 1,
      p: 8,
      salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof LivepeerError ? e.code : String(e);
  }
  return "no error";
};

describe("keystore (Web3 Secret Storage v3, go-livepeer's format)", () => {
  test("decrypts the spec's PBKDF2 and scrypt vectors", () => {
    expect(decryptKeystore(SPEC_PBKDF2, "testpassword")).toBe(SPEC_KEY);
    expect(decryptKeystore(SPEC_SCRYPT, "testpassword")).toBe(SPEC_KEY);
  });

  test("a wrong password is KEYSTORE_PASSWORD and the error names neither password nor key", () => {
    let err: unknown;
    try {
      decryptKeystore(encryptKeystore(SPEC_KEY, "testpassword", { n: 1024, p: 1 }), "not-the-password");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LivepeerError);
    expect((err as LivepeerError).code).toBe("KEYSTORE_PASSWORD");
    const text = `${(err as Error).message} ${JSON.stringify(err)}`;
    expect(text).not.toContain("not-the-password");
    expect(text).not.toContain(SPEC_KEY.slice(2));
  });

  test("a generated keystore (go-livepeer's light scrypt) decrypts to its key and address", () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
    const json = JSON.parse(JSON.stringify(encryptKeystore(key, "pw", { n: 4096, p: 6 }))) as KeystoreJson;
    expect(json.crypto!.kdfparams).toMatchObject({ n: 4096, r: 8, p: 6, dklen: 32 });
    expect(`0x${json.address}`).toBe(privateKeyToAccount(key).address.toLowerCase());
    expect(decryptKeystore(json, "pw")).toBe(key);
    // A file whose address is not its key's is refused, as is a damaged or unknown format.
    expect(code(() => decryptKeystore({ ...json, address: "00".repeat(20) }, "pw"))).toBe("KEYSTORE_INVALID");
    expect(code(() => decryptKeystore({ ...json, version: 1 }, "pw"))).toBe("KEYSTORE_INVALID");
    expect(code(() => decryptKeystore({ ...json, crypto: { ...json.crypto!, kdf: "argon2" } }, "pw"))).toBe(
      "KEYSTORE_INVALID",
    );
    const tampered = { ...json.crypto!, ciphertext: `ff${json.crypto!.ciphertext.slice(2)}` };
    expect(code(() => decryptKeystore({ ...json, crypto: tampered }, "pw"))).toBe("KEYSTORE_PASSWORD");
  });
});
