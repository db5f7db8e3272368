// A minimal ASN.1 DER writer: just what a self-signed X.509 certificate needs.

function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV: tag, DER length, then the content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of content) size += c.length;
  const len = length(size);
  const out = new Uint8Array(1 + len.length + size);
  out[0] = tag;
  out.set(len, 1);
  let off = 1 + len.length;
  for (const c of content) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

export const seq = (...items: Uint8Array[]) => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]) => tlv(0x31, ...items);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const utf8String = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
/** A BIT STRING with no unused bits. */
export const bits = (b: Uint8Array) => tlv(0x03, Uint8Array.of(0), b);
export const bool = (v: boolean) => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
/** [n] EXPLICIT (constructed, context-specific). */
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps it positive). */
export function integer(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return v[0]! & 0x80 ? tlv(0x02, Uint8Array.of(0), v) : tlv(0x02, v);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Uint8Array {
  const parts = dotted.split(".").map(Number);
  const body: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    body.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(body));
}

/** UTCTime (years 1950–2049), as X.509 requires for those years. */
export function utcTime(d: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, "0");
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, new TextEncoder().encode(s));
}
