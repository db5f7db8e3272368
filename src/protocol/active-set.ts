// The transcoder pool of BondingManager (docs/protocol.md#the-active-set): a list sorted by stake,
// highest first, at most `maxSize` long. It is the NEXT round's active set; changes take effect at N+1.
import type { Address } from "./types.ts";

/** Deactivation round of an orchestrator that has not left: 2^256 - 1. */
export const MAX_FUTURE_ROUND = 2n ** 256n - 1n;

export interface PoolEntry {
  address: Address;
  stake: bigint;
  /**
   * (Re)insertion order. SortedDoublyLL.insert without hints walks from the head and stops at the
   * first node whose key is <= the new key, so among equal stakes the latest (re)insertion sorts
   * HIGHER; updateKey is a remove + insert, so every stake change counts as a reinsertion.
   */
  seq: bigint;
}

/** Highest stake first; among equal stakes the latest (re)insertion first. */
export function sortPool<T extends PoolEntry>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => {
    if (a.stake !== b.stake) return a.stake > b.stake ? -1 : 1;
    if (a.seq !== b.seq) return a.seq > b.seq ? -1 : 1;
    return 0;
  });
}

/** The member a newcomer would have to beat: the pool's tail (the earliest inserted of the lowest). */
export function lowestMember<T extends PoolEntry>(entries: readonly T[]): T | undefined {
  return sortPool(entries).at(-1);
}

export type JoinDecision<T extends PoolEntry> =
  | { joins: true; evicted: T | undefined }
  | { joins: false; lowest: T | undefined };

/**
 * tryToJoinActiveSet: a newcomer joins a pool with room; a full pool only with STRICTLY more
 * stake than its lowest member, which is evicted. Equal stake does not displace.
 */
export function decideJoin<T extends PoolEntry>(
  entries: readonly T[],
  maxSize: bigint,
  stake: bigint,
): JoinDecision<T> {
  if (BigInt(entries.length) < maxSize) return { joins: true, evicted: undefined };
  const lowest = lowestMember(entries);
  if (lowest === undefined) return { joins: false, lowest: undefined };
  if (stake <= lowest.stake) return { joins: false, lowest };
  return { joins: true, evicted: lowest };
}

/** Active in `round` when activationRound <= round < deactivationRound. */
export function isActiveInRound(
  t: { activationRound: bigint; deactivationRound: bigint },
  round: bigint,
): boolean {
  return t.activationRound <= round && round < t.deactivationRound;
}
