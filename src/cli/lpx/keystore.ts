import { ctr } from "@noble/ciphers/aes.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { scrypt } from "@noble/hashes/scrypt.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, hexToBytes, randomBytes } from "@noble/hashes/utils.js";
import { CliError } from "./errors.ts";

// Ethereum V3 keystores (geth, go-livepeer's -ethKeystorePath, Foundry's `cast wallet`):
// scrypt or pbkdf2 (sha256) derives a key; AES-128-CTR holds the secret; keccak MAC checks it.

interface Kdf {
  kdf: "scrypt" | "pbkdf2";
  kdfparams: { dklen: number; salt: string; n?: number; r?: number; p?: number; c?: number; prf?: string };
}

export interface KeystoreV3 {
  version: 3;
  id?: string;
  address?: string;
  crypto: Kdf & {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    mac: string;
  };
}

function derive(c: Kdf, password: string): Uint8Array {
  const p = c.kdfparams;
  const salt = hexToBytes(p.salt);
  if (c.kdf === "scrypt") {
    return scrypt(password, salt, { N: p.n ?? 0, r: p.r ?? 0, p: p.p ?? 0, dkLen: p.dklen });
  }
  if (c.kdf === "pbkdf2" && (p.prf ?? "hmac-sha256") === "hmac-sha256") {
    return pbkdf2(sha256, password, salt, { c: p.c ?? 0, dkLen: p.dklen });
  }
  throw new CliError(`keystore: unsupported key derivation ${c.kdf} ${p.prf ?? ""}`.trim());
}

const mac = (key: Uint8Array, ciphertext: Uint8Array) =>
  bytesToHex(keccak_256(new Uint8Array([...key.slice(16, 32), ...ciphertext])));

/** The private key in a V3 keystore; a wrong password is a clear error, not a wrong key. */
export function decryptKeystore(json: string, password: string): `0x${string}` {
  let ks: KeystoreV3;
  try {
    ks = JSON.parse(json) as KeystoreV3;
  } catch {
    throw new CliError("keystore: the file is not JSON");
  }
  const c =
    (ks as { crypto?: KeystoreV3["crypto"]; Crypto?: KeystoreV3["crypto"] }).crypto ??
    (ks as { Crypto?: KeystoreV3["crypto"] }).Crypto;
  if (ks.version !== 3 || !c) throw new CliError("keystore: not a version 3 keystore");
  if (c.cipher !== "aes-128-ctr") throw new CliError(`keystore: unsupported cipher ${c.cipher}`);
  const key = derive(c, password);
  const ciphertext = hexToBytes(c.ciphertext);
  if (mac(key, ciphertext) !== c.mac.replace(/^0x/, "").toLowerCase()) {
    throw new CliError("keystore: wrong password (the MAC does not match)");
  }
  const secret = ctr(key.slice(0, 16), hexToBytes(c.cipherparams.iv)).decrypt(ciphertext);
  return `0x${bytesToHex(secret)}`;
}

/** A V3 keystore (scrypt) for `privateKey`; `n` is scrypt's cost (2^18 in geth; lower for tests). */
export function encryptKeystore(privateKey: `0x${string}`, password: string, n = 1 << 18): KeystoreV3 {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const key = scrypt(password, salt, { N: n, r: 8, p: 1, dkLen: 32 });
  const ciphertext = ctr(key.slice(0, 16), iv).encrypt(hexToBytes(privateKey.slice(2)));
  return {
    version: 3,
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: bytesToHex(iv) },
      ciphertext: bytesToHex(ciphertext),
      kdf: "scrypt",
      kdfparams: { dklen: 32, salt: bytesToHex(salt), n, r: 8, p: 1 },
      mac: mac(key, ciphertext),
    },
  };
}
