// Pool hints: the (prev, next) pair SortedDoublyLL.insert accepts without walking, at the place a
// hintless insert would pick (above equal stakes), through evictions and two-step bonds.
import { describe, expect, test } from "bun:test";
import {
  bondHints,
  claimedBondedAmount,
  decreaseHint,
  insertHint,
  joinHint,
  NO_HINT,
  type Pool,
  rebondHint,
  rewardHint,
  transcoderHint,
  transferBondHints,
  unbondHint,
  updateKeyHint,
  ZERO_ADDRESS,
} from "../../../../src/edge/ledger/chain/hints.ts";
import type { Address } from "../../../../src/protocol/types.ts";

const A = "0x00000000000000000000000000000000000000aa" as Address;
const B = "0x00000000000000000000000000000000000000bb" as Address;
const C = "0x00000000000000000000000000000000000000cc" as Address;
const D = "0x00000000000000000000000000000000000000dd" as Address;
const E = "0x00000000000000000000000000000000000000ee" as Address;
const Z = ZERO_ADDRESS;

/** A: 500, B: 300, C: 300, D: 100 (walk order), room for `max`. */
const pool = (max = 10n): Pool => ({
  members: [
    { address: A, totalStake: 500n },
    { address: B, totalStake: 300n },
    { address: C, totalStake: 300n },
    { address: D, totalStake: 100n },
  ],
  maxSize: max,
});

describe("insertHint", () => {
  test("empty list: (0, 0)", () => {
    expect(insertHint([], 7n)).toEqual({ prev: Z, next: Z });
  });
  test("above the head, and equal to the head: before it", () => {
    expect(insertHint(pool().members, 900n)).toEqual({ prev: Z, next: A });
    expect(insertHint(pool().members, 500n)).toEqual({ prev: Z, next: A });
  });
  test("below the tail: after it", () => {
    expect(insertHint(pool().members, 99n)).toEqual({ prev: D, next: Z });
  });
  test("between, and above its equals", () => {
    expect(insertHint(pool().members, 400n)).toEqual({ prev: A, next: B });
    expect(insertHint(pool().members, 300n)).toEqual({ prev: A, next: B });
    expect(insertHint(pool().members, 100n)).toEqual({ prev: C, next: D });
    expect(insertHint(pool().members, 299n)).toEqual({ prev: C, next: D });
  });
});

describe("stake changes", () => {
  test("updateKey removes the node first: C 300 → 300 goes back above B", () => {
    const step = updateKeyHint(pool(), C, 300n);
    expect(step.hint).toEqual({ prev: A, next: B });
    expect(step.pool.members.map((m) => m.address)).toEqual([A, C, B, D]);
  });
  test("updateKey of the head to the bottom: the pair is taken from the list without it", () => {
    expect(updateKeyHint(pool(), A, 50n).hint).toEqual({ prev: D, next: Z });
  });
  test("updateKey to 0 only removes", () => {
    const step = updateKeyHint(pool(), B, 0n);
    expect(step.hint).toEqual(NO_HINT);
    expect(step.pool.members.map((m) => m.address)).toEqual([A, C, D]);
  });
  test("join a full pool: strictly above the tail, which is evicted before the insert", () => {
    // 150 > D's 100: D goes, and the new node becomes the tail after C.
    const step = joinHint(pool(4n), E, 150n);
    expect(step.hint).toEqual({ prev: C, next: Z });
    expect(step.pool.members.map((m) => m.address)).toEqual([A, B, C, E]);
    // Equal to the tail: no join, no pair.
    expect(joinHint(pool(4n), E, 100n)).toEqual({ hint: NO_HINT, pool: pool(4n) });
  });
  test("join with room: no eviction", () => {
    expect(joinHint(pool(5n), E, 100n).hint).toEqual({ prev: C, next: D });
  });
  test("decrease of a non-member changes no pool", () => {
    expect(decreaseHint(pool(), { address: E, totalStake: 50n, registered: true }, 10n).hint).toEqual(
      NO_HINT,
    );
  });
});

