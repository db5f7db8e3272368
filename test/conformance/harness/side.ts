// What a conformance run needs from each ledger: apply an action, read every observable.
import type { Action, Outcome } from "./actions.ts";

/** Every observable as flat `path → value` strings, so two snapshots diff key by key. */
export type Snapshot = Record<string, string>;

export interface Side {
  readonly name: string;
  apply(a: Action): Promise<Outcome>;
  /** Brings the side's block to `block` (the devnet follows the chain's blocks). */
  observe(): Promise<Snapshot>;
  close(): Promise<void>;
}

/** Runs a view; a revert becomes its reason so both sides compare it too. */
export async function view(fn: () => Promise<unknown>, reasonOf: (e: unknown) => string): Promise<string> {
  try {
    const v = await fn();
    return typeof v === "string" ? v.toLowerCase() : String(v);
  } catch (e) {
    return `revert:${reasonOf(e)}`;
  }
}

/** Differences between two snapshots, at most `max`. */
export function diffSnapshots(a: Snapshot, b: Snapshot, max = 20): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[k] !== b[k]) out.push(`${k}: devnet=${a[k]} chain=${b[k]}`);
    if (out.length >= max) break;
  }
  return out;
}
