/**
 * Swagger UI's CSS and JS, read from the swagger-ui-dist package on first use so /docs works
 * with no network. Runtimes without a filesystem (Cloudflare Workers) get `undefined` and /docs
 * falls back to the self-written page.
 */
export interface SwaggerAssets {
  /** swagger-ui-dist version: the cache key of the asset URLs. */
  version: string;
  css: string;
  js: string;
}

/**
 * A loader that reads the assets on its first call and keeps them (one per app, built when the
 * docs routes are registered); `undefined` (also kept) where they cannot be read.
 */
export function swaggerAssetsLoader(): () => Promise<SwaggerAssets | undefined> {
  let loading: Promise<SwaggerAssets | undefined> | undefined;
  return () => {
    loading ??= readAssets().catch(() => undefined);
    return loading;
  };
}

async function readAssets(): Promise<SwaggerAssets> {
  // Imported here, not at the top: Workers bundles must not need node:fs to start.
  const [{ createRequire }, { readFile }, { dirname, join }] = await Promise.all([
    import("node:module"),
    import("node:fs/promises"),
    import("node:path"),
  ]);
  const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const [pkg, css, js] = await Promise.all([
    readFile(join(dir, "package.json"), "utf8"),
    readFile(join(dir, "swagger-ui.css"), "utf8"),
    readFile(join(dir, "swagger-ui-bundle.js"), "utf8"),
  ]);
  const version = (JSON.parse(pkg) as { version?: unknown }).version;
  if (typeof version !== "string" || !js.includes("SwaggerUIBundle")) {
    throw new Error(`swagger-ui-dist at ${dir} is not usable`);
  }
  return { version, css: withoutSourceMap(css), js: withoutSourceMap(js) };
}

// The .map files are not served; dropping the comment keeps devtools from asking for them.
function withoutSourceMap(text: string): string {
  return text.replace(/\n\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, "\n");
}
