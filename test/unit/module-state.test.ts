import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

// No hidden module state: a service's process state is built once by bootstrap and carried on
// the deps (src/edge/services/build.ts), so library code keeps no mutable variable, map or cache
// at module level. Entry points own their process (a server handle, a stopping flag), and a
// worker script (*-worker.ts) owns its thread the same way (the model it loaded).
const ROOT = new URL("../..", import.meta.url).pathname;

/** Files that may keep module state, and why. */
const ALLOWED: Record<string, string> = {
  "src/edge/db/client.ts": "the libsql driver patch marks each native connection it has set up",
};
const ENTRY = /^src\/(main\.ts|edge\/entry\/|node-runner\/main\.ts)|-worker\.ts$/;

// A top-level `let`/`var`, or a top-level mutable Map/WeakMap/WeakSet/empty Set.
const MODULE_STATE =
  /^(?:export )?(?:let|var) \w+|^(?:export )?const \w+(?:: (?!Readonly)[^=]+)? = new (?:Map|WeakMap|WeakSet)\b|^(?:export )?const \w+(?:: (?!Readonly)[^=]+)? = new Set(?:<.*>)?\(\)/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

test("library code keeps no mutable state at module level", () => {
  const files = ["src/edge", "src/node-runner", "src/wire", "src/protocol", "src/client"].flatMap(
    sourceFiles,
  );
  expect(files).toContain("src/edge/services/build.ts");
  const found = files
    .filter((f) => !ENTRY.test(f) && !(f in ALLOWED))
    .flatMap((f) => {
      const text = readFileSync(join(ROOT, f), "utf8");
      return [...text.matchAll(MODULE_STATE)].map(
        (m) => `${f}:${text.slice(0, m.index).split("\n").length}: ${m[0]}`,
      );
    });
  expect(found).toEqual([]);
});

test("the pattern catches what it is meant to", () => {
  const hits = (src: string) => [...src.matchAll(MODULE_STATE)].length;
  expect(hits("const states = new WeakMap<AppDeps, State>();")).toBe(1);
  expect(hits("let loading: Promise<void> | undefined;")).toBe(1);
  expect(hits("const inflight = new Set<Promise<void>>();")).toBe(1);
  expect(hits("const cache = new Map();")).toBe(1);
  expect(hits('const CODES = new Set(["a", "b"]);')).toBe(0);
  expect(hits("const BY_NAME: ReadonlyMap<string, number> = new Map(entries);")).toBe(0);
  expect(hits("  let local = 1;")).toBe(0);
  expect(ENTRY.test("src/node-runner/ai/tfjs-worker.ts")).toBe(true);
  expect(ENTRY.test("src/node-runner/ai/tfjs.ts")).toBe(false);
});
