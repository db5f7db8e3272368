// The shell every HTML page of the edge shares (landing, docs): UTF-8, a viewport, an empty
// favicon so browsers ask for nothing else, and the caller's head and body.

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A whole page; `title` is escaped here, `head` and `body` are HTML the caller has escaped. */
export function htmlPage(opts: { title: string; head: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<link rel="icon" href="data:,">
${opts.head}
</head>
<body>
${opts.body}
</body>
</html>
`;
}
