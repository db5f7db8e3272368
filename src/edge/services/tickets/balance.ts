import type { Address } from "../../../protocol/types.ts";
import { rawAll, rawRun } from "../../db/raw.ts";
import type { AppDeps } from "../../deps.ts";
import { findHosted } from "./hosted.ts";
import { type Tx, writeTx } from "./tx.ts";

export type DebitResult =
  | { ok: true; balance: bigint }
  | { ok: false; code: "INSUFFICIENT_CREDIT"; message: string; balance: bigint };

const lower = (a: string) => a.toLowerCase() as Address;

// Plain SQL (db/raw.ts): every paid job reads and writes its balance twice (credit, then debit).

/** The (orchestrator, sender) balance as `tx` sees it. */
export async function balanceIn(
  tx: Tx | AppDeps["db"],
  orchestrator: Address,
  sender: Address,
): Promise<bigint> {
  const rows = await rawAll(
    tx,
    "select balance from sender_balances where orchestrator = ? and sender = ? limit 1",
    [lower(orchestrator), lower(sender)],
  );
  return rows[0] ? BigInt(String(rows[0][0])) : 0n;
}

/**
 * Adds `delta` (may be negative) to the (orchestrator, sender) balance inside `tx`; returns the new
 * balance. `current` is the balance as this same transaction already read it (saves the read).
 */
export async function adjustBalanceIn(
  tx: Tx,
  orchestrator: Address,
  sender: Address,
  delta: bigint,
  now: number,
  current?: bigint,
): Promise<bigint> {
  const next = (current ?? (await balanceIn(tx, orchestrator, sender))) + delta;
  await rawRun(
    tx,
    "insert into sender_balances (orchestrator, sender, balance, updated_at) values (?, ?, ?, ?) " +
      "on conflict (orchestrator, sender) do update set balance = excluded.balance, updated_at = excluded.updated_at",
    [lower(orchestrator), lower(sender), next.toString(), now],
  );
  return next;
}

/** The sender's balance (wei of EV credited minus fees debited) with one hosted orchestrator. */
export async function getBalance(deps: AppDeps, orchestrator: Address, sender: Address): Promise<bigint> {
  return balanceIn(deps.db, orchestrator, sender);
}

/** The configured credit limit of a hosted orchestrator (0 when none is set). */
export function creditLimitFor(deps: AppDeps, orchestrator: Address): bigint {
  return findHosted(deps, orchestrator)?.config.ticket.creditLimit ?? 0n;
}

/**
 * Charges `amount` wei of work to the sender's balance with `orchestrator`. The balance may go
 * below zero only down to minus the credit limit (option, else the orchestrator's
 * `ticket.creditLimit`, else 0); past that nothing is debited and INSUFFICIENT_CREDIT is returned.
 *
 * @example const r = await debit(deps, orch, sender, fee); if (!r.ok) throw new LivepeerError(r.code, r.message);
 */
export async function debit(
  deps: AppDeps,
  orchestrator: Address,
  sender: Address,
  amount: bigint,
  options: { creditLimit?: bigint } = {},
): Promise<DebitResult> {
  if (amount < 0n) throw new RangeError("debit amount must be non-negative");
  const limit = options.creditLimit ?? creditLimitFor(deps, orchestrator);
  const now = deps.clock.now();
  return writeTx(deps.db, async (tx) => {
    const balance = await balanceIn(tx, orchestrator, sender);
    if (balance - amount < -limit) {
      return {
        ok: false as const,
        code: "INSUFFICIENT_CREDIT" as const,
        message: `sender balance ${balance} does not cover ${amount} (credit limit ${limit})`,
        balance,
      };
    }
    const next = await adjustBalanceIn(tx, orchestrator, sender, -amount, now);
    return { ok: true as const, balance: next };
  });
}
