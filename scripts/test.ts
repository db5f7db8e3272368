// npm test: `bun test` with a JUnit report, then a closing line "N passed, N failed, N skipped",
// preceded by the name of each skipped test (each names its reason). Arguments pass through to
// bun test (`npm test -- test/unit`); JUNIT_FILE moves the report (two runs side by side).
import { existsSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { readEnv } from "../src/cli/env.ts";
import { TEST_ENV } from "./env.ts";

/** Per-test default: e2e suites start real processes, and a loaded 2-core machine is slow. */
const TIMEOUT_MS = 120_000;

const USAGE = `usage: npm test [-- <bun test options and paths>]

Runs the test suite with bun test (per-test default timeout ${TIMEOUT_MS / 1000} s),
writes a JUnit report to $JUNIT_FILE (default junit.xml) and ends with
"N passed, N failed, N skipped". Exit status: bun test's.`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}

const junit = resolve(readEnv(TEST_ENV, process.env).JUNIT_FILE);
rmSync(junit, { force: true });
const proc = Bun.spawn(
  [
    process.execPath,
    "test",
    // bun ignores bunfig's timeout key, and a preload's default reaches only the first file.
    `--timeout=${TIMEOUT_MS}`,
    "--reporter=junit",
    `--reporter-outfile=${junit}`,
    ...process.argv.slice(2),
  ],
  { stdio: ["inherit", "inherit", "inherit"] },
);
const code = await proc.exited;

if (!existsSync(junit)) {
  console.error(`no JUnit report at ${junit}: bun test exited ${code} before writing it`);
  console.error("0 passed, 1 failed, 0 skipped");
  process.exit(code || 1);
}
const summary = summarize(readFileSync(junit, "utf8"));
for (const name of summary.skippedNames) console.error(`skipped: ${name}`);
const failed = summary.failed === 0 && code !== 0 ? 1 : summary.failed;
console.error(`${summary.passed} passed, ${failed} failed, ${summary.skipped} skipped`);
process.exit(code);

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  skippedNames: string[];
}

/** Counts from bun's JUnit report (the root element's totals), and the skipped tests' names. */
function summarize(xml: string): Summary {
  const root = /<testsuites\b([^>]*)>/.exec(xml)?.[1] ?? "";
  const attr = (attrs: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
  const num = (name: string) => Number(attr(root, name) ?? 0);
  const failed = num("failures") + num("errors");
  const skipped = num("skipped");
  const skippedNames: string[] = [];
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    if (!m[3]?.includes("<skipped")) continue;
    const cls = unescapeXml(attr(m[1]!, "classname") ?? "");
    const name = unescapeXml(attr(m[1]!, "name") ?? "");
    const file = attr(m[1]!, "file") ?? "";
    skippedNames.push(`${file} ${cls ? `${cls} > ` : ""}${name}`.trim());
  }
  return { passed: num("tests") - failed - skipped, failed, skipped, skippedNames };
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
