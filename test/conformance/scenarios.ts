// Named scenarios: each targets one place where the devnet once differed from the contracts.
import type { Action } from "./harness/actions.ts";
import { LPT, type Setup, startPair } from "./harness/run.ts";

export interface Scenario {
  name: string;
  seats: bigint;
  accounts: number;
  steps: Action[];
  /** Revert reasons and event names the scenario must produce (on both ledgers alike). */
  mustSee: string[];
}

/** Plays a scenario on a fresh pair (which throws on any divergence); returns the event names and revert reasons seen. */
export async function playScenario(s: Scenario, chainVia?: Setup["chainVia"]): Promise<Set<string>> {
  const pair = await startPair({
    accounts: s.accounts,
    numActiveTranscoders: s.seats,
    ...(chainVia ? { chainVia } : {}),
  });
  try {
    const seen = new Set<string>();
    for (const a of s.steps) {
      const o = await pair.step(a);
      if (o.ok) for (const e of o.events) seen.add(e.name);
      else seen.add(o.reason);
    }
    return seen;
  } finally {
    await pair.close();
  }
}

const adv: Action[] = [{ kind: "advanceRound" }, { kind: "initializeRound", by: 0 }];
const orch = (by: number, amount: bigint): Action[] => [
  { kind: "bond", by, amount, to: by },
  { kind: "transcoder", by, rewardCut: 250_000n, feeShare: 600_000n },
];
const fund = (by: number): Action => ({
  kind: "fundDepositAndReserve",
  by,
  deposit: 10n * LPT,
  reserve: 9n * LPT,
});

