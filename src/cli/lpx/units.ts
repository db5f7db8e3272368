import { usage } from "./errors.ts";

// Amounts are exact: decimal text to wei and back with bigint, never floating point.

const WEI = 10n ** 18n;

/** "1000", "0.5", "12.5LPT" or "12.5 ETH" → wei; a unit, when given, must be `unit`. */
export function parseAmount(text: string, unit: "LPT" | "ETH", what = "amount"): bigint {
  const m = /^\s*(\d{1,30})(?:\.(\d{1,18}))?\s*([A-Za-z]+)?\s*$/.exec(text);
  if (!m || (m[3] !== undefined && m[3].toUpperCase() !== unit)) {
    throw usage(`${what} must be an amount of ${unit} such as 100 or 0.5 (got "${text}")`);
  }
  return BigInt(m[1] ?? "0") * WEI + BigInt((m[2] ?? "").padEnd(18, "0"));
}

/** "12.5" (percent, at most 4 decimals) → PERC points (1e6 = 100%). */
export function parsePercent(text: string, what: string): bigint {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,4}))?\s*%?\s*$/.exec(text);
  const v = m ? BigInt(m[1] ?? "0") * 10_000n + BigInt((m[2] ?? "").padEnd(4, "0")) : -1n;
  if (v < 0n || v > 1_000_000n) throw usage(`${what} must be a percentage from 0 to 100 (got "${text}")`);
  return v;
}

export function parseAddress(text: string | undefined, what: string): `0x${string}` {
  if (!text || !/^0x[0-9a-fA-F]{40}$/.test(text)) throw usage(`${what} must be a 0x address of 20 bytes`);
  return text.toLowerCase() as `0x${string}`;
}

export function parseWhole(text: string | undefined, what: string): bigint {
  if (!text || !/^\d{1,20}$/.test(text)) throw usage(`${what} must be a whole number`);
  return BigInt(text);
}

/** wei → "1,234.5 LPT" (thousands separators, at most `places` decimals, truncated). */
export function formatAmount(wei: bigint | string, unit: "LPT" | "ETH", places = 4): string {
  const v = BigInt(wei);
  const abs = v < 0n ? -v : v;
  const whole = (abs / WEI).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (abs % WEI).toString().padStart(18, "0").slice(0, places).replace(/0+$/, "");
  return `${v < 0n ? "-" : ""}${whole}${frac ? `.${frac}` : ""} ${unit}`;
}

/** PERC points → "12.5%". */
export function formatPercent(perc: bigint | string): string {
  const v = BigInt(perc);
  const frac = (v % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${v / 10_000n}${frac ? `.${frac}` : ""}%`;
}
