import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";

// The package rules of src/, checked on every import (static, type-only and dynamic):
// - src/wire holds the shared contracts and imports only npm packages;
// - src/cli (argument parsing, environment tables) imports only npm packages; the programs use it;
// - src/protocol imports only src/wire; src/client, src/edge and src/node-runner import only
//   src/wire and src/protocol, never each other (src/main.ts composes them all);
// - no edge service, route or app.ts imports node: or bun: (they run on Workers too);
// - no import cycle between packages.

const ROOT = join(import.meta.dir, "../..");

/** Which packages each package may import, besides itself and npm. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  wire: [],
  cli: [],
  protocol: ["wire"],
  client: ["wire", "protocol"],
  edge: ["wire", "protocol", "cli"],
  "node-runner": ["wire", "protocol", "cli"],
  main: ["wire", "protocol", "client", "edge", "node-runner", "cli"],
};

/**
 * The Bun and Node process entries of the edge inject the ffprobe-backed MediaProbe and pixel
 * counter; those runner files are all they may take from the runner (Workers and Deno use the
 * spawn-free probe and leave go-livepeer renditions' pixel counts unchecked).
 */
const FFPROBE_INJECTIONS = ["src/node-runner/ffmpeg/media-probe.ts", "src/node-runner/ffmpeg/pixel-count.ts"];
const ENTRY_INJECTIONS: Readonly<Record<string, readonly string[]>> = {
  "src/edge/entry/bun.ts": FFPROBE_INJECTIONS,
  "src/edge/entry/node.ts": FFPROBE_INJECTIONS,
};

/** Where node: and bun: imports are forbidden: code that must run on every runtime. */
const RUNTIME_FREE = [
  "src/edge/services/",
  "src/edge/routes/",
  "src/edge/app.ts",
  "src/wire/",
  "src/protocol/",
];

/** One import: the importing file (repo-relative) and the specifier as written. */
interface ImportEdge {
  from: string;
  spec: string;
}

function packageOf(file: string): string | null {
  if (file === "src/main.ts") return "main";
  const m = /^src\/([^/]+)\//.exec(file);
  return m ? m[1]! : null;
}

function resolveRelative(from: string, spec: string): string {
  return normalize(join(dirname(from), spec)).replaceAll("\\", "/");
}

/** Every rule broken by a set of imports, one line each (empty when the tree is clean). */
function violations(imports: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  const graph = new Map<string, Set<string>>();
  for (const { from, spec } of imports) {
    const fromPkg = packageOf(from);
    if (fromPkg === null) continue;
    if (/^(node|bun)(:|$)/.test(spec)) {
      if (RUNTIME_FREE.some((p) => from === p || from.startsWith(p))) {
        out.push(`${from}: runtime-bound import ${spec}`);
      }
      continue;
    }
    if (!spec.startsWith(".")) continue; // an npm package
    const target = resolveRelative(from, spec);
    const toPkg = packageOf(target);
    if (fromPkg === "wire" && !target.startsWith("src/wire/")) {
      out.push(`${from}: src/wire imports only npm packages, not ${target}`);
      continue;
    }
    if (toPkg === null || toPkg === fromPkg) continue;
    if (!graph.has(fromPkg)) graph.set(fromPkg, new Set());
    graph.get(fromPkg)!.add(toPkg);
    if (ALLOWED[fromPkg]?.includes(toPkg)) continue;
    if (ENTRY_INJECTIONS[from]?.includes(target)) continue;
    out.push(`${from}: ${fromPkg} may not import ${toPkg} (${target})`);
  }
  for (const cycle of packageCycles(graph)) out.push(`package cycle: ${cycle.join(" -> ")}`);
  return out;
}

/**
 * Runtime-free files that reach a node:/bun: import through other files of src/ (an edge service
 * importing a platform module that reads the disk, say): one line per file and the first path found.
 */
function transitiveRuntimeBound(imports: readonly ImportEdge[]): string[] {
  const local = new Map<string, string[]>();
  const bound = new Map<string, string>();
  for (const { from, spec } of imports) {
    if (/^(node|bun)(:|$)/.test(spec)) {
      if (!bound.has(from)) bound.set(from, spec);
    } else if (spec.startsWith(".")) {
      local.set(from, [...(local.get(from) ?? []), resolveRelative(from, spec)]);
    }
  }
  const out: string[] = [];
  for (const start of local.keys()) {
    if (!RUNTIME_FREE.some((p) => start === p || start.startsWith(p)) || bound.has(start)) continue;
    const seen = new Set<string>([start]);
    const queue: string[][] = [[start]];
    while (queue.length > 0) {
      const path = queue.shift()!;
      const at = path[path.length - 1]!;
      if (at !== start && bound.has(at)) {
        out.push(`${start}: reaches ${bound.get(at)} through ${path.slice(1).join(" -> ")}`);
        break;
      }
      for (const next of local.get(at) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push([...path, next]);
      }
    }
  }
  return out;
}

