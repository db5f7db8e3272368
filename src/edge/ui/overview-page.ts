import { html } from "hono/html";
import { MINTER_DIVISOR } from "../../protocol/math.ts";
import type { OrchestratorRow } from "../services/dashboard/orchestrators.ts";
import type { Overview } from "../services/dashboard/overview.ts";
import { formatDuration, formatPercent, formatUnits } from "./format.ts";
import { type Html, layout } from "./layout.ts";
import { orchestratorTable } from "./orchestrator-table.ts";

/** How many orchestrators the overview lists. */
export const TOP_ORCHESTRATORS = 5;

function bar(part: bigint, whole: bigint, label: string): Html {
  const pct = whole > 0n ? Number((part * 1000n) / whole) / 10 : 0;
  return html`<div class="bar" role="img" aria-label="${label}"><span style="width:${Math.min(100, pct)}%"></span></div>`;
}

export function overviewPage(o: Overview, top: readonly OrchestratorRow[]): Html {
  const r = o.round;
  const length = BigInt(r.roundLength);
  const countdown =
    o.secondsLeft === null ? "rounds advance on request" : `about ${formatDuration(o.secondsLeft)}`;
  const body = html`<h1>Overview</h1>
<section class="cards" aria-label="Round and token figures">
<dl class="card" id="round">
<dt>Round</dt><dd data-value="${r.currentRound}">${r.currentRound}</dd>
<dt>Progress</dt><dd data-value="${o.blocksIntoRound.toString()}">${o.blocksIntoRound.toString()} of ${r.roundLength} blocks
${bar(o.blocksIntoRound, length, "round progress")}</dd>
<dt>Next round in</dt><dd data-blocks="${o.blocksLeft.toString()}">${o.blocksLeft.toString()} blocks, ${countdown}</dd>
<dt>Initialized</dt><dd data-value="${String(r.initialized)}">${
    r.initialized ? html`<span class="ok">yes</span>` : html`<span class="warn">not yet</span>`
  }</dd>
<dt>Lock window</dt><dd data-value="${String(r.locked)}">${
    r.locked
      ? html`<span class="warn">locked: cut and fee changes wait for the next round</span>`
      : html`<span class="ok">open</span>`
  }</dd>
</dl>
<dl class="card" id="inflation">
<dt>Inflation per round</dt><dd data-value="${o.inflation.toString()}">${formatPercent(o.inflation, MINTER_DIVISOR, 4)}</dd>
<dt>Inflation change</dt><dd data-value="${o.inflationChange.toString()}">${formatPercent(o.inflationChange, MINTER_DIVISOR, 5)} per round</dd>
<dt>Participation / target</dt><dd data-value="${o.participation.toString()}">${formatPercent(o.participation, MINTER_DIVISOR)} / ${formatPercent(o.targetBondingRate, MINTER_DIVISOR)}
${bar(o.participation, MINTER_DIVISOR, "participation")}</dd>
</dl>
<dl class="card" id="supply">
<dt>Total bonded</dt><dd data-value="${o.totalBonded.toString()}">${formatUnits(o.totalBonded, "LPT")}</dd>
<dt>Total supply</dt><dd data-value="${o.totalSupply.toString()}">${formatUnits(o.totalSupply, "LPT")}</dd>
<dt>Minted / mintable this round</dt><dd data-minted="${o.minted.toString()}" data-mintable="${o.mintable.toString()}">${formatUnits(o.minted, "LPT")} / ${formatUnits(o.mintable, "LPT")}
${bar(o.minted, o.mintable, "minted of mintable")}</dd>
</dl>
<dl class="card" id="fees">
<dt>Fees this round</dt><dd data-value="${o.feesThisRound.toString()}">${formatUnits(o.feesThisRound, "ETH", 6)}</dd>
<dt>Winning tickets this round</dt><dd data-value="${o.winningTicketsThisRound}">${o.winningTicketsThisRound}</dd>
</dl>
</section>
<h2>Top orchestrators</h2>
${orchestratorTable(top, (c) => c.label)}
<p><a href="/dashboard/orchestrators">All orchestrators</a></p>`;
  return layout({ title: "Overview", path: "/dashboard", body });
}
