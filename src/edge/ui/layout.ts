import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The dashboard's pages, as the navigation lists them. */
export const DASHBOARD_NAV: readonly { href: string; label: string }[] = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/orchestrators", label: "Orchestrators" },
  { href: "/dashboard/delegators", label: "Delegator" },
  { href: "/dashboard/gateway", label: "Gateway" },
  { href: "/dashboard/jobs", label: "Jobs" },
];

/** Where the dashboard's static files are served (routes/dashboard/assets.ts). */
export const ASSETS = "/dashboard/assets";

// The browser resolves the signing modules' bare imports to the edge's copies of the packages.
const IMPORT_MAP = JSON.stringify({
  imports: {
    "@noble/curves/": "/dashboard/assets/noble-curves/",
    "@noble/hashes/": "/dashboard/assets/noble-hashes/",
  },
});

// One small inline stylesheet: no external URL, readable on a phone (tables scroll sideways).
const STYLE = `
*{box-sizing:border-box}body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#1f2328;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:16px;align-items:center}
header a{color:#fff;text-decoration:none}header a[aria-current]{text-decoration:underline}
header strong{margin-right:8px}nav{display:flex;gap:16px;flex-wrap:wrap}main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0 16px}h2{font-size:17px;margin:24px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:12px}
.card dt{color:#59636e;font-size:13px}.card dd{margin:0 0 8px;font-size:17px;font-variant-numeric:tabular-nums}
.bar{height:8px;background:#d1d9e0;border-radius:4px;overflow:hidden}.bar span{display:block;height:100%;background:#1f6feb}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d1d9e0;border-radius:8px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid #eff1f3;text-align:left;white-space:nowrap}
th a{color:inherit}td.num,th.num{text-align:right}
form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin:0 0 12px}
form.filters label{display:flex;flex-direction:column;font-size:13px;color:#59636e;max-width:100%}
input,select,button{font:inherit;padding:4px 8px}
.ok{color:#1a7f37}.warn{color:#9a6700}.bad{color:#cf222e}.muted{color:#59636e}
.timeline{display:flex;flex-wrap:wrap;gap:3px;margin:8px 0}
.timeline span{width:14px;height:14px;border-radius:3px;display:inline-block}
.rewarded{background:#1a7f37}.missed{background:#cf222e}.pending{background:#d1d9e0}
code{font-size:13px}h1 code,dd{overflow-wrap:anywhere;word-break:break-word}
.chart-box{margin:8px 0 16px;background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:8px}
.chart-box figcaption{font-size:13px;color:#59636e}.chart{min-height:220px;width:100%}
form.action{display:flex;flex-wrap:wrap;gap:8px;align-items:end;background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:8px;margin:0 0 8px}
form.action label{display:flex;flex-direction:column;font-size:13px;color:#59636e}form.action strong{width:100%}
.actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(300px,100%),1fr));gap:8px}
input{max-width:100%}#signer label{display:flex;flex-direction:column;font-size:13px;color:#59636e}
.chart-box{overflow:hidden}p,li,dd,h1,h2,h3,figcaption,label{overflow-wrap:anywhere}.uplot .u-legend{font-size:12px}
#action-status{min-height:1.5em}
`;

/**
 * The page shell: navigation and one inline stylesheet. Scripts only where a page asks for them:
 * `charts` (uPlot, served by the edge) and `actions` (in-browser signing, an ES module).
 */
export function layout(opts: {
  title: string;
  path: string;
  body: Html;
  charts?: boolean;
  actions?: boolean;
}): Html {
  const nav = DASHBOARD_NAV.map((n) =>
    n.href === opts.path
      ? html`<a href="${n.href}" aria-current="page">${n.label}</a>`
      : html`<a href="${n.href}">${n.label}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Livepeer node</title>
<link rel="icon" href="data:,">
<style>${raw(STYLE)}</style>
${
  opts.charts
    ? html`<link rel="stylesheet" href="${ASSETS}/uplot/uPlot.min.css">
<script src="${ASSETS}/uplot/uPlot.iife.min.js" defer></script>
<script src="${ASSETS}/app/charts.js" defer></script>`
    : ""
}
${
  opts.actions
    ? html`<script type="importmap">${raw(IMPORT_MAP)}</script>
<script type="module" src="${ASSETS}/app/actions.js"></script>`
    : ""
}
</head>
<body>
<header><strong><a href="/">Livepeer node</a></strong><nav>${nav}</nav></header>
<main>
${opts.body}
</main>
</body>
</html>
`;
}
