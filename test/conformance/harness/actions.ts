// The actions a conformance run applies to both ledgers, and what each produced.
export type Who = number | "zero";

export type Action =
  | { kind: "bond"; by: number; amount: bigint; to: Who }
  | { kind: "unbond"; by: number; amount: bigint }
  | { kind: "rebond"; by: number; lockId: bigint }
  | { kind: "rebondFromUnbonded"; by: number; to: Who; lockId: bigint }
  | { kind: "transferBond"; by: number; to: number; amount: bigint }
  | { kind: "withdrawStake"; by: number; lockId: bigint }
  | { kind: "withdrawFees"; by: number; amount: bigint }
  | { kind: "claimEarnings"; by: number }
  | { kind: "transcoder"; by: number; rewardCut: bigint; feeShare: bigint }
  | { kind: "reward"; by: number }
  | { kind: "initializeRound"; by: number }
  | { kind: "advanceRound" }
  | { kind: "advanceBlocks"; n: bigint }
  | { kind: "fundDepositAndReserve"; by: number; deposit: bigint; reserve: bigint }
  | { kind: "unlock"; by: number }
  | { kind: "cancelUnlock"; by: number }
  | { kind: "withdraw"; by: number }
  | { kind: "redeem"; sender: number; recipient: number; faceValue: bigint; nonce: bigint };

/** One event, normalised: names of protocol contracts instead of their addresses, decimal strings. */
export interface NormEvent {
  name: string;
  args: Record<string, string>;
}

export type Outcome = { ok: true; events: NormEvent[] } | { ok: false; reason: string };

export const showAction = (a: Action): string =>
  JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** Fields whose values legitimately differ (block hashes: the devnet's are pseudo hashes). */
const IGNORED_ARGS = new Set(["blockHash", "auxData"]);

export function normEvent(
  name: string,
  args: Record<string, unknown>,
  names: Record<string, string>,
): NormEvent {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) {
    if (IGNORED_ARGS.has(k)) continue;
    let s = typeof v === "string" ? v.toLowerCase() : String(v);
    s = names[s] ?? s;
    out[k] = s;
  }
  return { name, args: out };
}
