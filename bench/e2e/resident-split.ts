// Where a process's resident memory lies, from /proc/<pid>/smaps (Linux): mapped files (the bun
// binary's code, native addons, libc), anonymous writable memory (the JS heap, malloc), and
// anonymous executable memory (JIT code).
import { readFileSync } from "node:fs";

/** Resident MB by kind of mapping. */
export interface ResidentSplit {
  files: number;
  anon: number;
  jit: number;
  /** The mapped files holding the most, largest first (path, MB). */
  topFiles: [string, number][];
}

export function residentSplit(pid: number): ResidentSplit {
  const byFile = new Map<string, number>();
  let anon = 0;
  let jit = 0;
  let name = "";
  let perms = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      perms = head[1]!;
      name = head[2]!;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const mb = Number(rss[1]) / 1024;
    if (name.startsWith("/")) byFile.set(name, (byFile.get(name) ?? 0) + mb);
    else if (perms.includes("x")) jit += mb;
    else anon += mb; // [heap], [stack] and unnamed mappings
  }
  const topFiles = [...byFile].sort((a, b) => b[1] - a[1]);
  return { files: topFiles.reduce((s, [, mb]) => s + mb, 0), anon, jit, topFiles: topFiles.slice(0, 3) };
}
