// Encrypted keys in go-livepeer's keystore format (geth's, Web3 Secret Storage v3): the key is
// AES-128-CTR encrypted under the first 16 bytes of a scrypt (or PBKDF2-SHA256) derived key, and a
// keccak256 MAC over the derived key's second half and the ciphertext tells a wrong password from a
// damaged file. Decryption errors never carry the password or the key.
import { ctr } from "@noble/ciphers/aes.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { scrypt } from "@noble/hashes/scrypt.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { privateKeyToAccount } from "viem/accounts";
import { LivepeerError } from "../../../wire/errors.ts";

export interface KeystoreJson {
  address?: string;
  id?: string;
  version: number;
  crypto?: KeystoreCrypto;
  /** geth writes "crypto"; some older files say "Crypto". */
  Crypto?: KeystoreCrypto;
}

interface KeystoreCrypto {
  cipher: string;
  ciphertext: string;
  cipherparams: { iv: string };
  kdf: string;
  kdfparams: Record<string, number | string>;
  mac: string;
}

const hex = (s: string): Uint8Array => {
  const clean = s.startsWith("0x") ? s.slice(2) : s;
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error("not hex");
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
};
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const bad = (why: string) => new LivepeerError("KEYSTORE_INVALID", `keystore: ${why}`);

function deriveKey(c: KeystoreCrypto, password: string): Uint8Array {
  const p = c.kdfparams;
  const salt = hex(String(p.salt));
  const dkLen = Number(p.dklen);
  if (dkLen < 32) throw bad("dklen must be at least 32");
  const pw = new TextEncoder().encode(password);
  if (c.kdf === "scrypt") return scrypt(pw, salt, { N: Number(p.n), r: Number(p.r), p: Number(p.p), dkLen });
  if (c.kdf === "pbkdf2") {
    if (p.prf !== "hmac-sha256") throw bad(`unsupported prf ${String(p.prf)}`);
    return pbkdf2(sha256, pw, salt, { c: Number(p.c), dkLen });
  }
  throw bad(`unsupported kdf ${c.kdf}`);
}

/** The private key (0x hex) in a v3 keystore; KEYSTORE_PASSWORD when the MAC does not match. */
export function decryptKeystore(json: KeystoreJson, password: string): `0x${string}` {
  if (json.version !== 3) throw bad(`version ${json.version} (only 3 is supported)`);
  const c = json.crypto ?? json.Crypto;
  if (!c) throw bad("no crypto section");
  if (c.cipher !== "aes-128-ctr") throw bad(`unsupported cipher ${c.cipher}`);
  let key: Uint8Array;
  let ciphertext: Uint8Array;
  try {
    ciphertext = hex(c.ciphertext);
    key = deriveKey(c, password);
  } catch (err) {
    if (err instanceof LivepeerError) throw err;
    throw bad("malformed crypto parameters");
  }
  const mac = keccak_256(concat(key.slice(16, 32), ciphertext));
  if (toHex(mac) !== c.mac.toLowerCase().replace(/^0x/, "")) {
    throw new LivepeerError("KEYSTORE_PASSWORD", "keystore: wrong password (MAC mismatch)");
  }
  const plain = ctr(key.slice(0, 16), hex(c.cipherparams.iv)).decrypt(ciphertext);
  const privateKey = `0x${toHex(plain)}` as const;
  if (json.address) {
    const derived = privateKeyToAccount(privateKey).address.slice(2).toLowerCase();
    if (derived !== json.address.toLowerCase().replace(/^0x/, "")) {
      throw bad(`the key does not belong to the file's address ${json.address}`);
    }
  }
  return privateKey;
}

/**
 * Encrypts a private key as geth does (scrypt N=2^18, r=8, p=1 by default; go-livepeer's "light"
 * N=2^12, p=6 is accepted too): for tests and for writing a node's key.
 */
export function encryptKeystore(
  privateKey: `0x${string}`,
  password: string,
  options: { n?: number; r?: number; p?: number; salt?: Uint8Array; iv?: Uint8Array; id?: string } = {},
): KeystoreJson {
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(32));
  const iv = options.iv ?? crypto.getRandomValues(new Uint8Array(16));
  const kdfparams = {
    dklen: 32,
    n: options.n ?? 262_144,
    r: options.r ?? 8,
    p: options.p ?? 1,
    salt: toHex(salt),
  };
  const key = scrypt(new TextEncoder().encode(password), salt, {
    N: kdfparams.n,
    r: kdfparams.r,
    p: kdfparams.p,
    dkLen: 32,
  });
  const ciphertext = ctr(key.slice(0, 16), iv).encrypt(hex(privateKey));
  return {
    address: privateKeyToAccount(privateKey).address.slice(2).toLowerCase(),
    id: options.id ?? crypto.randomUUID(),
    version: 3,
    crypto: {
      cipher: "aes-128-ctr",
      ciphertext: toHex(ciphertext),
      cipherparams: { iv: toHex(iv) },
      kdf: "scrypt",
      kdfparams,
      mac: toHex(keccak_256(concat(key.slice(16, 32), ciphertext))),
    },
  };
}
