import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_ENV } from "../../../bench/env.ts";
import { TEST_ENV } from "../../../scripts/env.ts";
import { EnvError, envMarkdown, readEnv } from "../../../src/cli/env.ts";
import { CLI_ENV } from "../../../src/cli/lpx/env.ts";
import { EDGE_ENV } from "../../../src/edge/env.ts";
import { RUNNER_ENV } from "../../../src/node-runner/env.ts";
import { ROOT } from "../../helpers/edge.ts";

const TABLES = [EDGE_ENV, RUNNER_ENV, BENCH_ENV, TEST_ENV, CLI_ENV];

describe("environment tables", () => {
  test("the README's table is the tables' own rendering and names every variable", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = readme.match(/<!-- env-table:start -->\n([\s\S]*?)\n<!-- env-table:end -->/)?.[1];
    // On a mismatch, paste envMarkdown(TABLES) between the markers.
    expect(block).toBe(envMarkdown(TABLES));
    for (const t of TABLES) for (const name of Object.keys(t)) expect(block).toContain(`| \`${name}\` |`);
  });

  test("no variable is in two tables", () => {
    const names = TABLES.flatMap((t) => Object.keys(t));
    expect(new Set(names).size).toBe(names.length);
  });

  test("no source file reads process.env for a variable outside the tables", () => {
    const glob = new Bun.Glob("{src,scripts,bench}/**/*.ts");
    const known = new Set(TABLES.flatMap((t) => Object.keys(t)));
    const read: string[] = [];
    for (const file of glob.scanSync(ROOT)) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)) {
        // PATH is the OS's, read by the FFmpeg locator.
        if (m[1] !== "PATH" && !known.has(m[1]!)) read.push(`${file}: ${m[1]}`);
      }
    }
    expect(read).toEqual([]);
  });

  test("defaults apply, values parse, and every bad variable is named at once", () => {
    const env = readEnv(EDGE_ENV, { PORT: "9000", RUNNERS: "" });
    expect([env.PORT, env.RUNNERS, env.HOST, env.GENESIS_FILE]).toEqual([9000, 1, "127.0.0.1", undefined]);
    let err: unknown;
    try {
      readEnv(EDGE_ENV, { PORT: "x", API_KEYS: "maybe", LOG_LEVEL: "loud" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).issues.map((i) => i.split("=")[0])).toEqual(["PORT", "API_KEYS", "LOG_LEVEL"]);
  });
});
