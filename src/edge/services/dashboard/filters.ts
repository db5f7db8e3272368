import { PERC_DIVISOR } from "../../../protocol/math.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { OrchestratorRow } from "./orchestrators.ts";
import { isFullRatio, type RewardRatio } from "./reward-ratio.ts";

export const SORT_KEYS = ["stake", "cut", "share", "ratio30", "ratio90", "fees", "lastReward"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** What the Orchestrators page shows, from its query string. */
export interface OrchestratorQuery {
  set: "current" | "next";
  sort: SortKey;
  order: "asc" | "desc";
  /** Keep only orchestrators whose reward-call ratio over this window is 100%. */
  fullRatio?: 30 | 90;
  /** Keep only reward cuts strictly below this, in PERC_DIVISOR units (from a percentage). */
  cutBelow?: bigint;
  /** Keep only orchestrators pricing this capability (pipeline). */
  pipeline?: string;
}

const bad = (msg: string) => new LivepeerError("VALIDATION_FAILED", msg);

/** Parses ?set=&sort=&order=&ratio=100&window=30|90&cutBelow=<percent>&pipeline=; bad values are 400s. */
export function parseOrchestratorQuery(q: Record<string, string | undefined>): OrchestratorQuery {
  const set = q.set ?? "current";
  if (set !== "current" && set !== "next") throw bad("set must be current or next");
  const sort = (q.sort || "stake") as SortKey;
  if (!SORT_KEYS.includes(sort)) throw bad(`sort must be one of ${SORT_KEYS.join(", ")}`);
  const order = q.order || "desc";
  if (order !== "asc" && order !== "desc") throw bad("order must be asc or desc");
  const out: OrchestratorQuery = { set, sort, order };
  if (q.ratio) {
    if (q.ratio !== "100") throw bad("ratio must be 100 (only 100% reward calls is a filter)");
    const window = q.window || "30";
    if (window !== "30" && window !== "90") throw bad("window must be 30 or 90");
    out.fullRatio = window === "30" ? 30 : 90;
  }
  if (q.cutBelow) {
    const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(q.cutBelow);
    if (!m) throw bad("cutBelow must be a percentage such as 10 or 12.5");
    // percent × 10_000 = PERC_DIVISOR units (1_000_000 = 100%).
    const units = BigInt(m[1] ?? "0") * 10_000n + BigInt((m[2] ?? "").padEnd(4, "0"));
    if (units > PERC_DIVISOR) throw bad("cutBelow must be at most 100");
    out.cutBelow = units;
  }
  if (q.pipeline) {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(q.pipeline)) throw bad("pipeline must be a capability name");
    out.pipeline = q.pipeline;
  }
  return out;
}

/** The rows the query keeps, in its order (ties by stake, highest first). */
export function applyOrchestratorQuery(
  rows: readonly OrchestratorRow[],
  q: OrchestratorQuery,
): OrchestratorRow[] {
  const kept = rows.filter(
    (r) =>
      (q.fullRatio === undefined || isFullRatio(q.fullRatio === 30 ? r.ratio30 : r.ratio90)) &&
      (q.cutBelow === undefined || r.rewardCut < q.cutBelow) &&
      (q.pipeline === undefined || r.prices.some((p) => p.capability === q.pipeline)),
  );
  const dir = q.order === "asc" ? 1 : -1;
  return kept.sort((a, b) => {
    const c = compare(key(a, q.sort), key(b, q.sort)) * dir;
    return c !== 0 ? c : compare(b.totalStake, a.totalStake);
  });
}

function key(r: OrchestratorRow, sort: SortKey): bigint | number {
  switch (sort) {
    case "stake":
      return r.totalStake;
    case "cut":
      return r.rewardCut;
    case "share":
      return r.feeShare;
    case "ratio30":
      return ratioValue(r.ratio30);
    case "ratio90":
      return ratioValue(r.ratio90);
    case "fees":
      return r.cumulativeFees;
    case "lastReward":
      return r.lastRewardRound;
  }
}

const ratioValue = (r: RewardRatio): number => (r.counted === 0 ? -1 : r.rewarded / r.counted);

function compare(a: bigint | number, b: bigint | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
