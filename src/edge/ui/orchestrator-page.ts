import { html } from "hono/html";
import { PERC_DIVISOR } from "../../protocol/math.ts";
import type { OrchestratorActivity } from "../services/dashboard/orchestrator-earnings.ts";
import type { OrchestratorRow } from "../services/dashboard/orchestrators.ts";
import type { RunnerRow } from "../services/dashboard/runners.ts";
import type { TicketStats } from "../services/dashboard/tickets.ts";
import type { RewardRound } from "../services/protocol/reward-history.ts";
import { actionsSection, field } from "./actions.ts";
import { formatPercent, formatUnits } from "./format.ts";
import { type Html, layout } from "./layout.ts";
import { cutsSection, earningsSection, runnersSection, ticketsSection } from "./orchestrator-sections.ts";
import { pricesCell, ratioText } from "./orchestrator-table.ts";

export interface OrchestratorExtras {
  pendingStake: bigint;
  pendingFees: bigint;
  activity: OrchestratorActivity;
  /** Only for orchestrators hosted here. */
  tickets?: TicketStats;
  runners: RunnerRow[];
  chainId: number;
  ledger: "devnet" | "chain";
}

/** PERC points as the percentage the forms take ("12.5"). */
const percInput = (v: bigint) => {
  const whole = v / 10_000n;
  const frac = (v % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole.toString();
};

const STATUS_TEXT: Record<RewardRound["status"], string> = {
  rewarded: "rewarded",
  missed: "missed (never backfilled: reward() only mints for the current round)",
  pending: "pending (this round)",
};

/** No deactivation scheduled: 0 before any, or the contract's far-future sentinel (2^256 - 1). */
const stillActive = (deactivationRound: bigint): boolean =>
  deactivationRound === 0n || deactivationRound >= 2n ** 255n;

export function orchestratorPage(r: OrchestratorRow, extra: OrchestratorExtras): Html {
  const t = r.transcoder;
  const strip = [...r.history]
    .reverse()
    .map(
      (h) =>
        html`<span class="${h.status}" title="round ${h.round}: ${h.status}" data-round="${h.round}"></span>`,
    );
  const rows = r.history.map(
    (h) => html`<tr data-round="${h.round}" data-status="${h.status}">
<td class="num">${h.round}</td>
<td class="${h.status === "rewarded" ? "ok" : h.status === "missed" ? "bad" : "muted"}">${STATUS_TEXT[h.status]}</td>
<td class="num"${h.amount ? html` data-amount="${h.amount}"` : ""}>${h.amount ? formatUnits(BigInt(h.amount), "LPT") : "–"}</td>
<td>${h.ref ? html`<code>${h.ref}</code>` : ""}${h.error ? html`<span class="bad">${h.error}</span>` : ""}</td>
</tr>`,
  );
  const body = html`<h1>Orchestrator <code>${r.address}</code></h1>
<section class="cards">
<dl class="card" id="stake">
<dt>Total stake</dt><dd data-value="${r.totalStake.toString()}">${formatUnits(r.totalStake, "LPT")}</dd>
<dt>Reward cut</dt><dd data-value="${r.rewardCut.toString()}">${formatPercent(r.rewardCut, PERC_DIVISOR)}</dd>
<dt>Fee share</dt><dd data-value="${r.feeShare.toString()}">${formatPercent(r.feeShare, PERC_DIVISOR)}</dd>
<dt>Status</dt><dd data-value="${String(r.active)}">${r.active ? html`<span class="ok">active</span>` : html`<span class="muted">inactive</span>`}${
    r.hosted ? " · hosted by this node" : ""
  }</dd>
</dl>
<dl class="card" id="rewards">
<dt>Reward calls, last 30 rounds</dt><dd>${ratioText(r.ratio30)}</dd>
<dt>Reward calls, last 90 rounds</dt><dd>${ratioText(r.ratio90)}</dd>
<dt>Last reward round</dt><dd data-value="${r.lastRewardRound.toString()}">${r.lastRewardRound === 0n ? "never" : r.lastRewardRound.toString()}</dd>
<dt>Cumulative rewards (own share)</dt><dd data-value="${t.cumulativeRewards.toString()}">${formatUnits(t.cumulativeRewards, "LPT")}</dd>
</dl>
<dl class="card" id="fees">
<dt>Cumulative fees (own share)</dt><dd data-value="${t.cumulativeFees.toString()}">${formatUnits(t.cumulativeFees, "ETH", 6)}</dd>
<dt>Pending stake (own bond)</dt><dd data-value="${extra.pendingStake.toString()}">${formatUnits(extra.pendingStake, "LPT")}</dd>
<dt>Pending fees</dt><dd data-value="${extra.pendingFees.toString()}">${formatUnits(extra.pendingFees, "ETH", 6)}</dd>
<dt>Active since round</dt><dd>${t.activationRound.toString()}${
    stillActive(t.deactivationRound) ? "" : ` until ${t.deactivationRound.toString()}`
  }</dd>
</dl>
<dl class="card" id="service">
<dt>Service URI</dt><dd>${r.serviceURI ? html`<code>${r.serviceURI}</code>` : html`<span class="muted">none</span>`}</dd>
<dt>Price per pipeline (${r.pricesFrom})</dt><dd>${pricesCell(r.prices, r.pricesFrom)}</dd>
</dl>
</section>
<h2>Reward-call timeline</h2>
<p class="muted">Oldest to newest: green rewarded, red missed, grey this round. A missed round stays missed: the protocol never backfills it.</p>
<div class="timeline" aria-hidden="true">${strip}</div>
<div class="scroll" tabindex="0"><table id="timeline">
<thead><tr><th scope="col" class="num">Round</th><th scope="col">reward()</th><th scope="col" class="num">Minted</th><th scope="col">Transaction</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${r.history.length === 0 ? html`<p class="muted">Not active in any round yet.</p>` : ""}
${earningsSection(extra.activity.earnings)}
${cutsSection(extra.activity.cuts)}
${ticketsSection(extra.tickets)}
${runnersSection(extra.runners, r.hosted)}
${actionsSection({
  chainId: extra.chainId,
  ledger: extra.ledger,
  forms: [
    {
      action: "transcoder",
      title: "Reward cut and fee share (signed by the orchestrator's key)",
      button: "Set cuts",
      fields: [
        field.percent("rewardCut", "Reward cut (%)", percInput(r.rewardCut)),
        field.percent("feeShare", "Fee share (%)", percInput(r.feeShare)),
      ],
    },
    {
      action: "setServiceURI",
      title: "Service URI",
      button: "Publish",
      fields: [{ name: "uri", label: "URI", value: r.serviceURI }],
    },
    {
      action: "bond",
      title: "Delegate to this orchestrator",
      button: "Bond",
      fields: [field.lpt("amount", "Amount (LPT)"), field.address("to", "Orchestrator", r.address)],
    },
  ],
})}`;
  return layout({
    title: `Orchestrator ${r.address}`,
    path: `/dashboard/orchestrators/${r.address}`,
    body,
    charts: extra.activity.earnings.length > 0,
    actions: true,
  });
}
