/**
 * The dashboard's static files, served by the edge itself (no CDN): uPlot's JS and CSS, the
 * dashboard's own small scripts (./client/*.js) and the @noble modules the browser signs with.
 * Read from disk on first use and kept per app; runtimes without a filesystem (Workers) get
 * nothing, and the pages still work, only without charts and in-browser signing.
 */
export interface DashboardAsset {
  body: string;
  type: string;
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** Where each served folder comes from: an npm package's folder or ./client. */
const ROOTS: Record<string, { from: "package" | "client"; spec?: string; up?: number }> = {
  uplot: { from: "package", spec: "uplot" },
  "noble-curves": { from: "package", spec: "@noble/curves/secp256k1.js" },
  "noble-hashes": { from: "package", spec: "@noble/hashes/sha3.js" },
  app: { from: "client" },
};

// Only these names are ever read: a folder, then a flat name (one level below for noble's abstract/).
const NAME = /^(?:abstract\/)?[A-Za-z0-9_.-]+\.(?:js|css)$/;
const UPLOT_FILES = new Set(["uPlot.iife.min.js", "uPlot.min.css"]);

export type AssetLoader = (folder: string, name: string) => Promise<DashboardAsset | undefined>;

/** One loader per app: a file is read once, then kept (a missing one too). */
export function dashboardAssetLoader(): AssetLoader {
  const cache = new Map<string, Promise<DashboardAsset | undefined>>();
  return (folder, name) => {
    const root = ROOTS[folder];
    if (!root || !NAME.test(name) || name.includes("..")) return Promise.resolve(undefined);
    if (folder === "uplot" && !UPLOT_FILES.has(name)) return Promise.resolve(undefined);
    if (folder === "app" && name.includes("/")) return Promise.resolve(undefined);
    const key = `${folder}/${name}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = read(root, name).catch(() => undefined);
      cache.set(key, hit);
    }
    return hit;
  };
}

async function read(root: (typeof ROOTS)[string], name: string): Promise<DashboardAsset> {
  // Imported here, not at the top: Workers bundles must not need node:fs to start.
  const [{ createRequire }, { readFile }, { dirname, join }, { fileURLToPath }] = await Promise.all([
    import("node:module"),
    import("node:fs/promises"),
    import("node:path"),
    import("node:url"),
  ]);
  const dir =
    root.from === "client"
      ? join(dirname(fileURLToPath(import.meta.url)), "client")
      : dirname(createRequire(import.meta.url).resolve(root.spec ?? ""));
  const text = await readFile(join(dir, name), "utf8");
  // Source maps are not served; dropping the comment keeps devtools from asking for them.
  const body = text.replace(/\n\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, "\n");
  return { body, type: name.endsWith(".css") ? CSS : JS };
}
