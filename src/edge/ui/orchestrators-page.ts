import { html } from "hono/html";
import type { OrchestratorQuery } from "../services/dashboard/filters.ts";
import type { OrchestratorRow } from "../services/dashboard/orchestrators.ts";
import { type Html, layout } from "./layout.ts";
import { type Column, orchestratorTable } from "./orchestrator-table.ts";

const SORTABLE = new Set(["stake", "cut", "share", "ratio30", "ratio90", "lastReward", "fees"]);

/** The query string for `q` with `patch` applied (only non-default values are written). */
function href(
  q: OrchestratorQuery,
  raw: Record<string, string | undefined>,
  patch: Record<string, string>,
): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | undefined> = {
    set: q.set === "current" ? undefined : q.set,
    sort: q.sort,
    order: q.order,
    ratio: raw.ratio,
    window: raw.window,
    cutBelow: raw.cutBelow,
    pipeline: raw.pipeline,
    ...patch,
  };
  for (const [k, v] of Object.entries(merged)) if (v) params.set(k, v);
  return `/dashboard/orchestrators?${params.toString()}`;
}

export function orchestratorsPage(
  rows: readonly OrchestratorRow[],
  all: readonly OrchestratorRow[],
  q: OrchestratorQuery,
  raw: Record<string, string | undefined>,
): Html {
  const pipelines = [...new Set(all.flatMap((r) => r.prices.map((p) => p.capability)))].sort();
  const header = (c: Column): Html | string => {
    if (!SORTABLE.has(c.key)) return c.label;
    const current = q.sort === c.key;
    const order = current && q.order === "desc" ? "asc" : "desc";
    const arrow = current ? (q.order === "desc" ? " ▼" : " ▲") : "";
    return html`<a href="${href(q, raw, { sort: c.key, order })}" data-sort="${c.key}">${c.label}${arrow}</a>`;
  };
  const body = html`<h1>Orchestrators</h1>
<form class="filters" method="get" action="/dashboard/orchestrators">
<label>Set<select name="set">
<option value="current"${q.set === "current" ? " selected" : ""}>active this round</option>
<option value="next"${q.set === "next" ? " selected" : ""}>pool for next round</option>
</select></label>
<label><span><input type="checkbox" name="ratio" value="100"${q.fullRatio ? " checked" : ""}> 100% reward calls</span></label>
<label>over<select name="window">
<option value="30"${q.fullRatio !== 90 ? " selected" : ""}>30 rounds</option>
<option value="90"${q.fullRatio === 90 ? " selected" : ""}>90 rounds</option>
</select></label>
<label>Reward cut below (%)<input name="cutBelow" inputmode="decimal" size="6" value="${raw.cutBelow ?? ""}"></label>
<label>Pipeline<select name="pipeline">
<option value="">any</option>
${pipelines.map((p) => html`<option value="${p}"${q.pipeline === p ? " selected" : ""}>${p}</option>`)}
</select></label>
<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="order" value="${q.order}">
<button type="submit">Apply</button> <a href="/dashboard/orchestrators">Reset</a>
</form>
<p class="muted" id="count">${rows.length} of ${all.length} orchestrators</p>
${orchestratorTable(rows, header, (c) =>
  q.sort === c.key ? (q.order === "desc" ? "descending" : "ascending") : undefined,
)}`;
  return layout({ title: "Orchestrators", path: "/dashboard/orchestrators", body });
}
