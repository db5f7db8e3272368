import type { Address } from "../../../protocol/types.ts";
import type { AppDeps } from "../../deps.ts";

export interface ClaimWarning {
  code: "CLAIM_BEFORE_REWARD";
  message: string;
}

export interface DelegatorDetail {
  address: string;
  status: string;
  delegateAddress: string;
  bondedAmount: string;
  pendingStake: string;
  pendingFees: string;
  fees: string;
  delegatedAmount: string;
  startRound: string;
  lastClaimRound: string;
  currentRound: string;
  unbondingLocks: { id: string; amount: string; withdrawRound: string; withdrawable: boolean }[];
  /**
   * Present while claiming now would lose this round's rewards (docs/protocol.md#the-claim-timing-edge-case).
   */
  warning?: ClaimWarning;
}

const ZERO = "0x0000000000000000000000000000000000000000";

export async function delegatorDetail(deps: AppDeps, address: Address): Promise<DelegatorDetail> {
  const addr = address.toLowerCase() as Address;
  const [d, locks, pendingStake, pendingFees, round] = await Promise.all([
    deps.ledger.getDelegator(addr),
    deps.ledger.getDelegatorUnbondingLocks(addr),
    deps.ledger.pendingStake(addr),
    deps.ledger.pendingFees(addr),
    deps.ledger.currentRound(),
  ]);
  const out: DelegatorDetail = {
    address: addr,
    status: d.status,
    delegateAddress: d.delegateAddress.toLowerCase(),
    bondedAmount: d.bondedAmount.toString(),
    pendingStake: pendingStake.toString(),
    pendingFees: pendingFees.toString(),
    fees: d.fees.toString(),
    delegatedAmount: d.delegatedAmount.toString(),
    startRound: d.startRound.toString(),
    lastClaimRound: d.lastClaimRound.toString(),
    currentRound: round.toString(),
    unbondingLocks: locks.map((l) => ({
      id: l.id.toString(),
      amount: l.amount.toString(),
      withdrawRound: l.withdrawRound.toString(),
      withdrawable: l.withdrawRound <= round,
    })),
  };
  const warning = await claimWarning(deps, d.delegateAddress, d.bondedAmount, round);
  if (warning) out.warning = warning;
  return out;
}

/**
 * The claim-timing edge case: the delegate is active this round and has not called reward()
 * yet, so a claim now (or a bond/unbond/rebond, which claim first) stores this round's factors
 * before reward() overwrites them, and the round's share is never credited.
 */
export async function claimWarning(
  deps: AppDeps,
  delegate: Address,
  bonded: bigint,
  round: bigint,
): Promise<ClaimWarning | undefined> {
  if (bonded === 0n || delegate.toLowerCase() === ZERO) return undefined;
  const [active, t] = await Promise.all([
    deps.ledger.isActiveTranscoder(delegate),
    deps.ledger.getTranscoder(delegate),
  ]);
  if (!active || t.lastRewardRound === round) return undefined;
  return {
    code: "CLAIM_BEFORE_REWARD",
    message:
      `orchestrator ${delegate.toLowerCase()} has not called reward() in round ${round}: claiming now ` +
      "(or bonding, unbonding, rebonding, withdrawing fees) forfeits this round's rewards and fees; wait until it has",
  };
}
