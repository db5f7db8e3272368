import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { AppDeps } from "../../deps.ts";
import type { LedgerEvent } from "../../ledger/types.ts";
import { type RewardRound, rewardHistory } from "./reward-history.ts";

export interface OrchestratorSummary {
  address: string;
  totalStake: string;
  rewardCut: string;
  feeShare: string;
  lastRewardRound: string;
  activationRound: string;
  deactivationRound: string;
  serviceURI: string;
  active: boolean;
  /** Hosted by this edge (its scheduler calls reward() for it). */
  hosted: boolean;
  rewardHistory: RewardRound[];
}

export interface OrchestratorDetail extends OrchestratorSummary {
  cumulativeRewards: string;
  cumulativeFees: string;
  lastFeeRound: string;
  pendingStake: string;
  pendingFees: string;
}

/** The current round's active set (or the next round's pool), highest stake first. */
export async function listOrchestrators(
  deps: AppDeps,
  set: "current" | "next",
): Promise<OrchestratorSummary[]> {
  const [members, round, events] = await Promise.all([
    set === "current" ? deps.ledger.getActiveSet() : deps.ledger.getTranscoderPool(),
    deps.ledger.currentRound(),
    deps.ledger.getEvents({ name: "Reward" }),
  ]);
  return Promise.all(members.map((m) => summary(deps, m.address, m.totalStake, round, events)));
}

export async function orchestratorDetail(deps: AppDeps, address: Address): Promise<OrchestratorDetail> {
  const addr = address.toLowerCase() as Address;
  const [round, totalStake, t, pendingStake, pendingFees] = await Promise.all([
    deps.ledger.currentRound(),
    deps.ledger.transcoderTotalStake(addr),
    deps.ledger.getTranscoder(addr),
    deps.ledger.pendingStake(addr),
    deps.ledger.pendingFees(addr),
  ]);
  const s = await summary(deps, addr, totalStake, round);
  if (t.activationRound === 0n && totalStake === 0n && s.serviceURI === "") {
    throw new LivepeerError("ORCHESTRATOR_NOT_FOUND", `${addr} is not a registered orchestrator`);
  }
  return {
    ...s,
    cumulativeRewards: t.cumulativeRewards.toString(),
    cumulativeFees: t.cumulativeFees.toString(),
    lastFeeRound: t.lastFeeRound.toString(),
    pendingStake: pendingStake.toString(),
    pendingFees: pendingFees.toString(),
  };
}

async function summary(
  deps: AppDeps,
  address: Address,
  totalStake: bigint,
  round: bigint,
  rewardEvents?: LedgerEvent[],
): Promise<OrchestratorSummary> {
  const addr = address.toLowerCase() as Address;
  const [t, serviceURI, active] = await Promise.all([
    deps.ledger.getTranscoder(addr),
    deps.ledger.getServiceURI(addr),
    deps.ledger.isActiveTranscoder(addr),
  ]);
  return {
    address: addr,
    totalStake: totalStake.toString(),
    rewardCut: t.rewardCut.toString(),
    feeShare: t.feeShare.toString(),
    lastRewardRound: t.lastRewardRound.toString(),
    activationRound: t.activationRound.toString(),
    deactivationRound: t.deactivationRound.toString(),
    serviceURI,
    active,
    hosted: deps.keys.orchestrators.has(addr),
    rewardHistory: await rewardHistory(deps, addr, t, round, undefined, rewardEvents),
  };
}