describe("verbs", () => {
  test("reward: the stake grows by the reward less the treasury cut", () => {
    // D: 100 + 250 = 350 → between A (500) and B (300).
    expect(rewardHint(pool(), D, 100n, 250n)).toEqual({ prev: A, next: B });
    // D: 100 + 0 → above nobody, back at the tail.
    expect(rewardHint(pool(), D, 100n, 0n)).toEqual({ prev: C, next: Z });
  });
  test("transcoder: a registered non-member joins with its stake; a member sends no pair", () => {
    expect(transcoderHint(pool(), E, 400n)).toEqual({ prev: A, next: B });
    expect(transcoderHint(pool(), B, 300n)).toEqual(NO_HINT);
  });
  test("bond moving 120 (claimed) from B to D, plus 50 new", () => {
    const caller = { address: E, bondedAmount: 120n, delegateAddress: B, status: "Bonded" as const };
    const hints = bondHints(
      pool(),
      caller,
      50n,
      { address: D, totalStake: 100n, registered: true },
      { address: B, totalStake: 300n, registered: true },
    );
    // B: 300 - 120 = 180, between C (300) and D (100).
    expect(hints.oldDelegate).toEqual({ prev: C, next: D });
    // D: 100 + 120 + 50 = 270 in A, C, B(180) ... → between C (300) and B (180).
    expect(hints.currDelegate).toEqual({ prev: C, next: B });
  });
  test("bond to the same delegate: only the new amount, no old pair", () => {
    const caller = { address: E, bondedAmount: 120n, delegateAddress: D, status: "Bonded" as const };
    const hints = bondHints(pool(), caller, 250n, { address: D, totalStake: 100n, registered: true });
    expect(hints).toEqual({ oldDelegate: NO_HINT, currDelegate: { prev: A, next: B } });
  });
  test("a first self-bond registers the caller, who joins", () => {
    const caller = { address: E, bondedAmount: 0n, delegateAddress: Z, status: "Unbonded" as const };
    const hints = bondHints(pool(4n), caller, 200n, { address: E, totalStake: 0n, registered: false });
    expect(hints.currDelegate).toEqual({ prev: C, next: Z });
  });
  test("bond to an unregistered address: no pair", () => {
    const caller = { address: E, bondedAmount: 0n, delegateAddress: Z, status: "Unbonded" as const };
    expect(bondHints(pool(), caller, 200n, { address: Z, totalStake: 0n, registered: false })).toEqual({
      oldDelegate: NO_HINT,
      currDelegate: NO_HINT,
    });
  });
  test("unbond: the delegate loses the amount; an orchestrator's full unbond resigns it", () => {
    const delegator = { address: E, bondedAmount: 150n, delegateAddress: A, status: "Bonded" as const };
    expect(unbondHint(pool(), delegator, 150n, { address: A, totalStake: 500n, registered: true })).toEqual(
      // A: 500 - 150 = 350, above B (300), as the new head.
      { prev: Z, next: B },
    );
    const self = { address: D, bondedAmount: 100n, delegateAddress: D, status: "Bonded" as const };
    expect(unbondHint(pool(), self, 100n, { address: D, totalStake: 100n, registered: true })).toEqual(
      NO_HINT,
    );
  });
  test("rebond to itself registers; to an unregistered address: no pair", () => {
    expect(rebondHint(pool(), { address: E, totalStake: 0n, registered: false }, 350n, true)).toEqual({
      prev: A,
      next: B,
    });
    expect(rebondHint(pool(), { address: E, totalStake: 0n, registered: false }, 350n)).toEqual(NO_HINT);
  });
  test("transferBond: the caller's delegate loses the amount, then the receiver's delegate gains it", () => {
    const E_ON_B = { address: E, bondedAmount: 120n, delegateAddress: B, status: "Bonded" as const };
    const b = { address: B, totalStake: 300n, registered: true };
    // B: 300 - 100 = 200, between C and D; then D: 100 + 100 = 200 in A, C, B(200): above its equal B.
    expect(
      transferBondHints(pool(), E_ON_B, 100n, b, { address: D, totalStake: 100n, registered: true }),
    ).toEqual({ oldDelegate: { prev: C, next: D }, newDelegate: { prev: C, next: B } });
    // A receiver delegated to nobody takes B: down to 200, then back to 300, now above C.
    expect(transferBondHints(pool(), E_ON_B, 100n, b, undefined)).toEqual({
      oldDelegate: { prev: C, next: D },
      newDelegate: { prev: A, next: C },
    });
    // The same when the receiver is already delegated to B.
    expect(transferBondHints(pool(), E_ON_B, 100n, b, b)).toEqual({
      oldDelegate: { prev: C, next: D },
      newDelegate: { prev: A, next: C },
    });
    // To an unregistered delegate: only the first pair.
    expect(
      transferBondHints(pool(), E_ON_B, 100n, b, { address: E, totalStake: 0n, registered: false }),
    ).toEqual({ oldDelegate: { prev: C, next: D }, newDelegate: NO_HINT });
  });
  test("transferBond by an orchestrator: part of its own bond moves it; all of it resigns it", () => {
    const a = { address: A, bondedAmount: 400n, delegateAddress: A, status: "Bonded" as const };
    const d = { address: D, totalStake: 100n, registered: true };
    // A: 500 - 250 = 250, between C and D; D: 100 + 250 = 350 in B, C, A(250): the new head.
    expect(transferBondHints(pool(), a, 250n, { address: A, totalStake: 500n, registered: true }, d)).toEqual(
      {
        oldDelegate: { prev: C, next: D },
        newDelegate: { prev: Z, next: B },
      },
    );
    // D transfers its whole bond to a receiver with no delegate: it resigns, and the receiver's
    // delegate (D, no longer registered) joins nothing.
    const dSelf = { address: D, bondedAmount: 100n, delegateAddress: D, status: "Bonded" as const };
    expect(transferBondHints(pool(), dSelf, 100n, d, undefined)).toEqual({
      oldDelegate: NO_HINT,
      newDelegate: NO_HINT,
    });
    // To a receiver delegated to C: C gains it on the pool without D.
    expect(
      transferBondHints(pool(), dSelf, 100n, d, { address: C, totalStake: 300n, registered: true }),
    ).toEqual({ oldDelegate: NO_HINT, newDelegate: { prev: A, next: B } });
  });
  test("the bonded amount a transaction starts from: pending stake only before this round's claim", () => {
    expect(claimedBondedAmount({ bondedAmount: 100n, lastClaimRound: 4n }, 130n, 5n)).toBe(130n);
    expect(claimedBondedAmount({ bondedAmount: 100n, lastClaimRound: 5n }, 130n, 5n)).toBe(100n);
  });
});
