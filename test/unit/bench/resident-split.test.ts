import { describe, expect, test } from "bun:test";
import { readFileSync, realpathSync } from "node:fs";
import { residentSplit } from "../../../bench/e2e/resident-split.ts";

const vmRssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;

describe.skipIf(process.platform !== "linux")("residentSplit (memory bench)", () => {
  test("its parts add up to the process's RSS, the bun binary among the mapped files", () => {
    const before = vmRssMb();
    const split = residentSplit(process.pid);
    const after = vmRssMb();
    const total = split.files + split.anon + split.jit;
    // RSS moves a little while smaps is read: the sum lies within what it was around the read.
    expect(total).toBeGreaterThan(Math.min(before, after) * 0.9);
    expect(total).toBeLessThan(Math.max(before, after) * 1.1);
    expect(split.anon).toBeGreaterThan(0);
    expect(split.topFiles.map(([p]) => p)).toContain(realpathSync(process.execPath));
  });
});
