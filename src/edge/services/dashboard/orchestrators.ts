import type { Address } from "../../../protocol/types.ts";
import { LivepeerError } from "../../../wire/errors.ts";
import type { AppDeps } from "../../deps.ts";
import type { LedgerEvent, TranscoderInfo } from "../../ledger/types.ts";
import { type RewardRound, rewardHistory } from "../protocol/reward-history.ts";
import { offersOf } from "../tickets/offers.ts";
import { type RewardRatio, rewardRatio } from "./reward-ratio.ts";

/** The longest reward-call window the dashboard shows. */
export const TIMELINE_ROUNDS = 90;

export interface PipelinePrice {
  capability: string;
  modelId?: string;
  pricePerUnit: string;
  pixelsPerUnit: string;
}

export interface OrchestratorRow {
  address: Address;
  totalStake: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  lastRewardRound: bigint;
  cumulativeFees: bigint;
  serviceURI: string;
  active: boolean;
  hosted: boolean;
  ratio30: RewardRatio;
  ratio90: RewardRatio;
  /**
   * When hosted here, what it advertises now (its live runners' models against its config: the
   * offers its OrchestratorInfo carries), else the signed info this gateway last fetched.
   */
  prices: PipelinePrice[];
  pricesFrom: "advertised" | "signed info" | "unknown";
  transcoder: TranscoderInfo;
  /** Newest first, up to TIMELINE_ROUNDS rounds of the current activation. */
  history: RewardRound[];
}

/** The active set (or next round's pool), highest stake first, with ratios and prices. */
export async function orchestratorRows(deps: AppDeps, set: "current" | "next"): Promise<OrchestratorRow[]> {
  const [members, round, events] = await Promise.all([
    set === "current" ? deps.ledger.getActiveSet() : deps.ledger.getTranscoderPool(),
    deps.ledger.currentRound(),
    deps.ledger.getEvents({ name: "Reward" }),
  ]);
  return Promise.all(members.map((m) => orchestratorRow(deps, m.address, m.totalStake, round, events)));
}

/** One orchestrator's row; ORCHESTRATOR_NOT_FOUND when the address never registered. */
export async function orchestratorRowFor(deps: AppDeps, address: Address): Promise<OrchestratorRow> {
  const addr = address.toLowerCase() as Address;
  const [round, totalStake] = await Promise.all([
    deps.ledger.currentRound(),
    deps.ledger.transcoderTotalStake(addr),
  ]);
  const row = await orchestratorRow(deps, addr, totalStake, round);
  if (row.transcoder.activationRound === 0n && totalStake === 0n && row.serviceURI === "") {
    throw new LivepeerError("ORCHESTRATOR_NOT_FOUND", `${addr} is not a registered orchestrator`);
  }
  return row;
}

async function orchestratorRow(
  deps: AppDeps,
  address: Address,
  totalStake: bigint,
  round: bigint,
  rewardEvents?: LedgerEvent[],
): Promise<OrchestratorRow> {
  const addr = address.toLowerCase() as Address;
  const [t, serviceURI, active, { prices, from }] = await Promise.all([
    deps.ledger.getTranscoder(addr),
    deps.ledger.getServiceURI(addr),
    deps.ledger.isActiveTranscoder(addr),
    pricesOf(deps, addr),
  ]);
  const history = await rewardHistory(deps, addr, t, round, TIMELINE_ROUNDS, rewardEvents);
  return {
    address: addr,
    totalStake,
    rewardCut: t.rewardCut,
    feeShare: t.feeShare,
    lastRewardRound: t.lastRewardRound,
    cumulativeFees: t.cumulativeFees,
    serviceURI,
    active,
    hosted: deps.keys.orchestrators.has(addr),
    ratio30: rewardRatio(history, round, 30),
    ratio90: rewardRatio(history, round, 90),
    prices,
    pricesFrom: from,
    transcoder: t,
    history,
  };
}

async function pricesOf(
  deps: AppDeps,
  addr: Address,
): Promise<{ prices: PipelinePrice[]; from: OrchestratorRow["pricesFrom"] }> {
  const hosted = deps.services.hosted.find((h) => h.address === addr);
  if (hosted) {
    // The same offers its OrchestratorInfo and the go wire advertise: a configured AI price with no
    // live runner model behind it is not for sale, so it is not shown.
    const offers = await offersOf(deps, hosted);
    return {
      from: "advertised",
      prices: offers.flatMap((o) =>
        o.price
          ? [
              {
                capability: o.capability,
                ...(o.modelId ? { modelId: o.modelId } : {}),
                pricePerUnit: o.price.pricePerUnit.toString(),
                pixelsPerUnit: o.price.pixelsPerUnit.toString(),
              },
            ]
          : [],
      ),
    };
  }
  for (const entry of deps.services.discovery.cache.values()) {
    if (entry.info.address.toLowerCase() !== addr) continue;
    return {
      from: "signed info",
      prices: entry.info.prices.map((p) => ({
        capability: p.capability,
        ...(p.modelId ? { modelId: p.modelId } : {}),
        pricePerUnit: p.pricePerUnit,
        pixelsPerUnit: p.pixelsPerUnit,
      })),
    };
  }
  return { prices: [], from: "unknown" };
}
