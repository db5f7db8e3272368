import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The dashboard's pages, as the navigation lists them. */
export const DASHBOARD_NAV: readonly { href: string; label: string }[] = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/orchestrators", label: "Orchestrators" },
  { href: "/dashboard/delegators", label: "Delegator" },
];

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
form.filters label{display:flex;flex-direction:column;font-size:13px;color:#59636e}
input,select,button{font:inherit;padding:4px 8px}
.ok{color:#1a7f37}.warn{color:#9a6700}.bad{color:#cf222e}.muted{color:#59636e}
.timeline{display:flex;flex-wrap:wrap;gap:3px;margin:8px 0}
.timeline span{width:14px;height:14px;border-radius:3px;display:inline-block}
.rewarded{background:#1a7f37}.missed{background:#cf222e}.pending{background:#d1d9e0}
code{font-size:13px}h1 code,dd{overflow-wrap:anywhere;word-break:break-word}
`;

/** The page shell: navigation, one stylesheet, no script. */
export function layout(opts: { title: string; path: string; body: Html }): Html {
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
