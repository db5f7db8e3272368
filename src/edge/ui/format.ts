// Display formatting for the dashboard: exact bigint maths, no floating point on amounts.

const WEI = 10n ** 18n;

/** A token amount (18 decimals) with thousands separators and at most `places` decimals, truncated. */
export function formatUnits(wei: bigint, unit: "LPT" | "ETH", places = 4): string {
  const neg = wei < 0n;
  const abs = neg ? -wei : wei;
  const whole = (abs / WEI).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (abs % WEI).toString().padStart(18, "0").slice(0, places).replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""} ${unit}`;
}

/** `value / divisor` as a percentage with at most `places` decimals, truncated. */
export function formatPercent(value: bigint, divisor: bigint, places = 2): string {
  if (divisor === 0n) return "–";
  const scale = 10n ** BigInt(places);
  const scaled = (value * 100n * scale) / divisor;
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(places, "0").replace(/0+$/, "");
  return `${whole}${frac ? `.${frac}` : ""}%`;
}

/** Seconds as "1h 02m 03s" (or "45s"). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m ${String(sec).padStart(2, "0")}s`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