export const SCENARIOS: Scenario[] = [
  {
    name: "orchestrator claims before reward in the same round (cumulativeRewards, cumulativeFees)",
    mustSee: ["EarningsClaimed", "WinningTicketTransfer", "TreasuryReward"],
    seats: 3n,
    accounts: 5,
    steps: [
      ...orch(1, 1000n * LPT),
      { kind: "bond", by: 2, amount: 400n * LPT, to: 1 },
      fund(4),
      ...adv,
      { kind: "reward", by: 1 },
      { kind: "redeem", sender: 4, recipient: 1, faceValue: LPT, nonce: 1n },
      ...adv,
      { kind: "claimEarnings", by: 1 },
      { kind: "reward", by: 1 },
      { kind: "redeem", sender: 4, recipient: 1, faceValue: LPT, nonce: 2n },
      { kind: "claimEarnings", by: 2 },
      { kind: "redeem", sender: 4, recipient: 1, faceValue: LPT, nonce: 3n },
      ...adv,
      { kind: "reward", by: 1 },
      { kind: "claimEarnings", by: 1 },
      { kind: "redeem", sender: 4, recipient: 1, faceValue: LPT, nonce: 4n },
      { kind: "unbond", by: 2, amount: 100n * LPT },
      { kind: "withdrawFees", by: 1, amount: 1n },
      ...adv,
      { kind: "reward", by: 1 },
    ],
  },
  {
    name: "ties at the bottom of the active set",
    mustSee: ["TranscoderDeactivated", "caller must be an active transcoder"],
    seats: 2n,
    accounts: 6,
    steps: [
      ...orch(1, 100n * LPT),
      ...orch(2, 100n * LPT),
      ...orch(3, 100n * LPT),
      ...adv,
      ...orch(4, 150n * LPT),
      { kind: "bond", by: 5, amount: 50n * LPT, to: 2 },
      { kind: "unbond", by: 5, amount: 50n * LPT },
      ...adv,
      { kind: "reward", by: 1 },
      { kind: "reward", by: 2 },
      { kind: "reward", by: 4 },
    ],
  },
  {
    name: "bond and rebondFromUnbonded to the zero address",
    mustSee: ["Bond", "Rebond"],
    seats: 3n,
    accounts: 4,
    steps: [
      ...orch(1, 100n * LPT),
      { kind: "bond", by: 2, amount: 10n * LPT, to: "zero" },
      ...adv,
      { kind: "unbond", by: 2, amount: 10n * LPT },
      { kind: "rebondFromUnbonded", by: 2, to: "zero", lockId: 0n },
      { kind: "unbond", by: 2, amount: 5n * LPT },
      { kind: "bond", by: 3, amount: 0n, to: "zero" },
      ...adv,
      { kind: "reward", by: 1 },
    ],
  },
  {
    name: "transferBond to a never-registered delegator, and claim-before-bond order",
    mustSee: ["TransferBond", "ILLEGAL_CLAIM_EARNINGS", "INVALID_DELEGATOR"],
    seats: 3n,
    accounts: 6,
    steps: [
      ...orch(1, 100n * LPT),
      { kind: "bond", by: 2, amount: 20n * LPT, to: 1 },
      { kind: "bond", by: 3, amount: 5n * LPT, to: 1 },
      ...adv,
      { kind: "transferBond", by: 2, to: 4, amount: 5n * LPT },
      { kind: "transferBond", by: 4, to: 3, amount: 1n * LPT },
      { kind: "transferBond", by: 2, to: 3, amount: 1n * LPT },
      { kind: "reward", by: 1 },
      { kind: "transferBond", by: 2, to: 3, amount: 1n * LPT },
      { kind: "transferBond", by: 2, to: 4, amount: 1n * LPT },
      { kind: "reward", by: 4 },
      ...adv,
      { kind: "reward", by: 4 },
      { kind: "transferBond", by: 2, to: 2, amount: 1n * LPT },
      { kind: "transferBond", by: 1, to: 0, amount: 1n * LPT },
      // A delegate that never registered receives a transfer from its own delegator.
      { kind: "bond", by: 0, amount: 5n * LPT, to: 5 },
      ...adv,
      { kind: "transferBond", by: 0, to: 5, amount: 1n * LPT },
      ...adv,
      { kind: "reward", by: 5 },
    ],
  },
  {
    name: "claimableReserve after the pool grows",
    mustSee: ["ReserveClaimed", "panic:0x11"],
    seats: 5n,
    accounts: 6,
    steps: [
      ...orch(1, 100n * LPT),
      ...orch(2, 100n * LPT),
      { kind: "fundDepositAndReserve", by: 5, deposit: 0n, reserve: 10n * LPT },
      ...adv,
      { kind: "redeem", sender: 5, recipient: 1, faceValue: 20n * LPT, nonce: 1n },
      { kind: "redeem", sender: 5, recipient: 1, faceValue: 5n * LPT, nonce: 2n },
      ...orch(3, 100n * LPT),
      ...orch(4, 100n * LPT),
      { kind: "redeem", sender: 5, recipient: 1, faceValue: LPT, nonce: 3n },
      { kind: "redeem", sender: 5, recipient: 2, faceValue: 5n * LPT, nonce: 4n },
      ...adv,
      { kind: "redeem", sender: 5, recipient: 3, faceValue: LPT, nonce: 5n },
    ],
  },
  {
    name: "unlock, withdraw and redemption against an unlocking sender",
    mustSee: ["Unlock", "Withdrawal", "UnlockCancelled"],
    seats: 3n,
    accounts: 4,
    steps: [
      ...orch(1, 100n * LPT),
      fund(3),
      ...adv,
      { kind: "unlock", by: 3 },
      { kind: "redeem", sender: 3, recipient: 1, faceValue: LPT, nonce: 1n },
      { kind: "withdraw", by: 3 },
      ...adv,
      ...adv,
      { kind: "redeem", sender: 3, recipient: 1, faceValue: LPT, nonce: 2n },
      { kind: "withdraw", by: 3 },
      { kind: "cancelUnlock", by: 3 },
      fund(3),
      { kind: "unlock", by: 3 },
      { kind: "cancelUnlock", by: 3 },
    ],
  },
];
