import type { LedgerEvent, TxResult } from "../../ledger/types.ts";

/** JSON-safe values: bigint becomes a decimal string. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends Record<string, unknown>
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** Deep copy with every bigint as a decimal string (amounts travel as strings). */
export function jsonify<T>(value: T): Jsonified<T> {
  if (typeof value === "bigint") return value.toString() as Jsonified<T>;
  if (Array.isArray(value)) return value.map(jsonify) as Jsonified<T>;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonify(v);
    return out as Jsonified<T>;
  }
  return value as Jsonified<T>;
}

export interface EventJson {
  id: string;
  name: string;
  round: string;
  block: string;
  args: Record<string, string | boolean>;
}

export interface TxJson {
  ref: string;
  round: string;
  block: string;
  events: EventJson[];
}

export function eventJson(e: LedgerEvent): EventJson {
  const args: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(e.args)) args[k] = typeof v === "bigint" ? v.toString() : v;
  return { id: e.id.toString(), name: e.name, round: e.round.toString(), block: e.block.toString(), args };
}

export function txJson(r: TxResult): TxJson {
  return {
    ref: r.ref,
    round: r.round.toString(),
    block: r.block.toString(),
    events: r.events.map(eventJson),
  };
}
