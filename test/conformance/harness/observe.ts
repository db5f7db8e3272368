// One snapshot layout for both ledgers: each side supplies a Reader, this walks every observable.
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { type Snapshot, view } from "./side.ts";

export interface Reader {
  reasonOf(e: unknown): string;
  round(): Promise<bigint>;
  lastInitializedRound(): Promise<bigint>;
  delegator(a: Address): Promise<Record<string, unknown>>;
  status(a: Address): Promise<string>;
  pendingStake(a: Address, round: bigint): Promise<bigint>;
  pendingFees(a: Address, round: bigint): Promise<bigint>;
  lock(a: Address, id: bigint): Promise<{ amount: bigint; withdrawRound: bigint }>;
  transcoder(a: Address): Promise<Record<string, unknown>>;
  earningsPool(a: Address, round: bigint): Promise<Record<string, unknown>>;
  isActive(a: Address): Promise<boolean>;
  transcoderTotalStake(a: Address): Promise<bigint>;
  /** The pool, walked from its head. */
  poolOrder(): Promise<{ address: Address; stake: bigint }[]>;
  scalars(): Promise<Record<string, bigint>>;
  lpt(a: Address): Promise<bigint>;
  senderInfo(a: Address): Promise<Record<string, unknown>>;
  claimableReserve(holder: Address, claimant: Address): Promise<bigint>;
  usedTicket(hash: Hex): Promise<boolean>;
}

const ZERO = "0x0000000000000000000000000000000000000000" as Address;

function flatten(prefix: string, o: Record<string, unknown>, out: Snapshot, names: Record<string, string>) {
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === "object") {
      flatten(`${prefix}.${k}`, v as Record<string, unknown>, out, names);
      continue;
    }
    const s = typeof v === "string" ? v.toLowerCase() : String(v);
    out[`${prefix}.${k}`] = names[s] ?? s;
  }
}

/**
 * Reads every observable: delegators (incl. the zero address), locks, transcoders, every
 * round's earnings pool, the pool order and active set, totals, senders, reserves, used tickets.
 */
export async function snapshot(
  r: Reader,
  accounts: Address[],
  tickets: Hex[],
  names: Record<string, string>,
): Promise<Snapshot> {
  const out: Snapshot = {};
  const v = (fn: () => Promise<unknown>) => view(fn, (e) => r.reasonOf(e));
  const round = await r.round();
  out.round = String(round);
  out.lastInitializedRound = String(await r.lastInitializedRound());
  for (const [k, val] of Object.entries(await r.scalars())) out[`scalar.${k}`] = String(val);
  for (const [addr, label] of Object.entries(names))
    out[`lpt.${label}`] = await v(() => r.lpt(addr as Address));
  const who = [...accounts, ZERO];
  await Promise.all(
    who.map(async (a, i) => {
      const p = `acct${i === accounts.length ? "Z" : i}`;
      const d = await r.delegator(a);
      flatten(`${p}.delegator`, d, out, names);
      out[`${p}.status`] = await v(() => r.status(a));
      out[`${p}.pendingStake`] = await v(() => r.pendingStake(a, round));
      out[`${p}.pendingFees`] = await v(() => r.pendingFees(a, round));
      out[`${p}.lpt`] = await v(() => r.lpt(a));
      for (let id = 0n; id < BigInt(d.nextUnbondingLockId as bigint); id++) {
        const l = await r.lock(a, id);
        if (l.withdrawRound !== 0n) out[`${p}.lock${id}`] = `${l.amount}@${l.withdrawRound}`;
      }
      if (a === ZERO) return;
      const t = await r.transcoder(a);
      flatten(`${p}.transcoder`, t, out, names);
      out[`${p}.active`] = await v(() => r.isActive(a));
      out[`${p}.totalStake`] = await v(() => r.transcoderTotalStake(a));
      // Past pools were compared while they were current; a step writes rounds N-1..N+1 at most.
      // An account that never held delegated stake has only empty pools.
      if (t.lastActiveStakeUpdateRound !== 0n || d.delegatedAmount !== 0n) {
        for (let k = round > 3n ? round - 2n : 1n; k <= round + 1n; k++) {
          flatten(`${p}.pool${k}`, await r.earningsPool(a, k), out, names);
        }
      }
      const sender = await r.senderInfo(a);
      flatten(`${p}.sender`, sender, out, names);
      const reserve = sender.reserve as { fundsRemaining: bigint; claimedInCurrentRound: bigint };
      if (reserve.fundsRemaining !== 0n || reserve.claimedInCurrentRound !== 0n) {
        for (const [j, c] of accounts.entries()) {
          out[`${p}.claimable${j}`] = await v(() => r.claimableReserve(a, c));
        }
      }
    }),
  );
  const index = new Map(accounts.map((a, i) => [a.toLowerCase(), i]));
  out.poolOrder = (await r.poolOrder())
    .map((m) => `${index.get(m.address.toLowerCase()) ?? m.address}:${m.stake}`)
    .join(",");
  for (const [i, h] of tickets.entries()) out[`ticket${i}.used`] = await v(() => r.usedTicket(h));
  return out;
}
