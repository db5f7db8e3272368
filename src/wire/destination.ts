import { LivepeerError } from "./errors.ts";

/** Which destinations a peer-supplied URL may point at. */
export interface DestinationPolicy {
  /**
   * Private, loopback or link-local destinations that may be reached anyway: host names (exact,
   * case-insensitive), IP literals, or CIDRs ("127.0.0.0/8", "fd00::/8"). Empty refuses them all.
   */
  allowPrivate: readonly string[];
  /** Resolves a host name to its addresses; without it a name is judged by its literal form only. */
  lookup?: (host: string) => Promise<readonly string[]>;
}

/** A refused destination (scheme, credentials, or a private address not allowed). */
export class DestinationError extends LivepeerError {
  constructor(message: string) {
    super("PEER_URL_REFUSED", message);
    this.name = "DestinationError";
  }
}

function ipv4Bits(ip: string): bigint | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function ipv6Bits(ip: string): bigint | undefined {
  let s = ip.replace(/^\[|\]$/g, "").toLowerCase();
  if (!s.includes(":")) return undefined;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = ipv4Bits(v4[1]!);
    if (b === undefined) return undefined;
    s = `${s.slice(0, -v4[1]!.length)}${(b >> 16n).toString(16)}:${(b & 0xffffn).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(fill, 0)).fill("0"), ...tail];
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(`0x${g}`);
  }
  return v;
}

type Ip = { v: 4 | 6; bits: bigint };

function parseIp(host: string): Ip | undefined {
  const b4 = ipv4Bits(host);
  if (b4 !== undefined) return { v: 4, bits: b4 };
  const b6 = ipv6Bits(host);
  return b6 === undefined ? undefined : { v: 6, bits: b6 };
}

function inCidr(ip: Ip, cidr: string): boolean {
  const [base, lenText] = cidr.split("/");
  const net = base === undefined ? undefined : parseIp(base);
  if (!net || net.v !== ip.v) return false;
  const width = ip.v === 4 ? 32n : 128n;
  const len = lenText === undefined ? width : BigInt(lenText);
  if (len < 0n || len > width) return false;
  const shift = width - len;
  return ip.bits >> shift === net.bits >> shift;
}

const PRIVATE_V4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
];
const PRIVATE_V6 = ["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b:1::/48"];

/** Whether an IP literal is private, loopback, link-local, multicast or otherwise not public. */
export function isPrivateAddress(host: string): boolean {
  const ip = parseIp(host);
  if (!ip) return false;
  if (ip.v === 6) {
    // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96) addresses are judged as IPv4.
    if (ip.bits >> 32n === 0xffffn || ip.bits >> 32n === 0x64ff9b0000000000000000n) {
      return isPrivateAddress([24n, 16n, 8n, 0n].map((s) => ((ip.bits >> s) & 0xffn).toString()).join("."));
    }
    return PRIVATE_V6.some((c) => inCidr(ip, c));
  }
  return PRIVATE_V4.some((c) => inCidr(ip, c));
}

function allowed(policy: DestinationPolicy, host: string, address?: string): boolean {
  const ip = address === undefined ? undefined : parseIp(address);
  return policy.allowPrivate.some((entry) => {
    const e = entry.toLowerCase();
    if (e === host || (address !== undefined && e === address.toLowerCase())) return true;
    return ip !== undefined && e.includes("/") && inCidr(ip, e);
  });
}

/**
 * Refuses a URL a peer gave us unless it is http(s), carries no credentials, and (after resolving
 * its host when the policy can) points at no private, loopback or link-local address outside the
 * policy's allow-list. Throws DestinationError (PEER_URL_REFUSED). Returns the address that was
 * checked when a host name was resolved here, so the caller can connect to exactly that address
 * (a name that changes its answer between the check and the connection cannot slip through).
 */
export async function checkDestination(
  url: URL,
  policy: DestinationPolicy | undefined,
): Promise<{ pinned?: string }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new DestinationError(`scheme ${url.protocol} is not allowed`);
  }
  if (url.username !== "" || url.password !== "") throw new DestinationError("URL carries credentials");
  if (!policy) return {};
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const named = parseIp(host) === undefined;
  if (named && (host === "localhost" || host.endsWith(".localhost"))) {
    if (!allowed(policy, host, "127.0.0.1")) throw new DestinationError(`${host} is a loopback destination`);
    return {};
  }
  const addresses = named ? ((await policy.lookup?.(host).catch(() => [])) ?? []) : [host];
  for (const a of addresses) {
    if (isPrivateAddress(a) && !allowed(policy, host, a)) {
      throw new DestinationError(`${host} resolves to ${a}, a private, loopback or link-local address`);
    }
  }
  return named && addresses[0] !== undefined ? { pinned: addresses[0] } : {};
}
