import { PERC_DIVISOR } from "../../../protocol/math.ts";
import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { SimulationParams } from "./simulate.ts";

/** The most rounds one simulation runs (about three months of Arbitrum rounds). */
export const MAX_SIM_ROUNDS = 500;

export interface SimulatorQuery {
  orchestrator?: Address;
  /** Wei; absent: the delegator's pending stake. */
  principal?: bigint;
  params: Omit<SimulationParams, "rewardCallRatio"> & { rewardCallRatio?: bigint };
}

const bad = (msg: string) => new LivepeerError("VALIDATION_FAILED", msg);

/** "12.5" (%) → PERC points (1e6 = 100%). */
export function percentToPerc(name: string, text: string): bigint {
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) throw bad(`${name} must be a percentage such as 90 or 12.5`);
  const v = BigInt(m[1] ?? "0") * 10_000n + BigInt((m[2] ?? "").padEnd(4, "0"));
  if (v > PERC_DIVISOR) throw bad(`${name} must be at most 100`);
  return v;
}

/** "1000.5" (tokens) → wei. */
export function tokensToWei(name: string, text: string): bigint {
  const m = /^(\d{1,30})(?:\.(\d{1,18}))?$/.exec(text.trim());
  if (!m) throw new LivepeerError("INVALID_AMOUNT", `${name} must be an amount such as 1000 or 0.5`);
  return BigInt(m[1] ?? "0") * 10n ** 18n + BigInt((m[2] ?? "").padEnd(18, "0"));
}

/** ?orchestrator=&principal=&rounds=&ratio=&others=&rewardCut=&cutFrom=&inflationChange= */
export function parseSimulatorQuery(q: Record<string, string | undefined>): SimulatorQuery {
  const out: SimulatorQuery = { params: { rounds: 30, othersCallRatio: PERC_DIVISOR } };
  if (q.orchestrator) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(q.orchestrator))
      throw new LivepeerError("INVALID_ADDRESS", "orchestrator must be a 20-byte 0x address");
    out.orchestrator = q.orchestrator.toLowerCase() as Address;
  }
  if (q.principal) out.principal = tokensToWei("principal", q.principal);
  if (q.rounds) {
    const n = Number(q.rounds);
    if (!Number.isInteger(n) || n < 1 || n > MAX_SIM_ROUNDS)
      throw bad(`rounds must be 1 to ${MAX_SIM_ROUNDS}`);
    out.params.rounds = n;
  }
  if (q.ratio) out.params.rewardCallRatio = percentToPerc("ratio", q.ratio);
  if (q.others) out.params.othersCallRatio = percentToPerc("others", q.others);
  if (q.rewardCut) out.params.newRewardCut = percentToPerc("rewardCut", q.rewardCut);
  if (q.cutFrom) {
    const n = Number(q.cutFrom);
    if (!Number.isInteger(n) || n < 1 || n > MAX_SIM_ROUNDS)
      throw bad(`cutFrom must be 1 to ${MAX_SIM_ROUNDS}`);
    out.params.cutFromRound = n;
  }
  if (q.inflationChange) {
    if (!/^\d{1,12}$/.test(q.inflationChange))
      throw bad("inflationChange must be a whole number of 1e9 points (500 = 0.00005%)");
    out.params.inflationChange = BigInt(q.inflationChange);
  }
  return out;
}
