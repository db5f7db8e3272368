import type { Capabilities } from "../wire/capabilities.ts";
import { which } from "./ffmpeg/locate.ts";
import { runProcess } from "./ffmpeg/process.ts";

export type GpuInfo = Capabilities["gpus"][number];

/** Parses `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(out: string): GpuInfo[] {
  return out
    .split("\n")
    .map((l) => l.split(",").map((c) => c.trim()))
    .filter((c) => c.length >= 3 && c[0])
    .map((c) => ({ name: c[0]!, memoryMiB: Number(c[1]) || 0, driver: c[2]! }));
}

/** NVIDIA GPUs through nvidia-smi; an empty list when it is absent or fails (no GPU, no driver). */
export async function probeGpus(pathEnv?: string): Promise<GpuInfo[]> {
  const smi = which("nvidia-smi", pathEnv);
  if (!smi) return [];
  try {
    const r = await runProcess(
      smi,
      ["--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"],
      { collectStdout: true },
    );
    return r.exitCode === 0 ? parseNvidiaSmi(r.stdout.toString("utf8")) : [];
  } catch {
    return [];
  }
}
