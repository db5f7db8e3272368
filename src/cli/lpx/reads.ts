import type { EdgeClient } from "./edge.ts";
import { formatAmount, formatPercent, parseAddress } from "./units.ts";

// The read commands: one GET each; --json prints the edge's answer as it is.

export type Out = (text: string) => void;

interface Round {
  currentRound: string;
  initialized: boolean;
  locked: boolean;
  startBlock: string;
  blockNumber: string;
  roundLength: string;
}
interface RewardRound {
  round: string;
  status: string;
  amount?: string;
  ref?: string;
}
interface Orchestrator {
  address: string;
  totalStake: string;
  rewardCut: string;
  feeShare: string;
  lastRewardRound: string;
  serviceURI: string;
  active: boolean;
  hosted: boolean;
  rewardHistory: RewardRound[];
  pendingStake?: string;
  pendingFees?: string;
}
interface Delegator {
  address: string;
  status: string;
  delegateAddress: string;
  bondedAmount: string;
  pendingStake: string;
  pendingFees: string;
  lastClaimRound: string;
  currentRound: string;
  unbondingLocks: { id: string; amount: string; withdrawRound: string; withdrawable: boolean }[];
  warning?: { code: string; message: string };
}
interface Sender {
  address: string;
  deposit: string;
  withdrawRound: string;
  reserve: { fundsRemaining: string; claimedInCurrentRound: string };
  unlocking: boolean;
}

const lpt = (v: string) => formatAmount(v, "LPT");
const eth = (v: string) => formatAmount(v, "ETH", 6);

export async function round(edge: EdgeClient, json: boolean, out: Out): Promise<void> {
  const r = await edge.get<Round>("/v1/protocol/round");
  if (json) return out(JSON.stringify(r, null, 2));
  const into = BigInt(r.blockNumber) - BigInt(r.startBlock);
  out(
    [
      `Round ${r.currentRound}: ${r.initialized ? "initialized" : "NOT initialized"}${r.locked ? ", locked (no bonding changes to the active set)" : ""}`,
      `Block ${r.blockNumber}: ${into} of ${r.roundLength} blocks into the round, ${BigInt(r.roundLength) - into} left`,
    ].join("\n"),
  );
}

export async function orchestrators(edge: EdgeClient, next: boolean, json: boolean, out: Out): Promise<void> {
  const { orchestrators: list } = await edge.get<{ orchestrators: Orchestrator[] }>(
    `/v1/protocol/orchestrators?set=${next ? "next" : "current"}`,
  );
  if (json) return out(JSON.stringify(list, null, 2));
  out(`${next ? "Next round's pool" : "Active set"}: ${list.length} orchestrators`);
  for (const o of list) {
    const counted = o.rewardHistory.filter((h) => h.status !== "pending");
    const rewarded = counted.filter((h) => h.status === "rewarded").length;
    out(
      `${o.address}  ${lpt(o.totalStake).padStart(20)}  cut ${formatPercent(o.rewardCut).padStart(6)}  fee share ${formatPercent(o.feeShare).padStart(6)}  reward calls ${rewarded}/${counted.length}${o.hosted ? "  (hosted here)" : ""}`,
    );
  }
}

export async function orchestrator(edge: EdgeClient, address: string | undefined, json: boolean, out: Out) {
  const a = parseAddress(address, "the orchestrator");
  const o = await edge.get<Orchestrator>(`/v1/protocol/orchestrators/${a}`);
  if (json) return out(JSON.stringify(o, null, 2));
  out(
    [
      `Orchestrator ${o.address}${o.active ? " (active)" : " (not active)"}${o.hosted ? ", hosted by this edge" : ""}`,
      `Stake ${lpt(o.totalStake)}, reward cut ${formatPercent(o.rewardCut)}, fee share ${formatPercent(o.feeShare)}`,
      `Service URI ${o.serviceURI || "(none)"}`,
      `Last reward round ${o.lastRewardRound}`,
      "Reward history (newest first):",
      ...o.rewardHistory.map(
        (h) =>
          `  round ${h.round}: ${h.status}${h.amount ? `, ${lpt(h.amount)}` : ""}${h.ref ? ` (tx ${h.ref})` : ""}`,
      ),
    ].join("\n"),
  );
}

export async function delegator(edge: EdgeClient, address: string | undefined, json: boolean, out: Out) {
  const a = parseAddress(address, "the delegator");
  const d = await edge.get<Delegator>(`/v1/protocol/delegators/${a}`);
  if (json) return out(JSON.stringify(d, null, 2));
  out(
    [
      `Delegator ${d.address}: ${d.status}${/^0x0{40}$/.test(d.delegateAddress) ? "" : ` to ${d.delegateAddress}`}`,
      `Bonded ${lpt(d.bondedAmount)}; pending stake ${lpt(d.pendingStake)}, pending fees ${eth(d.pendingFees)}`,
      `Last claim round ${d.lastClaimRound} (current ${d.currentRound})`,
      ...d.unbondingLocks.map(
        (l) =>
          `Unbonding lock ${l.id}: ${lpt(l.amount)}, ${l.withdrawable ? "withdrawable now" : `withdrawable at round ${l.withdrawRound}`}`,
      ),
      ...(d.warning ? [`WARNING ${d.warning.code}: ${d.warning.message}`] : []),
    ].join("\n"),
  );
}

export async function sender(edge: EdgeClient, address: string | undefined, json: boolean, out: Out) {
  const a = parseAddress(address, "the sender");
  const s = await edge.get<Sender>(`/v1/protocol/senders/${a}`);
  if (json) return out(JSON.stringify(s, null, 2));
  const w = BigInt(s.withdrawRound);
  out(
    [
      `Sender ${s.address}`,
      `Deposit ${eth(s.deposit)}, reserve ${eth(s.reserve.fundsRemaining)} (claimed this round ${eth(s.reserve.claimedInCurrentRound)})`,
      w === 0n ? "Locked: the funds back tickets" : `Unlocking: withdrawable from round ${s.withdrawRound}`,
    ].join("\n"),
  );
}

export type { Delegator, Orchestrator, RewardRound };
