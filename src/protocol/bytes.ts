import type { Hex } from "./types.ts";

/** 2^256 - 1: the largest uint256, also the contract's "certain win" probability. */
export const MAX_UINT256 = (1n << 256n) - 1n;

const HEX_CHARS = "0123456789abcdef";
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, i) => HEX_CHARS[i >> 4]! + HEX_CHARS[i & 15]!);

/** Nibble value of each ASCII code, -1 for a non-hex character: one load instead of three range tests. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[97 + i] = 10 + i;
  NIBBLE[65 + i] = 10 + i;
}

function nibble(code: number): number {
  return code < 128 ? NIBBLE[code]! : -1;
}

/** Decodes 0x-prefixed hex of even length; returns null on malformed input instead of throwing. */
export function hexToBytesOrNull(hex: string): Uint8Array | null {
  if (hex.length < 2 || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 32) !== 120) return null;
  const len = hex.length - 2;
  if (len % 2 !== 0) return null;
  const out = new Uint8Array(len / 2);
  for (let i = 0, c = 2; i < out.length; i++, c += 2) {
    const hi = nibble(hex.charCodeAt(c));
    const lo = nibble(hex.charCodeAt(c + 1));
    if ((hi | lo) < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Decodes 0x-prefixed hex; throws on malformed input (use for trusted configuration). */
export function hexToBytes(hex: string): Uint8Array {
  const out = hexToBytesOrNull(hex);
  if (out === null) throw new TypeError(`invalid hex: ${hex.slice(0, 20)}`);
  return out;
}

/** Lower-case 0x-prefixed hex of the bytes. */
export function bytesToHex(bytes: Uint8Array): Hex {
  let s = "0x";
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_HEX[bytes[i]!];
  return s as Hex;
}

/** Big-endian unsigned integer of the bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 32) {
    // Hashes, r and s: four 64-bit reads beat building a 64-digit hex string (3-4x).
    const dv = new DataView(bytes.buffer, bytes.byteOffset, 32);
    return (
      (dv.getBigUint64(0) << 192n) |
      (dv.getBigUint64(8) << 128n) |
      (dv.getBigUint64(16) << 64n) |
      dv.getBigUint64(24)
    );
  }
  let hex = "0x";
  for (let i = 0; i < bytes.length; i++) hex += BYTE_TO_HEX[bytes[i]!];
  return hex === "0x" ? 0n : BigInt(hex);
}

/** Writes `value` as a big-endian uint256 at `offset` (Solidity's left-padded encoding). */
export function writeUint256(out: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value > MAX_UINT256) throw new RangeError("value does not fit uint256");
  // Four 64-bit writes: cheaper than a toString(16) and 64 nibble decodes.
  const dv = new DataView(out.buffer, out.byteOffset + offset, 32);
  dv.setBigUint64(0, value >> 192n);
  dv.setBigUint64(8, BigInt.asUintN(64, value >> 128n));
  dv.setBigUint64(16, BigInt.asUintN(64, value >> 64n));
  dv.setBigUint64(24, BigInt.asUintN(64, value));
}

/** A uint256 as 32 big-endian bytes. */
export function uint256ToBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  writeUint256(out, 0, value);
  return out;
}

/** Decodes fixed-length hex (an address or bytes32) straight into `out`; throws if malformed. */
export function writeFixedHex(out: Uint8Array, offset: number, hex: string, size: number): void {
  if (hex.length !== 2 + 2 * size || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 32) !== 120) {
    throw new TypeError(`expected ${size} bytes of hex`);
  }
  for (let i = 0; i < size; i++) {
    const hi = nibble(hex.charCodeAt(2 + 2 * i));
    const lo = nibble(hex.charCodeAt(3 + 2 * i));
    if (hi < 0 || lo < 0) throw new TypeError(`expected ${size} bytes of hex`);
    out[offset + i] = (hi << 4) | lo;
  }
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Case-insensitive comparison of two addresses (checksummed or not). */
export function sameAddress(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}
