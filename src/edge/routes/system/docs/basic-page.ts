import { escapeHtml, htmlPage } from "../html-page.ts";

/**
 * The self-written docs page: a few lines of inline script fetch the OpenAPI document and list
 * every operation grouped by tag (method, path, summary, parameters, request body schema,
 * responses). Used where Swagger UI's files cannot be read (Workers) and at /docs/basic.
 * No external URLs; the script builds DOM nodes with textContent, so spec text is never HTML.
 */
export function basicPage(opts: { title: string; specUrl: string; swaggerUrl?: string }): string {
  const spec = JSON.stringify(opts.specUrl).replace(/</g, "\\u003c");
  const swagger = opts.swaggerUrl ? ` · <a href="${escapeHtml(opts.swaggerUrl)}">Swagger UI</a>` : "";
  return htmlPage({
    title: opts.title,
    head: `<style>${STYLE}</style>`,
    body: `<header>
<h1 id="title">${escapeHtml(opts.title)}</h1>
<p id="info"></p>
<p class="links"><a href="${escapeHtml(opts.specUrl)}">OpenAPI document</a>${swagger}</p>
<input id="filter" type="search" placeholder="Filter by path, method or summary" aria-label="Filter operations">
<p id="status">Loading ${escapeHtml(opts.specUrl)}…</p>
<noscript>This page needs JavaScript; <a href="${escapeHtml(opts.specUrl)}">the OpenAPI document</a> is plain JSON.</noscript>
</header>
<main id="ops"></main>
<script>var SPEC_URL = ${spec};
${SCRIPT}</script>`,
  });
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fafafa}
header,main{max-width:1100px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
h1{margin:0 0 4px;font-size:24px}
h2{margin:24px 0 8px;font-size:18px;text-transform:capitalize;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h4{margin:12px 0 4px;font-size:13px}
#info{margin:0 0 4px;color:#57606a;white-space:pre-wrap}
.links{margin:0 0 8px}
#filter{width:100%;box-sizing:border-box;padding:6px 8px;font-size:14px;border:1px solid #d0d7de;border-radius:6px}
#status{color:#57606a}
#status.error{color:#cf222e}
details.op{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:6px 0}
details.op>summary{cursor:pointer;padding:6px 8px;display:flex;gap:10px;align-items:baseline}
details.op[open]>summary{border-bottom:1px solid #d0d7de}
.body{padding:4px 12px 12px}
.method{display:inline-block;min-width:58px;text-align:center;font-weight:700;font-size:12px;color:#fff;border-radius:4px;padding:2px 0;text-transform:uppercase}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.delete{background:#cf222e}.patch{background:#8250df}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-weight:600}
.summary{color:#57606a}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:auto;margin:4px 0;font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.muted{color:#57606a}
`;

// Plain ES2017 in a raw string (no backticks or template holes inside).
const SCRIPT = String.raw`(function () {
  "use strict";
  var doc = null;
  var schemas = {};
  var opsEl = document.getElementById("ops");
  var statusEl = document.getElementById("status");

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function refName(s) {
    return s && typeof s.$ref === "string" ? s.$ref.split("/").pop() : "";
  }
  function deref(s) {
    for (var i = 0; s && s.$ref && i < 20; i++) s = schemas[refName(s)];
    return s || {};
  }

  // A readable outline of a JSON schema: objects as { key: type }, "?" on optional keys.
  function fmt(s, ind, stack) {
    if (!s || typeof s !== "object") return "any";
    var name = refName(s);
    var prefix = "";
    if (name) {
      if (stack.indexOf(name) >= 0 || ind > 8) return name;
      stack = stack.concat([name]);
      s = deref(s);
      prefix = name + " ";
    }
    if (s.enum) return s.enum.map(function (v) { return JSON.stringify(v); }).join(" | ");
    if (s.const !== undefined) return JSON.stringify(s.const);
    var union = s.oneOf || s.anyOf;
    if (union) return prefix + union.map(function (x) { return fmt(x, ind, stack); }).join(" | ");
    if (s.allOf) {
      var merged = { type: "object", properties: {}, required: [] };
      s.allOf.forEach(function (part) {
        part = deref(part);
        Object.assign(merged.properties, part.properties || {});
        merged.required = merged.required.concat(part.required || []);
      });
      s = merged;
    }
    var types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (s.properties || s.additionalProperties || types.indexOf("object") >= 0) {
      var pad = "  ".repeat(ind + 1);
      var lines = [];
      var req = s.required || [];
      Object.keys(s.properties || {}).forEach(function (k) {
        var p = s.properties[k];
        var line = pad + k + (req.indexOf(k) >= 0 ? "" : "?") + ": " + fmt(p, ind + 1, stack);
        var d = deref(p).description;
        if (d) line += "  // " + d.split("\n")[0];
        lines.push(line);
      });
      if (s.additionalProperties && typeof s.additionalProperties === "object")
        lines.push(pad + "[key: string]: " + fmt(s.additionalProperties, ind + 1, stack));
      if (!lines.length) return prefix + "object";
      return prefix + "{\n" + lines.join("\n") + "\n" + "  ".repeat(ind) + "}";
    }
    if (types.indexOf("array") >= 0 || s.items) return prefix + fmt(s.items, ind, stack) + "[]";
    var out = types.length ? types.join(" | ") : "any";
    var notes = [];
    if (s.format) notes.push(s.format);
    if (s.pattern) notes.push("/" + s.pattern + "/");
    if (s.minimum !== undefined) notes.push(">= " + s.minimum);
    if (s.maximum !== undefined) notes.push("<= " + s.maximum);
    if (s.default !== undefined) notes.push("default " + JSON.stringify(s.default));
    return prefix + out + (notes.length ? " (" + notes.join(", ") + ")" : "");
  }

  function contentBlock(content, full) {
    var box = el("div");
    Object.keys(content || {}).forEach(function (type) {
      var schema = content[type].schema;
      add(box, el("h4", null, type));
      if (schema) add(box, el("pre", null, full ? fmt(schema, 0, []) : refName(schema) || fmt(schema, 0, [])));
    });
    return box;
  }

  function paramsTable(params) {
    var table = el("table", "params");
    add(table, add(el("tr"), el("th", null, "Name"), el("th", null, "In"), el("th", null, "Type"),
      el("th", null, "Required"), el("th", null, "Description")));
    params.forEach(function (p) {
      p = p.$ref ? deref(p) : p;
      add(table, add(el("tr"), add(el("td"), el("code", null, p.name)), el("td", null, p.in),
        add(el("td"), el("code", null, fmt(p.schema, 0, []))), el("td", null, p.required ? "yes" : "no"),
        el("td", null, p.description || (p.schema && deref(p.schema).description) || "")));
    });
    return table;
  }

  function responsesBlock(responses) {
    var box = el("div");
    Object.keys(responses || {}).forEach(function (code) {
      var r = responses[code];
      var row = add(el("div", "response"), add(el("h4"), el("code", null, code), document.createTextNode(" " + (r.description || ""))));
      if (r.content) add(row, contentBlock(r.content, /^2/.test(code)));
      add(box, row);
    });
    return box;
  }

  function operation(method, path, op) {
    var d = el("details", "op");
    d.id = method + "-" + path;
    d.dataset.method = method;
    d.dataset.path = path;
    add(d, add(el("summary"), el("span", "method " + method, method), el("span", "path", path),
      el("span", "summary", op.summary || "")));
    var body = el("div", "body");
    if (op.description) add(body, el("p", null, op.description));
    if (op.security && op.security.length)
      add(body, el("p", "muted", "Auth: " + op.security.map(function (s) { return Object.keys(s).join(" + "); }).join(" or ")));
    var params = op.parameters || [];
    if (params.length) add(body, el("h3", null, "Parameters"), paramsTable(params));
    if (op.requestBody) {
      var rb = op.requestBody.$ref ? deref(op.requestBody) : op.requestBody;
      add(body, el("h3", null, "Request body" + (rb.required ? "" : " (optional)")));
      if (rb.description) add(body, el("p", null, rb.description));
      add(body, contentBlock(rb.content, true));
    }
    add(body, el("h3", null, "Responses"), responsesBlock(op.responses));
    return add(d, body);
  }

  function render() {
    var info = doc.info || {};
    document.title = (info.title || document.title) + (info.version ? " " + info.version : "");
    document.getElementById("title").textContent = (info.title || "API") + (info.version ? " " + info.version : "");
    document.getElementById("info").textContent = info.description || "";
    var groups = {};
    var order = [];
    var count = 0;
    var methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    Object.keys(doc.paths || {}).forEach(function (path) {
      var item = doc.paths[path];
      methods.forEach(function (m) {
        if (!item[m]) return;
        var tag = (item[m].tags && item[m].tags[0]) || "other";
        if (!groups[tag]) { groups[tag] = []; order.push(tag); }
        groups[tag].push(operation(m, path, Object.assign({ parameters: item.parameters || [] }, item[m])));
        count++;
      });
    });
    order.forEach(function (tag) {
      var section = add(el("section", "tag"), el("h2", null, tag));
      section.dataset.tag = tag;
      groups[tag].forEach(function (op) { add(section, op); });
      add(opsEl, section);
    });
    statusEl.textContent = count + " operations in " + order.length + " groups";
    if (location.hash) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) { target.open = true; target.scrollIntoView(); }
    }
    document.body.dataset.ready = "true";
  }

  document.getElementById("filter").addEventListener("input", function (e) {
    var q = e.target.value.toLowerCase();
    Array.prototype.forEach.call(document.querySelectorAll("details.op"), function (d) {
      var text = d.querySelector("summary").textContent.toLowerCase();
      d.style.display = !q || text.indexOf(q) >= 0 ? "" : "none";
    });
  });

  fetch(SPEC_URL, { headers: { accept: "application/json" } })
    .then(function (res) {
      if (!res.ok) throw new Error(SPEC_URL + " answered " + res.status);
      return res.json();
    })
    .then(function (json) {
      doc = json;
      schemas = (doc.components && doc.components.schemas) || {};
      render();
    })
    .catch(function (err) {
      statusEl.textContent = "Could not load the API description: " + err.message;
      statusEl.className = "error";
      document.body.dataset.ready = "error";
    });
})();`;
