import { html } from "hono/html";
import { PERC_DIVISOR } from "../../protocol/math.ts";
import type { CutChange, RoundEarnings } from "../services/dashboard/orchestrator-earnings.ts";
import type { RunnerRow } from "../services/dashboard/runners.ts";
import type { TicketStats } from "../services/dashboard/tickets.ts";
import { chart, tokens } from "./chart.ts";
import { formatPercent, formatUnits, shortAddress } from "./format.ts";
import type { Html } from "./layout.ts";

const pct = (v: bigint) => formatPercent(v, PERC_DIVISOR);
const lpt = (v: bigint) => formatUnits(v, "LPT");
const eth = (v: bigint) => formatUnits(v, "ETH", 6);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** Per-round rewards and fees, kept against shared, with a chart of the rewards. */
export function earningsSection(rows: readonly RoundEarnings[]): Html {
  if (rows.length === 0) {
    return html`<h2>Earnings per round</h2><p class="muted" id="no-earnings">No rewards or fees yet.</p>`;
  }
  const oldestFirst = [...rows].reverse();
  const body = rows.map(
    (
      r,
    ) => html`<tr data-round="${r.round.toString()}" data-rewards="${r.rewards.toString()}" data-reward-kept="${r.rewardKept.toString()}" data-fees="${r.fees.toString()}">
<td class="num">${r.round.toString()}</td><td class="num">${lpt(r.rewards)}</td><td class="num">${lpt(r.rewardKept)}</td><td class="num">${lpt(r.rewardShared)}</td>
<td class="num">${eth(r.fees)}</td><td class="num">${eth(r.feesKept)}</td><td class="num">${eth(r.feesShared)}</td>
<td class="num">${pct(r.rewardCut)}</td><td class="num">${pct(r.feeShare)}</td></tr>`,
  );
  return html`<h2>Earnings per round</h2>
<p class="muted">Kept: the orchestrator's commission (reward cut; fees minus the fee share). Shared: what its stake shares, pro rata, its own bond included.</p>
${chart({
  id: "earnings-chart",
  title: "Rewards per round: kept and shared (LPT)",
  x: oldestFirst.map((r) => r.round),
  unit: "LPT",
  series: [
    { label: "kept", values: oldestFirst.map((r) => tokens(r.rewardKept)) },
    { label: "shared", values: oldestFirst.map((r) => tokens(r.rewardShared)) },
  ],
})}
<div class="scroll" tabindex="0"><table id="earnings">
<thead><tr><th scope="col" class="num">Round</th><th scope="col" class="num">Rewards</th><th scope="col" class="num">Kept</th><th scope="col" class="num">Shared</th><th scope="col" class="num">Fees</th><th scope="col" class="num">Kept</th><th scope="col" class="num">Shared</th><th scope="col" class="num">Reward cut</th><th scope="col" class="num">Fee share</th></tr></thead>
<tbody>${body}</tbody></table></div>`;
}

export function cutsSection(cuts: readonly CutChange[]): Html {
  const rows = cuts.map(
    (
      c,
    ) => html`<tr data-round="${c.round.toString()}" data-reward-cut="${c.rewardCut.toString()}" data-fee-share="${c.feeShare.toString()}">
<td class="num">${c.round.toString()}</td><td class="num">${c.block.toString()}</td><td class="num">${pct(c.rewardCut)}</td><td class="num">${pct(c.feeShare)}</td><td><code>${c.ref}</code></td></tr>`,
  );
  return html`<h2>Cut history</h2>
${
  cuts.length === 0
    ? html`<p class="muted" id="no-cuts">No change recorded on this ledger.</p>`
    : html`<div class="scroll" tabindex="0"><table id="cuts"><thead><tr><th scope="col" class="num">Round</th><th scope="col" class="num">Block</th><th scope="col" class="num">Reward cut</th><th scope="col" class="num">Fee share</th><th scope="col">Transaction</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`;
}

export function ticketsSection(t: TicketStats | undefined): Html {
  if (!t) {
    return html`<h2>Tickets</h2><p class="muted" id="no-tickets">Not hosted by this node: its tickets are not seen here.</p>`;
  }
  const queue = t.queue.map(
    (q) => html`<tr data-ticket="${q.ticketId}" data-status="${q.status}">
<td class="num">${q.ticketId}</td><td><code>${shortAddress(q.sender)}</code></td><td class="num">${eth(q.faceValue)}</td><td>${q.status}</td><td class="num">${q.attempts}</td><td class="num">${q.lastValidRound}</td><td>${q.lastError ?? ""}</td></tr>`,
  );
  return html`<h2>Tickets</h2>
<section class="cards"><dl class="card" id="tickets">
<dt>Received</dt><dd data-value="${t.received}">${t.received}</dd>
<dt>Won</dt><dd data-value="${t.won}">${t.won}</dd>
<dt>Redeemed</dt><dd data-value="${t.redeemed}">${t.redeemed}</dd>
</dl><dl class="card" id="ticket-value">
<dt>Expected value received</dt><dd data-value="${t.evReceived.toString()}">${eth(t.evReceived)}</dd>
<dt>Face value won</dt><dd data-value="${t.faceValueWon.toString()}">${eth(t.faceValueWon)}</dd>
<dt>Paid out by redemptions</dt><dd data-value="${t.paid.toString()}">${eth(t.paid)}</dd>
</dl></section>
<h3>Redemption queue</h3>
${
  t.queue.length === 0
    ? html`<p class="muted" id="queue-empty">Empty: every winning ticket is settled.</p>`
    : html`<div class="scroll" tabindex="0"><table id="redemptions"><thead><tr><th scope="col" class="num">Ticket</th><th scope="col">Sender</th><th scope="col" class="num">Face value</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col" class="num">Valid until round</th><th scope="col">Last error</th></tr></thead>
<tbody>${queue}</tbody></table></div>`
}`;
}

export function runnersSection(runners: readonly RunnerRow[], hosted: boolean): Html {
  if (!hosted) return html``;
  const rows = runners.map((r) => {
    const gpus = r.gpus.map((g) => `${g.name} (${g.memoryMiB} MiB, ${g.driver})`).join(", ");
    const enc = r.ffmpeg ? [...r.ffmpeg.encoders, ...r.ffmpeg.hwaccels.map((h) => `hw:${h}`)].join(", ") : "";
    const models = r.models.map((m) => `${m.pipeline}/${m.modelId}${m.warm ? " (warm)" : ""}`).join(", ");
    return html`<tr data-runner="${r.id}" data-live="${String(r.live)}">
<td><code>${r.id}</code></td><td>${r.live ? html`<span class="ok">live</span>` : html`<span class="muted">silent</span>`}</td>
<td>${iso(r.lastSeenAt)}</td><td class="num">${r.capacity}</td><td>${gpus || html`<span class="muted">none</span>`}</td>
<td>${r.ffmpeg ? `FFmpeg ${r.ffmpeg.version}: ${enc}` : html`<span class="muted">no FFmpeg</span>`}</td><td>${models || html`<span class="muted">none</span>`}</td></tr>`;
  });
  return html`<h2>Runners</h2>
${
  runners.length === 0
    ? html`<p class="muted" id="no-runners">No node-runner has registered.</p>`
    : html`<div class="scroll" tabindex="0"><table id="runners"><thead><tr><th scope="col">Runner</th><th scope="col">State</th><th scope="col">Last heartbeat</th><th scope="col" class="num">Capacity</th><th scope="col">GPUs</th><th scope="col">Encoders</th><th scope="col">Models</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`;
}
