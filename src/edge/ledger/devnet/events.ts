// Event rows: args are JSON with bigints tagged as {"$n": "<decimal>"}; `addresses` holds every
// address-valued arg as ",addr," so a filter by address is a LIKE.
import { getAddress } from "viem";
import type { Hex } from "../../../protocol/types.ts";
import type { LedgerEvent, LedgerEventName } from "../types.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function encodeArgs(args: Record<string, string | bigint | boolean>): string {
  return JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? { $n: v.toString() } : v));
}

/** Decodes args; addresses come back checksummed. */
export function decodeArgs(json: string): Record<string, string | bigint | boolean> {
  return JSON.parse(json, (_k, v) => {
    if (v !== null && typeof v === "object" && typeof v.$n === "string") return BigInt(v.$n);
    if (typeof v === "string" && ADDRESS.test(v)) return getAddress(v);
    return v;
  });
}

export function addressesOf(args: Record<string, string | bigint | boolean>): string {
  const list = Object.values(args).filter((v): v is string => typeof v === "string" && ADDRESS.test(v));
  return list.length === 0 ? "" : `,${list.map((a) => a.toLowerCase()).join(",")},`;
}

export function toLedgerEvent(row: {
  id: number;
  ref: string;
  name: string;
  round: number;
  block: number;
  args: string;
}): LedgerEvent {
  return {
    id: BigInt(row.id),
    name: row.name as LedgerEventName,
    round: BigInt(row.round),
    block: BigInt(row.block),
    ref: row.ref as Hex,
    args: decodeArgs(row.args),
  };
}
