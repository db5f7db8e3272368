/**
 * Runs every bench/**\/*.bench.ts in its own process, one after another (never in parallel:
 * they measure one core). Each runs under Bun, then again under Node from a Bun-built bundle,
 * since the edge also runs on Node. Flags: --bun-only, --node-only, --quick (every bench at small
 * sizes, the whole set in a few minutes; also BENCH_QUICK=on), or a substring filter.
 *   npx bun run bench/index.ts [--bun-only|--node-only] [--quick] [filter]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { parseCli } from "../src/cli/args.ts";
import { readEnv } from "../src/cli/env.ts";
import { BENCH_ENV } from "./env.ts";

const root = resolve(import.meta.dirname, "..");
const { values, positionals } = parseCli({
  entry: "bench",
  usage: "npm run bench -- [--bun-only|--node-only] [--quick] [filter]",
  summary: "Runs every bench/**/*.bench.ts, on Bun then on Node, one at a time.",
  options: {
    "bun-only": { type: "boolean" },
    "node-only": { type: "boolean" },
    quick: { type: "boolean" },
  },
  optionHelp: {
    "bun-only": "skip the Node runs",
    "node-only": "skip the Bun runs",
    quick: "every bench at small sizes (also BENCH_QUICK=on); sizes set in the environment still win",
  },
  positionals: "a substring of the bench files to run",
  env: [BENCH_ENV],
});
const bunOnly = values["bun-only"] === true;
const nodeOnly = values["node-only"] === true;
const filter = positionals[0];
const quick = values.quick === true || readEnv(BENCH_ENV, process.env).BENCH_QUICK;

/**
 * Sizes of a quick run: enough for each bench to print its figures and ratios (noisier than a
 * full run), small enough that the whole set finishes in a few minutes.
 */
const QUICK_SIZES: Record<string, string> = {
  BENCH_ITER: "5",
  BENCH_RUNS: "1",
  BENCH_SECONDS: "1",
  BENCH_TICKETS: "10",
  BENCH_PAYMENTS: "5",
  BENCH_LOAD_PAYMENTS: "40",
  DISPATCH_N: "50",
  GO_GATEWAY_N: "3",
  E2E_JOBS: "100",
  MEMORY_SECONDS: "10",
};
// Sizes given in the environment win over the quick ones.
const childEnv: NodeJS.ProcessEnv = quick ? { ...QUICK_SIZES, ...process.env } : process.env;

function findBenches(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "build" && entry.name !== "node_modules")
      out.push(...findBenches(path));
    else if (entry.isFile() && entry.name.endsWith(".bench.ts")) out.push(path);
  }
  return out.sort();
}

// The bun binary running us, or the one npm installed.
const bun = typeof Bun !== "undefined" ? process.execPath : join(root, "node_modules/.bin/bun");
const benches = findBenches(join(root, "bench")).filter((f) => filter === undefined || f.includes(filter));
if (benches.length === 0) {
  console.error("no bench files matched");
  process.exit(1);
}

let failed = 0;
for (const file of benches) {
  const rel = relative(root, file);
  if (!nodeOnly) {
    console.log(`\n=== ${rel} (bun) ===`);
    const r = spawnSync(bun, ["run", file], { cwd: root, stdio: "inherit", env: childEnv });
    if (r.status !== 0) failed++;
  }
  if (!bunOnly) {
    // Node 20 cannot run TypeScript: bundle the bench (packages stay external, resolved from
    // node_modules as Node would load them) and run the bundle.
    const outDir = join(root, ".tmp/bench-node");
    mkdirSync(outDir, { recursive: true });
    const outfile = join(outDir, `${basename(file, ".ts")}.mjs`);
    const build = spawnSync(
      bun,
      ["build", file, "--target=node", "--packages=external", `--outfile=${outfile}`],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    if (build.status !== 0) {
      console.log(`\n=== ${rel} (node): bundle failed, skipped ===\n${build.stderr}`);
      failed++;
      continue;
    }
    console.log(
      `\n=== ${rel} (node ${spawnSync("node", ["--version"], { encoding: "utf8" }).stdout.trim()}) ===`,
    );
    const r = spawnSync("node", [outfile], { cwd: root, stdio: "inherit", env: childEnv });
    if (r.status !== 0) failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
