// Preloaded into the measured edge by the memory bench (bun --preload): every second it writes
// the process's own split of its memory (MemorySplit) to probeFile(its pid); on SIGUSR2 it runs a
// full GC first and writes to that file plus ".gc", with the heap's object counts, so the bench can
// tell live data from garbage not yet collected. Nothing else in the process changes.
import { heapStats } from "bun:jsc";
import { writeFileSync } from "node:fs";
import { type MemorySplit, probeFile } from "./memory-split.ts";

const MB = 1024 * 1024;

function sample(full: boolean): MemorySplit {
  if (full) Bun.gc(true);
  const m = process.memoryUsage();
  const split: MemorySplit = {
    rss: m.rss / MB,
    heap: m.heapUsed / MB,
    heapCapacity: m.heapTotal / MB,
    external: m.external / MB,
  };
  if (!full) return split;
  // heapStats walks the heap (milliseconds): only on request, not every second.
  const s = heapStats();
  return {
    ...split,
    objects: s.objectCount,
    topObjects: Object.entries(s.objectTypeCounts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5),
  };
}

const file = probeFile(process.pid);
const write = (full: boolean) =>
  writeFileSync(full ? `${file}.gc` : file, `${JSON.stringify(sample(full))}\n`);
setInterval(() => write(false), 1000).unref();
process.on("SIGUSR2", () => write(true));
