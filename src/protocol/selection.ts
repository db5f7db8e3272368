import type { Address } from "./types.ts";

/** An orchestrator a gateway may send work to, as discovery left it. */
export interface SelectionCandidate {
  address: Address;
  /** Total stake (LPT wei) that backs it this round. */
  stake: bigint;
  /** Round-trip latency of a known session, when one exists. */
  latencyMs?: number;
}

/** Returns a uniform integer in [0, bound). Inject a seeded one in tests. */
export type RandomSource = (bound: bigint) => bigint;

/** Per-orchestrator failure record; `until` is the first refresh at which it may be picked again. */
export interface SuspensionEntry {
  failures: number;
  until: number;
}
/** Suspensions by lower-case address: plain data, replaced (never mutated) on each change. */
export type SuspensionState = Readonly<Record<string, SuspensionEntry>>;

export interface SuspensionPolicy {
  /** Failures before the orchestrator is suspended (go-livepeer suspends after a few). */
  threshold: number;
  /** Refreshes a suspension lasts; it doubles with each failure beyond the threshold. */
  penaltyRefreshes: number;
}

export const DEFAULT_SUSPENSION_POLICY: SuspensionPolicy = { threshold: 2, penaltyRefreshes: 3 };

/** Records a failure seen at discovery refresh `refresh`; returns the new state. */
export function recordFailure(
  state: SuspensionState,
  address: Address,
  refresh: number,
  policy: SuspensionPolicy = DEFAULT_SUSPENSION_POLICY,
): SuspensionState {
  const key = address.toLowerCase();
  const failures = (state[key]?.failures ?? 0) + 1;
  const over = failures - policy.threshold;
  const until =
    over >= 0 ? refresh + policy.penaltyRefreshes * 2 ** Math.min(over, 16) : (state[key]?.until ?? 0);
  return { ...state, [key]: { failures, until } };
}

/** Clears an orchestrator's failures after a success; returns the new state. */
export function recordSuccess(state: SuspensionState, address: Address): SuspensionState {
  const key = address.toLowerCase();
  if (!(key in state)) return state;
  const { [key]: _dropped, ...rest } = state;
  return rest;
}

/** Whether `address` is suspended at refresh `refresh`. */
export function isSuspended(state: SuspensionState, address: Address, refresh: number): boolean {
  const entry = state[address.toLowerCase()];
  return entry !== undefined && entry.until > refresh;
}

/** A uniform draw in [0, bound) from the platform CSPRNG (crypto.getRandomValues, in every runtime). */
export const cryptoRandom: RandomSource = (bound) => {
  if (bound <= 0n) throw new RangeError("bound must be positive");
  const bits = bound.toString(2).length;
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    crypto.getRandomValues(bytes);
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    v &= mask;
    if (v < bound) return v; // rejection keeps the draw unbiased
  }
};

export interface SelectOptions {
  random?: RandomSource;
  suspensions?: SuspensionState;
  /** Current discovery refresh count, for suspensions. */
  refresh?: number;
  /** Extra eligibility rule (capability, model, price cap); false drops the candidate. */
  filter?: (c: SelectionCandidate) => boolean;
  /** A known session at or under this latency is preferred over a draw. */
  latencyThresholdMs?: number;
}

/** Share of the draw that follows stake; the rest is uniform (go-livepeer 0.7 / 0.3). */
const STAKE_WEIGHT = 7n;
const UNIFORM_WEIGHT = 3n;

/**
 * Picks an orchestrator as go-livepeer's default selector does: among the eligible (not
 * suspended, passing `filter`), the lowest-latency known session under `latencyThresholdMs` if
 * any; otherwise a draw with probability 0.7 × stake share + 0.3 × 1/N. The weights are exact
 * integers. Returns null when nobody is eligible.
 */
export function selectOrchestrator(
  candidates: readonly SelectionCandidate[],
  options: SelectOptions = {},
): SelectionCandidate | null {
  const refresh = options.refresh ?? 0;
  const suspensions = options.suspensions ?? {};
  const eligible = candidates.filter(
    (c) =>
      !isSuspended(suspensions, c.address, refresh) && (options.filter === undefined || options.filter(c)),
  );
  if (eligible.length === 0) return null;

  const threshold = options.latencyThresholdMs;
  if (threshold !== undefined) {
    let best: SelectionCandidate | null = null;
    for (const c of eligible) {
      if (
        c.latencyMs !== undefined &&
        c.latencyMs <= threshold &&
        (best === null || c.latencyMs < best.latencyMs!)
      ) {
        best = c;
      }
    }
    if (best !== null) return best;
  }

  const weights = selectionWeights(eligible);
  let total = 0n;
  for (const w of weights) total += w;
  let pick = (options.random ?? cryptoRandom)(total);
  for (let i = 0; i < eligible.length; i++) {
    pick -= weights[i]!;
    if (pick < 0n) return eligible[i]!;
  }
  return eligible[eligible.length - 1]!;
}

/**
 * Integer weights proportional to 0.7 × stake_i / Σstake + 0.3 / N (scaled by 10·N·Σstake).
 * With no stake at all the draw is uniform.
 */
export function selectionWeights(candidates: readonly SelectionCandidate[]): bigint[] {
  const n = BigInt(candidates.length);
  let totalStake = 0n;
  for (const c of candidates) totalStake += c.stake > 0n ? c.stake : 0n;
  if (totalStake === 0n) return candidates.map(() => 1n);
  return candidates.map(
    (c) => STAKE_WEIGHT * (c.stake > 0n ? c.stake : 0n) * n + UNIFORM_WEIGHT * totalStake,
  );
}
