// Draws every <div data-chart="{json}"> with uPlot (served by the edge at /dashboard/assets/uplot/).
// The numbers are also in the tables beside each chart; the chart only shows them.
/* global uPlot */
(() => {
  const COLORS = ["#1f6feb", "#1a7f37", "#9a6700", "#cf222e", "#8250df"];
  for (const el of document.querySelectorAll("[data-chart]")) {
    const spec = JSON.parse(el.getAttribute("data-chart") || "{}");
    if (!Array.isArray(spec.x) || spec.x.length === 0) continue;
    const width = () => Math.max(240, el.clientWidth);
    const series = [
      { label: spec.xLabel || "round" },
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        points: { show: spec.x.length < 40 },
        value: (_u, v) => (v == null ? "–" : `${v} ${spec.unit || ""}`.trim()),
      })),
    ];
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        series,
        scales: { x: { time: false } },
        axes: [{ label: spec.xLabel || "round" }, { label: spec.unit || "", size: 70 }],
      },
      [spec.x, ...spec.series.map((s) => s.values)],
      el,
    );
    el.setAttribute("data-drawn", "true");
    new ResizeObserver(() => plot.setSize({ width: width(), height: 220 })).observe(el);
  }
})();
