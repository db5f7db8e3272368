import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { LocalAccount } from "viem";
import { bytesToBigInt, bytesToHex, hexToBytesOrNull, sameAddress, uint256ToBytes } from "./bytes.ts";
import { keccak256 } from "./keccak.ts";
import { ticketHash, ticketHashBytes } from "./ticket.ts";
import type { Address, Hex, Ticket } from "./types.ts";

/** secp256k1 group order n, and n/2 (the low-s bound). */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;

/** Why a ticket signature was rejected: stable codes for logs and problem+json. */
export type SignatureRejection =
  | "SIG_LENGTH" // not 65 bytes (or not hex)
  | "SIG_V" // v not 27 or 28
  | "SIG_RANGE" // r or s is 0 or >= n
  | "SIG_HIGH_S" // s > n/2 (malleable twin)
  | "SIG_RECOVERY" // no public key recovers from it
  | "SIGNER_MISMATCH"; // recovers to someone other than the sender

/** A signature that passed the shape checks: r‖s (64 bytes), and the recovery bit from v. */
export interface ParsedSignature {
  /** r and s as integers, for backends that compute with them (read from `compact` on demand). */
  readonly r: bigint;
  readonly s: bigint;
  readonly recovery: 0 | 1;
  readonly compact: Uint8Array;
}

const N_BYTES = uint256ToBytes(SECP256K1_N);
const HALF_N_BYTES = uint256ToBytes(SECP256K1_HALF_N);

/** Compares the 32 big-endian bytes at b[at..] with `c`: negative, zero or positive. */
function compare32(b: Uint8Array, at: number, c: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = b[at + i]! - c[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function isZero32(b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) if (b[at + i] !== 0) return false;
  return true;
}

/**
 * The parsed form: r and s become integers only when a backend asks (the native and wasm ones
 * take the bytes), which keeps two 256-bit conversions off every ticket.
 */
class Parsed implements ParsedSignature {
  constructor(
    readonly compact: Uint8Array,
    readonly recovery: 0 | 1,
  ) {}
  get r(): bigint {
    return bytesToBigInt(this.compact.subarray(0, 32));
  }
  get s(): bigint {
    return bytesToBigInt(this.compact.subarray(32, 64));
  }
}

export type RecoverResult = { ok: true; signer: Address } | { ok: false; reason: SignatureRejection };
export type VerifyResult = { ok: true } | { ok: false; reason: SignatureRejection };

/**
 * Shape checks the contract and go-livepeer apply before recovery: 65 bytes r‖s‖v,
 * v ∈ {27, 28}, 0 < r, s < n, and s ≤ n/2. Returns a rejection code rather than throwing.
 * The range checks compare bytes with n and n/2 (big-endian, so byte order is numeric order).
 */
export function parseTicketSignature(sig: Hex | Uint8Array): ParsedSignature | SignatureRejection {
  const bytes = typeof sig === "string" ? hexToBytesOrNull(sig) : sig;
  if (bytes === null || bytes.length !== 65) return "SIG_LENGTH";
  const v = bytes[64]!;
  if (v !== 27 && v !== 28) return "SIG_V";
  if (isZero32(bytes, 0) || isZero32(bytes, 32)) return "SIG_RANGE";
  if (compare32(bytes, 0, N_BYTES) >= 0 || compare32(bytes, 32, N_BYTES) >= 0) return "SIG_RANGE";
  if (compare32(bytes, 32, HALF_N_BYTES) > 0) return "SIG_HIGH_S";
  return new Parsed(bytes.subarray(0, 64), v === 27 ? 0 : 1);
}

/** The EIP-191 personal_sign prefix for a 32-byte message. */
export const EIP191_PREFIX_32 = new TextEncoder().encode("\x19Ethereum Signed Message:\n32");

/** EIP-191 personal_sign digest of a 32-byte hash: keccak256("\x19Ethereum Signed Message:\n32" ‖ hash). */
export function ethSignedMessageDigest(hash32: Uint8Array): Uint8Array {
  const buf = new Uint8Array(EIP191_PREFIX_32.length + 32);
  buf.set(EIP191_PREFIX_32, 0);
  buf.set(hash32, EIP191_PREFIX_32.length);
  return keccak256(buf);
}

/** The address of an uncompressed (65-byte, 0x04-prefixed) public key, lower-case. */
export function publicKeyToAddress(uncompressed: Uint8Array): Address {
  return bytesToHex(keccak256(uncompressed.subarray(1)).subarray(12)) as Address;
}

/** Recovers the uncompressed public key (65 bytes) with pure-JS noble, or null. */
export function recoverPublicKeyNoble(digest: Uint8Array, parsed: ParsedSignature): Uint8Array | null {
  try {
    const sig = new secp256k1.Signature(parsed.r, parsed.s, parsed.recovery);
    return sig.recoverPublicKey(digest).toBytes(false);
  } catch {
    return null;
  }
}

/**
 * Signs a ticket the way go-livepeer does: EIP-191 personal_sign of the 32-byte ticket hash.
 * Returns the 65-byte r‖s‖v signature (v ∈ {27, 28}, low s) as hex.
 */
export async function signTicket(account: Pick<LocalAccount, "signMessage">, ticket: Ticket): Promise<Hex> {
  return account.signMessage({ message: { raw: ticketHash(ticket) } });
}

/** Recovers the ticket's signer, after the shape checks. Failures are values, never thrown. */
export function recoverTicketSigner(ticket: Ticket, sig: Hex | Uint8Array): RecoverResult {
  const parsed = parseTicketSignature(sig);
  if (typeof parsed === "string") return { ok: false, reason: parsed };
  const pub = recoverPublicKeyNoble(ethSignedMessageDigest(ticketHashBytes(ticket)), parsed);
  if (pub === null) return { ok: false, reason: "SIG_RECOVERY" };
  return { ok: true, signer: publicKeyToAddress(pub) };
}

/** True (`{ok: true}`) when `sig` is a valid, low-s signature of the ticket by `sender`. */
export function verifyTicketSignature(ticket: Ticket, sig: Hex | Uint8Array, sender: Address): VerifyResult {
  const rec = recoverTicketSigner(ticket, sig);
  if (!rec.ok) return rec;
  return sameAddress(rec.signer, sender) ? { ok: true } : { ok: false, reason: "SIGNER_MISMATCH" };
}
