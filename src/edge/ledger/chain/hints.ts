// Position hints for BondingManager's transcoder pool (a SortedDoublyLL, highest stake first).
// Every stake change of a pool member is a remove + insert; the insert first checks the caller's
// (prev, next) pair and only walks the list when the pair is not a valid position. A hintless walk
// starts at the head and stops at the first node whose stake is <= the new one, so the node lands
// ABOVE its equals. The hints here name exactly that place, so a hinted call ends in the same order
// as a hintless one (and as the devnet), without the walk. Pure functions over the walked pool, for
// the chain ledger and for anyone building unsigned transactions.
import type { Address } from "../../../protocol/types.ts";
import type { PoolMember } from "../types.ts";

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;

/** `_newPosPrev`, `_newPosNext` of a `...WithHint` call. */
export interface Hint {
  prev: Address;
  next: Address;
}

export const NO_HINT: Hint = { prev: ZERO_ADDRESS, next: ZERO_ADDRESS };

/** The pool as walked from the head (getFirstTranscoderInPool / getNextTranscoderInPool). */
export interface Pool {
  members: readonly PoolMember[];
  /** getTranscoderPoolMaxSize (numActiveTranscoders). */
  maxSize: bigint;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const has = (pool: Pool, a: Address) => pool.members.some((m) => same(m.address, a));
const without = (pool: Pool, a: Address): Pool => ({
  ...pool,
  members: pool.members.filter((m) => !same(m.address, a)),
});

/**
 * Where SortedDoublyLL.insert puts `stake` in `members` (which must not hold the node): after the
 * last member with a strictly higher stake, before the first with an equal or lower one.
 */
export function insertHint(members: readonly PoolMember[], stake: bigint): Hint {
  const at = members.findIndex((m) => m.totalStake <= stake);
  if (at === -1) return { prev: members.at(-1)?.address ?? ZERO_ADDRESS, next: ZERO_ADDRESS };
  return { prev: at === 0 ? ZERO_ADDRESS : members[at - 1]!.address, next: members[at]!.address };
}

function inserted(members: readonly PoolMember[], member: PoolMember): PoolMember[] {
  const out = [...members];
  const at = out.findIndex((m) => m.totalStake <= member.totalStake);
  out.splice(at === -1 ? out.length : at, 0, member);
  return out;
}

/** A hint and the pool after the change (the next change in the same transaction starts there). */
export interface HintStep {
  hint: Hint;
  pool: Pool;
}

/**
 * transcoderPool.updateKey(addr, newStake): remove, and reinsert unless the stake is 0. Assumes
 * `addr` is a member.
 */
export function updateKeyHint(pool: Pool, addr: Address, newStake: bigint): HintStep {
  const rest = without(pool, addr);
  if (newStake === 0n) return { hint: NO_HINT, pool: rest };
  return {
    hint: insertHint(rest.members, newStake),
    pool: { ...rest, members: inserted(rest.members, { address: addr, totalStake: newStake }) },
  };
}

/**
 * tryToJoinActiveSet(addr, stake): a full pool takes the newcomer only with strictly more stake
 * than its tail, which it evicts first; the insert then runs on the pool without the tail.
 */
export function joinHint(pool: Pool, addr: Address, stake: bigint): HintStep {
  let rest = pool;
  if (BigInt(pool.members.length) >= pool.maxSize) {
    const tail = pool.members.at(-1);
    if (tail === undefined || stake <= tail.totalStake) return { hint: NO_HINT, pool };
    rest = without(pool, tail.address);
  }
  return {
    hint: insertHint(rest.members, stake),
    pool: { ...rest, members: inserted(rest.members, { address: addr, totalStake: stake }) },
  };
}

/** The delegate whose stake a transaction changes, as read before it. */
export interface Delegate {
  address: Address;
  /** transcoderTotalStake (the delegate's delegatedAmount). */
  totalStake: bigint;
  /** delegateAddress == itself and bondedAmount > 0, as it stands when the stake changes. */
  registered: boolean;
}

/** increaseTotalStake: a member moves; a registered non-member tries to join; anyone else: no pool change. */
export function increaseHint(pool: Pool, delegate: Delegate, amount: bigint): HintStep {
  if (!delegate.registered) return { hint: NO_HINT, pool };
  const stake = delegate.totalStake + amount;
  return has(pool, delegate.address)
    ? updateKeyHint(pool, delegate.address, stake)
    : joinHint(pool, delegate.address, stake);
}

/** decreaseTotalStake: only a member moves (or leaves the list at stake 0). */
export function decreaseHint(pool: Pool, delegate: Delegate, amount: bigint): HintStep {
  if (!has(pool, delegate.address)) return { hint: NO_HINT, pool };
  return updateKeyHint(pool, delegate.address, delegate.totalStake - amount);
}

/** rewardWithHint / rewardForTranscoderWithHint: the stake grows by the reward less the treasury's cut. */
export function rewardHint(pool: Pool, transcoder: Address, totalStake: bigint, rewards: bigint): Hint {
  return increaseHint(pool, { address: transcoder, totalStake, registered: true }, rewards).hint;
}

/** transcoderWithHint: a registered orchestrator outside the pool tries to join with its stake. */
export function transcoderHint(pool: Pool, transcoder: Address, totalStake: bigint): Hint {
  return has(pool, transcoder) ? NO_HINT : joinHint(pool, transcoder, totalStake).hint;
}

/** The bonding caller, as read before the transaction. */
export interface BondCaller {
  address: Address;
  /** Its bonded amount once its earnings are claimed (see claimedBondedAmount). */
  bondedAmount: bigint;
  delegateAddress: Address;
  status: "Pending" | "Bonded" | "Unbonded";
}

/**
 * bondWithHint's two pairs: the old delegate's place after it loses the caller's (claimed) stake,
 * when the caller moves its bond, then the new delegate's place after it gains the delegation.
 * `to` is the new delegate as read before the transaction.
 */
export function bondHints(
  pool: Pool,
  caller: BondCaller,
  amount: bigint,
  to: Delegate,
  oldDelegate?: Delegate,
): { oldDelegate: Hint; currDelegate: Hint } {
  let delegation = amount;
  let old: HintStep = { hint: NO_HINT, pool };
  const moves =
    caller.status !== "Unbonded" && caller.bondedAmount > 0n && !same(caller.delegateAddress, to.address);
  if (moves && oldDelegate) {
    delegation += caller.bondedAmount;
    old = decreaseHint(pool, oldDelegate, caller.bondedAmount);
  }
  // Bonding to itself registers the caller (its delegate is itself and its bond is not 0).
  const registered = same(caller.address, to.address) ? caller.bondedAmount + amount > 0n : to.registered;
  const curr = increaseHint(old.pool, { ...to, registered }, delegation);
  return { oldDelegate: old.hint, currDelegate: curr.hint };
}

/**
 * unbondWithHint: the delegate's place after losing `amount`. An orchestrator unbonding all of its
 * own bond leaves the pool instead, and then the pair is unused.
 */
export function unbondHint(pool: Pool, caller: BondCaller, amount: bigint, delegate: Delegate): Hint {
  if (caller.bondedAmount === amount && has(pool, caller.address)) return NO_HINT;
  return decreaseHint(pool, delegate, amount).hint;
}

/**
 * transferBond's two pairs. The caller's unbondWithHint comes first: its delegate loses `amount`
 * (or, for an orchestrator transferring all of its own bond, it resigns: no pair). Then
 * processRebond adds `amount` to the receiver's delegate, on the pool after the first step; a
 * receiver delegated to nobody takes the caller's old delegate. `receiverDelegate` is the receiver's
 * delegate as read before the transaction, undefined when it has none.
 */
export function transferBondHints(
  pool: Pool,
  caller: BondCaller,
  amount: bigint,
  oldDelegate: Delegate,
  receiverDelegate: Delegate | undefined,
): { oldDelegate: Hint; newDelegate: Hint } {
  const all = caller.bondedAmount === amount;
  const resigns = all && has(pool, caller.address);
  const old: HintStep = resigns
    ? { hint: NO_HINT, pool: without(pool, caller.address) }
    : decreaseHint(pool, oldDelegate, amount);
  // The old delegate after the unbond; an orchestrator left with no bond of its own is unregistered.
  const oldAfter: Delegate = {
    address: oldDelegate.address,
    totalStake: oldDelegate.totalStake - amount,
    registered: oldDelegate.registered && !(all && same(caller.address, oldDelegate.address)),
  };
  const target =
    receiverDelegate === undefined || same(receiverDelegate.address, oldDelegate.address)
      ? oldAfter
      : receiverDelegate;
  return { oldDelegate: old.hint, newDelegate: increaseHint(old.pool, target, amount).hint };
}

/**
 * rebondWithHint / rebondFromUnbondedWithHint: the delegate gains the lock's amount. `selfRebond`:
 * the caller rebonds to itself, which registers it.
 */
export function rebondHint(pool: Pool, delegate: Delegate, amount: bigint, selfRebond = false): Hint {
  return increaseHint(pool, { ...delegate, registered: delegate.registered || selfRebond }, amount).hint;
}

/**
 * The bonded amount a delegator's transaction starts from: autoClaimEarnings claims only when the
 * last claim is from an earlier round, so after a claim in this round pendingStake (which then also
 * counts an orchestrator's cumulativeRewards again) is not what the contract uses.
 */
export function claimedBondedAmount(
  d: { bondedAmount: bigint; lastClaimRound: bigint },
  pendingStake: bigint,
  round: bigint,
): bigint {
  return d.lastClaimRound < round ? pendingStake : d.bondedAmount;
}
