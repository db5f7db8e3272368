import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_ENV } from "../../bench/env.ts";
import { TEST_ENV } from "../../scripts/env.ts";
import type { EnvTable } from "../../src/cli/env.ts";
import { EDGE_ENV } from "../../src/edge/env.ts";
import { RUNNER_ENV } from "../../src/node-runner/env.ts";
import { ROOT } from "../helpers/edge.ts";

// Every package.json script entry point answers --help (usage, options and its environment
// variables, exit 0) and refuses an unknown option with one clear line (exit 2), no stack trace.
const ENTRIES: { name: string; file: string; env: EnvTable[] }[] = [
  { name: "start", file: "src/main.ts", env: [EDGE_ENV] },
  { name: "runner", file: "src/node-runner/main.ts", env: [RUNNER_ENV] },
  { name: "models", file: "src/node-runner/models/cli.ts", env: [] },
  { name: "example", file: "scripts/example.ts", env: [EDGE_ENV, RUNNER_ENV] },
  { name: "devnet-example", file: "scripts/devnet-example.ts", env: [] },
  { name: "chain", file: "scripts/chain.ts", env: [EDGE_ENV, TEST_ENV] },
  { name: "bench", file: "bench/index.ts", env: [BENCH_ENV] },
];

const run = (file: string, arg: string) => {
  const p = Bun.spawnSync([process.execPath, join(ROOT, file), arg], { cwd: ROOT, env: { ...process.env } });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};

describe("--help", () => {
  for (const e of ENTRIES) {
    test(`${e.name} (${e.file}) prints its usage and variables; an unknown option is a clear error`, () => {
      const help = run(e.file, "--help");
      expect([help.code, help.err]).toEqual([0, ""]);
      expect(help.out).toStartWith("usage: ");
      const vars = e.env.flatMap((t) =>
        Object.entries(t).filter(([, r]) => r.entries.includes(e.name as never)),
      );
      for (const [name] of vars) expect(help.out).toContain(`  ${name} `);

      const bad = run(e.file, "--no-such-option");
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("Unknown option '--no-such-option'");
      expect(bad.err).not.toContain("ERR_PARSE_ARGS");
      expect(bad.err).not.toContain("    at ");
    });
  }
});

describe("runner start-up", () => {
  test("a bad model manifest stops the runner at once with its code, before any registration attempt", () => {
    const dir = mkdtempSync(join(tmpdir(), "runner-bad-manifest-"));
    try {
      // An entry without its price: INVALID_MANIFEST, not sixty retries against the edge.
      writeFileSync(
        join(dir, "manifest.json"),
        JSON.stringify({
          version: 2,
          models: [{ pipeline: "upscale", modelId: "x/y", format: "onnx", files: [] }],
        }),
      );
      const p = Bun.spawnSync(
        [process.execPath, join(ROOT, "src/node-runner/main.ts"), "--models", dir],
        // Port 9 (discard) on loopback: nothing answers, so a registration attempt could only fail.
        { cwd: ROOT, env: { ...process.env, EDGE_URL: "http://127.0.0.1:9", RUNNER_TOKEN: "t" } },
      );
      const out = p.stdout.toString() + p.stderr.toString();
      expect(p.exitCode).toBe(1);
      expect(out).toContain("cannot start the runner");
      expect(out).toContain("INVALID_MANIFEST");
      expect(out).not.toContain("cannot register with the edge");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
