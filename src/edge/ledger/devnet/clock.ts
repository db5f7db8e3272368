// Devnet blocks come from the clock: in wall-clock mode (roundSeconds > 0) one block every blockMs
// since genesis, plus the offset that advanceRound/advanceBlocks add; otherwise only the offset.
// Both live in the database so every process on one file sees the same block.
import type { Store } from "./store.ts";

export interface ClockState {
  genesisTime: number;
  blockOffset: bigint;
  roundSeconds: number;
  blockMs: number;
  roundLength: bigint;
}

export function readClock(store: Store): ClockState {
  return {
    genesisTime: Number(store.str("genesisTime")),
    blockOffset: store.big("blockOffset"),
    roundSeconds: Number(store.str("roundSeconds")),
    blockMs: Number(store.str("blockMs")),
    roundLength: store.big("roundLength"),
  };
}

export function blockAt(c: ClockState, nowMs: number): bigint {
  const elapsed = c.roundSeconds > 0 ? Math.floor(Math.max(0, nowMs - c.genesisTime) / c.blockMs) : 0;
  return BigInt(elapsed) + c.blockOffset;
}

export function roundOf(block: bigint, roundLength: bigint): bigint {
  return block / roundLength;
}
