import { html } from "hono/html";
import { PERC_DIVISOR } from "../../protocol/math.ts";
import type { OrchestratorRow, PipelinePrice } from "../services/dashboard/orchestrators.ts";
import type { RewardRatio } from "../services/dashboard/reward-ratio.ts";
import { formatPercent, formatUnits, shortAddress } from "./format.ts";
import type { Html } from "./layout.ts";

export interface Column {
  key: string;
  label: string;
  num?: boolean;
}

export const COLUMNS: readonly Column[] = [
  { key: "address", label: "Orchestrator" },
  { key: "stake", label: "Stake", num: true },
  { key: "cut", label: "Reward cut", num: true },
  { key: "share", label: "Fee share", num: true },
  { key: "ratio30", label: "Reward calls 30r", num: true },
  { key: "ratio90", label: "Reward calls 90r", num: true },
  { key: "lastReward", label: "Last reward round", num: true },
  { key: "fees", label: "Fees earned", num: true },
  { key: "prices", label: "Price per pipeline" },
  { key: "active", label: "Active" },
];

/** "30/30 (100%)", or "–" before any round could be counted. */
export function ratioText(r: RewardRatio): string {
  if (r.counted === 0) return "–";
  return `${r.rewarded}/${r.counted} (${formatPercent(BigInt(r.rewarded), BigInt(r.counted), 1)})`;
}

function ratioClass(r: RewardRatio): string {
  if (r.counted === 0) return "muted";
  return r.rewarded === r.counted ? "ok" : r.rewarded * 10 >= r.counted * 9 ? "warn" : "bad";
}

/** "transcode 1200 wei / 1 px", one per line. */
export function pricesCell(prices: readonly PipelinePrice[], from: OrchestratorRow["pricesFrom"]): Html {
  if (prices.length === 0)
    return html`<span class="muted">${from === "unknown" ? "not fetched" : "none"}</span>`;
  return html`${prices.map(
    (p, i) =>
      html`${i > 0 ? html`<br>` : ""}<span data-capability="${p.capability}">${p.capability}${
        p.modelId ? ` (${p.modelId})` : ""
      }: ${p.pricePerUnit} wei / ${p.pixelsPerUnit} ${p.capability === "transcode" ? "px" : "unit"}</span>`,
  )}`;
}

/**
 * The orchestrators as a table. `header(col)` renders each column heading (the Orchestrators
 * page makes them sort links). Rows carry data- attributes with the exact figures, for tests and scripts.
 */
export function orchestratorTable(
  rows: readonly OrchestratorRow[],
  header: (col: Column) => Html | string,
  /** The column the rows are sorted by, as its heading's aria-sort. */
  sortedBy?: (col: Column) => "ascending" | "descending" | undefined,
): Html {
  const body = rows.map(
    (
      r,
    ) => html`<tr data-address="${r.address}" data-stake="${r.totalStake.toString()}" data-reward-cut="${r.rewardCut.toString()}" data-fee-share="${r.feeShare.toString()}" data-last-reward-round="${r.lastRewardRound.toString()}" data-ratio30="${r.ratio30.rewarded}/${r.ratio30.counted}" data-ratio90="${r.ratio90.rewarded}/${r.ratio90.counted}" data-active="${String(r.active)}">
<td><a href="/dashboard/orchestrators/${r.address}" title="${r.address}"><code>${shortAddress(r.address)}</code></a>${
      r.hosted ? html` <span class="muted">(this node)</span>` : ""
    }</td>
<td class="num">${formatUnits(r.totalStake, "LPT")}</td>
<td class="num">${formatPercent(r.rewardCut, PERC_DIVISOR)}</td>
<td class="num">${formatPercent(r.feeShare, PERC_DIVISOR)}</td>
<td class="num ${ratioClass(r.ratio30)}">${ratioText(r.ratio30)}</td>
<td class="num ${ratioClass(r.ratio90)}">${ratioText(r.ratio90)}</td>
<td class="num">${r.lastRewardRound === 0n ? "never" : r.lastRewardRound.toString()}</td>
<td class="num">${formatUnits(r.cumulativeFees, "ETH", 6)}</td>
<td>${pricesCell(r.prices, r.pricesFrom)}</td>
<td>${r.active ? html`<span class="ok">active</span>` : html`<span class="muted">inactive</span>`}</td>
</tr>`,
  );
  return html`<div class="scroll" tabindex="0"><table id="orchestrators">
<thead><tr>${COLUMNS.map((c) => {
    const sort = sortedBy?.(c);
    return html`<th scope="col"${c.num ? html` class="num"` : ""}${sort ? html` aria-sort="${sort}"` : ""}>${header(c)}</th>`;
  })}</tr></thead>
<tbody>${body}</tbody>
</table></div>${rows.length === 0 ? html`<p class="muted" id="no-rows">No orchestrator matches.</p>` : ""}`;
}
