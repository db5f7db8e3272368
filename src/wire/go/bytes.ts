import { type Address, bytesToHex, getAddress, type Hex, hexToBytes } from "viem";

// go-livepeer puts big integers on the wire as big-endian bytes with no leading zeros (Go's
// big.Int.Bytes()); zero is the empty byte string.

/** Minimal big-endian bytes of a non-negative integer (0 → empty). */
export function bigIntToMinimalBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError("negative integer has no wire form");
  if (n === 0n) return new Uint8Array(0);
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return hexToBytes(`0x${hex}`);
}

/** Big-endian bytes (any length, leading zeros allowed) as an unsigned integer. */
export function minimalBytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(bytesToHex(b));
}

/** 32-byte big-endian form of an unsigned integer (Solidity uint256 / leftpad32). */
export function u256(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 256n) throw new RangeError("value does not fit in uint256");
  return hexToBytes(`0x${n.toString(16).padStart(64, "0")}`);
}

/** Lower-case 0x hex of bytes. */
export function hexOf(b: Uint8Array): Hex {
  return bytesToHex(b);
}

/** Bytes of 0x hex. */
export function bytesOf(h: Hex): Uint8Array {
  return hexToBytes(h);
}

/** A 20-byte address field as a lower-case address, or null when it is not 20 bytes. */
export function addressOfBytes(b: Uint8Array): Address | null {
  return b.length === 20 ? (bytesToHex(b) as Address) : null;
}

/** The EIP-55 checksummed string of an address. */
export function checksummed(address: Address): Address {
  return getAddress(address);
}

/** Concatenation of byte strings. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