/** Each cycle of the package graph once, as the path that closes it. */
function packageCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const walk = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const loop = path.slice(at);
      const key = [...loop].sort().join(",");
      if (!cycles.has(key)) cycles.set(key, [...loop, node]);
      return;
    }
    for (const next of graph.get(node) ?? []) walk(next, [...path, node]);
  };
  for (const node of graph.keys()) walk(node, []);
  return [...cycles.values()];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The specifiers a file imports for their values (type-only imports are erased at build time). */
function valueImportsOfSrc(): ImportEdge[] {
  const clause = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/g;
  return sourceFiles(join(ROOT, "src")).flatMap((abs) => {
    const from = relative(ROOT, abs).replaceAll("\\", "/");
    const out: ImportEdge[] = [];
    for (const m of readFileSync(abs, "utf8").matchAll(clause)) {
      if (m[2]) continue;
      const names = /^\{([^}]*)\}$/.exec(m[3]!.trim());
      const items = names
        ? names[1]!
            .split(",")
            .map((n) => n.trim())
            .filter(Boolean)
        : [m[3]!];
      if (items.length > 0 && items.every((n) => n.startsWith("type "))) continue;
      out.push({ from, spec: m[4]! });
    }
    return out;
  });
}

/** Every import of every file under src/, parsed by TypeScript (comments and strings ignored). */
function importsOfSrc(): ImportEdge[] {
  return sourceFiles(join(ROOT, "src")).flatMap((abs) => {
    const from = relative(ROOT, abs).replaceAll("\\", "/");
    const info = ts.preProcessFile(readFileSync(abs, "utf8"), true, true);
    return info.importedFiles.map((f) => ({ from, spec: f.fileName }));
  });
}

describe("architecture", () => {
  test("src/ keeps the package rules", () => {
    const imports = importsOfSrc();
    // The parser really sees the tree: wire is imported from every side.
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.from.startsWith("src/node-runner/") && i.spec.includes("/wire/"))).toBe(
      true,
    );
    expect(violations(imports)).toEqual([]);
  });

  test("no runtime-free file reaches node: or bun: through another file", () => {
    const values = valueImportsOfSrc();
    expect(values.length).toBeGreaterThan(300);
    expect(transitiveRuntimeBound(values)).toEqual([]);
    expect(
      transitiveRuntimeBound([
        { from: "src/edge/services/jobs/runtime.ts", spec: "../blobs/create.ts" },
        { from: "src/edge/services/blobs/create.ts", spec: "../../platform/fs-blob-store.ts" },
        { from: "src/edge/platform/fs-blob-store.ts", spec: "node:fs/promises" },
        { from: "src/edge/entry/bun.ts", spec: "../platform/fs-blob-store.ts" },
      ]),
    ).toEqual([
      "src/edge/services/jobs/runtime.ts: reaches node:fs/promises through src/edge/services/blobs/create.ts -> src/edge/platform/fs-blob-store.ts",
      "src/edge/services/blobs/create.ts: reaches node:fs/promises through src/edge/platform/fs-blob-store.ts",
    ]);
  });

  test("each rule catches what it forbids", () => {
    const bad: ImportEdge[] = [
      { from: "src/edge/services/jobs/queue.ts", spec: "../../../node-runner/executor.ts" },
      { from: "src/edge/routes/runner/index.ts", spec: "node:fs/promises" },
      { from: "src/edge/app.ts", spec: "bun:sqlite" },
      { from: "src/wire/jobs.ts", spec: "../protocol/profiles.ts" },
      { from: "src/client/staking.ts", spec: "../edge/deps.ts" },
      { from: "src/edge/entry/bun.ts", spec: "../../node-runner/agent.ts" },
      { from: "src/node-runner/agent.ts", spec: "../edge/deps.ts" },
    ];
    expect(violations(bad)).toEqual([
      "src/edge/services/jobs/queue.ts: edge may not import node-runner (src/node-runner/executor.ts)",
      "src/edge/routes/runner/index.ts: runtime-bound import node:fs/promises",
      "src/edge/app.ts: runtime-bound import bun:sqlite",
      "src/wire/jobs.ts: src/wire imports only npm packages, not src/protocol/profiles.ts",
      "src/client/staking.ts: client may not import edge (src/edge/deps.ts)",
      "src/edge/entry/bun.ts: edge may not import node-runner (src/node-runner/agent.ts)",
      "src/node-runner/agent.ts: node-runner may not import edge (src/edge/deps.ts)",
      "package cycle: edge -> node-runner -> edge",
    ]);
    // What is allowed stays allowed.
    expect(
      violations([
        { from: "src/edge/entry/bun.ts", spec: "../../node-runner/ffmpeg/media-probe.ts" },
        { from: "src/edge/entry/bun.ts", spec: "node:fs" },
        { from: "src/protocol/profiles.ts", spec: "../wire/jobs.ts" },
        { from: "src/wire/jobs.ts", spec: "zod" },
      ]),
    ).toEqual([]);
  });
});
