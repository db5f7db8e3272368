import { escapeHtml, htmlPage } from "../html-page.ts";

/** The Swagger UI page: assets from /docs/assets (same origin), spec from `specUrl`. No external URLs. */
export function swaggerPage(opts: { title: string; specUrl: string; version: string }): string {
  const v = encodeURIComponent(opts.version);
  // "<" escaped so nothing in the values can close the script element.
  const config = JSON.stringify({
    url: opts.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Swagger UI would otherwise load a badge from validator.swagger.io.
    validatorUrl: null,
  }).replace(/</g, "\\u003c");
  return htmlPage({
    title: opts.title,
    head: `<link rel="stylesheet" href="/docs/assets/swagger-ui.css?v=${v}">`,
    body: `<noscript>Swagger UI needs JavaScript; <a href="/docs/basic">the basic page</a> does too, and <a href="${escapeHtml(opts.specUrl)}">the OpenAPI document</a> is plain JSON.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js?v=${v}"></script>
<script>
window.ui = SwaggerUIBundle(Object.assign(${config}, { presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout" }));
</script>`,
  });
}
