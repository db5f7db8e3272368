import { html } from "hono/html";
import type { JobsView, PipelineStats } from "../services/dashboard/jobs.ts";
import { chart } from "./chart.ts";
import { type Html, layout } from "./layout.ts";

const ms = (v: number | null) => (v === null ? "–" : v < 10_000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

function statsTable(id: string, rows: readonly PipelineStats[], warmCold: boolean): Html {
  if (rows.length === 0) return html`<p class="muted" id="${id}-empty">No jobs yet.</p>`;
  const body = rows.map(
    (
      r,
    ) => html`<tr data-capability="${r.capability}" data-model="${r.modelId}" data-total="${r.total}" data-failed="${r.failed}" data-p50="${r.p50Ms ?? ""}" data-p95="${r.p95Ms ?? ""}">
<td>${r.capability}</td><td>${r.modelId || html`<span class="muted">–</span>`}</td><td class="num">${r.total}</td><td class="num">${r.succeeded}</td>
<td class="num ${r.failed > 0 ? "bad" : ""}">${r.failed}</td><td class="num">${ms(r.p50Ms)}</td><td class="num">${ms(r.p95Ms)}</td>${
      warmCold ? html`<td class="num">${r.warm}</td><td class="num">${r.cold}</td>` : ""
    }</tr>`,
  );
  return html`<div class="scroll" tabindex="0"><table id="${id}"><thead><tr><th scope="col">Pipeline</th><th scope="col">Model</th><th scope="col" class="num">Jobs</th><th scope="col" class="num">Done</th><th scope="col" class="num">Errors</th><th scope="col" class="num">p50</th><th scope="col" class="num">p95</th>${
    warmCold ? html`<th scope="col" class="num">Warm</th><th scope="col" class="num">Cold</th>` : ""
  }</tr></thead><tbody>${body}</tbody></table></div>`;
}

export function jobsPage(v: JobsView): Html {
  const all = [...v.gateway, ...v.orchestrator];
  const recent = v.recent.map(
    (j) => html`<tr data-job="${j.id}" data-status="${j.status}">
<td><code>${j.id}</code></td><td>${j.side}</td><td>${j.capability}${j.modelId ? ` / ${j.modelId}` : ""}</td><td class="${
      j.status === "succeeded" ? "ok" : j.status === "failed" || j.status === "dead" ? "bad" : "muted"
    }">${j.status}</td><td class="num">${ms(j.ms)}</td><td>${new Date(j.createdAt).toISOString()}</td><td>${j.error ?? ""}</td></tr>`,
  );
  const body = html`<h1>Jobs</h1>
<p class="muted">The newest ${v.window} jobs of each role on this node. Latency: from accepted to done, jobs that succeeded. Warm: the model was kept loaded by a runner; cold: loaded for the job.</p>
<section class="cards"><dl class="card" id="queue">
<dt>Queued</dt><dd data-value="${v.queue.queued}">${v.queue.queued}</dd>
<dt>Running (leased)</dt><dd data-value="${v.queue.leased}">${v.queue.leased}</dd>
</dl></section>
${
  all.some((r) => r.p50Ms !== null)
    ? chart({
        id: "latency-chart",
        title: "p50 and p95 latency per pipeline (ms; table order, gateway then orchestrator)",
        x: all.map((_, i) => i + 1),
        xLabel: "pipeline",
        unit: "ms",
        series: [
          { label: "p50", values: all.map((r) => r.p50Ms) },
          { label: "p95", values: all.map((r) => r.p95Ms) },
        ],
      })
    : ""
}
<h2>As gateway (jobs consumers asked for)</h2>
${statsTable("gateway-stats", v.gateway, false)}
<h2>As orchestrator (jobs run on this node's runners)</h2>
${statsTable("orchestrator-stats", v.orchestrator, true)}
<h2>Recent jobs</h2>
${
  v.recent.length === 0
    ? html`<p class="muted" id="no-recent">None.</p>`
    : html`<div class="scroll" tabindex="0"><table id="recent"><thead><tr><th scope="col">Job</th><th scope="col">Role</th><th scope="col">Pipeline</th><th scope="col">Status</th><th scope="col" class="num">Took</th><th scope="col">Created</th><th scope="col">Error</th></tr></thead><tbody>${recent}</tbody></table></div>`
}`;
  return layout({ title: "Jobs", path: "/dashboard/jobs", body, charts: all.some((r) => r.p50Ms !== null) });
}
