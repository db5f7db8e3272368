// The memory bench's view of the edge's own figures: what memory-probe.ts (preloaded into the
// edge) writes, where, and how the bench reads it back.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One sample, in MB (objects: a count). */
export interface MemorySplit {
  rss: number;
  /** Live JS objects at the last GC plus those allocated since (JSC heapSize). */
  heap: number;
  /** What the JS heap holds from the system (JSC heapCapacity). */
  heapCapacity: number;
  /** Memory outside the JS heap that JS objects own: ArrayBuffers, external strings. */
  external: number;
  /** After a full GC only: JS objects, and the five commonest kinds. */
  objects?: number;
  topObjects?: [string, number][];
}

/** Where the probe in process `pid` writes its samples; a full-GC sample goes to this plus ".gc". */
export const probeFile = (pid: number) => join(tmpdir(), `livepeer-memory-probe-${pid}.json`);

/** The probe's last sample in `file`, once it has written a whole one. */
export function readSplit(file: string): MemorySplit | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return text.endsWith("\n") ? (JSON.parse(text) as MemorySplit) : undefined;
}

/** Asks the probe in `pid` for a sample after a full GC and waits for it. */
export async function splitAfterGc(pid: number): Promise<MemorySplit> {
  const gcFile = `${probeFile(pid)}.gc`;
  rmSync(gcFile, { force: true });
  process.kill(pid, "SIGUSR2");
  for (;;) {
    const s = readSplit(gcFile);
    if (s?.objects !== undefined) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes the probe's files of `pid`. */
export function removeProbeFiles(pid: number): void {
  for (const f of [probeFile(pid), `${probeFile(pid)}.gc`]) rmSync(f, { force: true });
}
