// What every devnet operation sees: the unit of work, the block and round it runs in, the params.
import type { Hex } from "../../../protocol/types.ts";
import { blockAt, type ClockState, readClock, roundOf } from "./clock.ts";
import type { Store } from "./store.ts";

export interface Params {
  numActiveTranscoders: bigint;
  unbondingPeriod: bigint;
  roundLockAmount: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  treasuryBalanceCeiling: bigint;
  ticketValidityPeriod: bigint;
  unlockPeriod: bigint;
}

export const PARAM_KEYS = [
  "numActiveTranscoders",
  "unbondingPeriod",
  "roundLockAmount",
  "inflationChange",
  "targetBondingRate",
  "treasuryBalanceCeiling",
  "ticketValidityPeriod",
  "unlockPeriod",
] as const satisfies readonly (keyof Params)[];

export interface Ctx {
  store: Store;
  clock: ClockState;
  block: bigint;
  round: bigint;
  params: Params;
  /** Synthetic tx hash of a write; zero hash for reads. */
  ref: Hex;
}

export function readParams(store: Store): Params {
  const p = {} as Params;
  for (const k of PARAM_KEYS) p[k] = store.big(`param.${k}`);
  return p;
}

export function makeCtx(store: Store, nowMs: number, ref: Hex): Ctx {
  const clock = readClock(store);
  const block = blockAt(clock, nowMs);
  return { store, clock, block, round: roundOf(block, clock.roundLength), params: readParams(store), ref };
}
