import { html } from "hono/html";
import type { Html } from "./layout.ts";

/** One series of a chart: numbers for display only (exact figures are in the tables). */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const WEI = 10n ** 18n;

/** Wei as a float of whole tokens, for plotting (4 decimals kept). */
export function tokens(wei: bigint): number {
  return Number((wei * 10_000n) / WEI) / 10_000;
}

/**
 * A chart drawn in the browser by uPlot (client/charts.js) from a data attribute; a page that
 * uses it passes `charts: true` to layout(). Without script it is an empty box beside its table.
 */
export function chart(opts: {
  id: string;
  title: string;
  x: (number | bigint)[];
  series: ChartSeries[];
  unit: string;
  xLabel?: string;
}): Html {
  const spec = JSON.stringify({
    x: opts.x.map(Number),
    series: opts.series,
    unit: opts.unit,
    xLabel: opts.xLabel ?? "round",
  });
  return html`<figure class="chart-box"><figcaption>${opts.title}</figcaption>
<div class="chart" id="${opts.id}" role="img" aria-label="${opts.title} (the same figures are in the table below)" data-chart="${spec}"></div></figure>`;
}
