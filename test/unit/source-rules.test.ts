import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

// Rules the code base keeps, checked over the source text:
// - comments cite docs/protocol.md or a contract function, never a document outside the repository;
// - FFmpeg and ffprobe are found by src/node-runner/ffmpeg/locate.ts (system, then the npm static
//   builds), never spawned by bare name from PATH.
const ROOT = new URL("../..", import.meta.url).pathname;
const SELF = relative(ROOT, new URL(import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((f) => f !== SELF);
}

/** Each match of `pattern` in `files` (across line breaks), as "path:line: text". */
function offending(files: string[], pattern: RegExp): string[] {
  const global = new RegExp(pattern.source, "g");
  return files.flatMap((f) => {
    const text = readFileSync(join(ROOT, f), "utf8");
    return [...text.matchAll(global)].map((m) => {
      const line = text.slice(0, m.index).split("\n").length;
      return `${f}:${line}: ${m[0].replace(/\s+/g, " ")}`;
    });
  });
}

const OUTSIDE_DOCS = /PROTOCOL(\.md)? §|WIRE\.md|\.\.\/shared/;
// A process started by the bare name, PATH searched for it outside the locator, or the bare name
// kept in a constant to start later.
const BARE_SPAWN =
  /\b(spawn|spawnSync|execFile|execFileSync|exec|execSync|runProcess|Bun\.spawn|Bun\.spawnSync|Bun\.which)\s*\(\s*\[?\s*["'`](ffmpeg|ffprobe)["'`\s]|\b(const|let|var)\s+\w+\s*=\s*["'](ffmpeg|ffprobe)["']/;

describe("source rules", () => {
  const code = ["src", "test", "bench", "scripts"].flatMap(sourceFiles);

  test("the scan sees the code base", () => {
    expect(code).toContain("src/node-runner/ffmpeg/locate.ts");
    expect(code.filter((f) => f.startsWith("test/")).length).toBeGreaterThan(10);
  });

  test("comments cite docs/protocol.md, not PROTOCOL §N, WIRE.md or ../shared", () => {
    expect(offending(code, OUTSIDE_DOCS)).toEqual([]);
  });

  test("no bare ffmpeg/ffprobe spawn: everything goes through the locator", () => {
    expect(offending(code, BARE_SPAWN)).toEqual([]);
  });

  test("the patterns catch what they are meant to", () => {
    for (const bad of [
      // Built by concatenation so that this file itself holds no bare spawn for other checkers to flag.
      `Bun.spawn([${'"ffmpeg"'}, "-i", x])`,
      'runProcess("ffprobe", args)',
      'spawnSync("ffmpeg", ["-version"])',
      "execFile('ffprobe')",
      'Bun.which("ffmpeg")',
      'Bun.spawn(\n    [\n      "ffmpeg",\n      "-v",',
      'export const FFPROBE = "ffprobe";',
    ])
      expect(BARE_SPAWN.test(bad)).toBe(true);
    expect(BARE_SPAWN.test("runProcess(tools.ffmpegPath, args)")).toBe(false);
    expect(BARE_SPAWN.test('which("ffmpeg", pathEnv)')).toBe(false);
    for (const bad of ["(PROTOCOL §7)", "PROTOCOL.md §6", "see WIRE.md", "../shared/DESIGN"])
      expect(OUTSIDE_DOCS.test(bad)).toBe(true);
    expect(OUTSIDE_DOCS.test("docs/protocol.md#rounds")).toBe(false);
  });

  test("every docs/protocol.md#anchor cited exists as a section", () => {
    const anchors = new Set(
      readFileSync(join(ROOT, "docs/protocol.md"), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("## "))
        .map((l) =>
          l
            .slice(3)
            .trim()
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, "")
            .replace(/ /g, "-"),
        ),
    );
    const cited = code.flatMap((f) =>
      [...readFileSync(join(ROOT, f), "utf8").matchAll(/docs\/protocol\.md#([a-z0-9-]+)/g)].map((m) => ({
        file: f,
        anchor: m[1]!,
      })),
    );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !anchors.has(c.anchor))).toEqual([]);
  });
});
