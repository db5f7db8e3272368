import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DenoSileroReport } from "./deno-silero-webgpu.ts";

// Deno as the tests use it: the binary from the deno npm package, and the Silero-on-WebGPU script
// (deno-silero-webgpu.ts) run in it as a child process.

const ROOT = new URL("../..", import.meta.url).pathname;
export const DENO = join(ROOT, "node_modules/.bin/deno");
const SILERO_SCRIPT = join(ROOT, "test/helpers/deno-silero-webgpu.ts");

/** Why Deno cannot run here, or undefined when it can. */
export function denoMissing(): string | undefined {
  return existsSync(DENO) ? undefined : `no Deno at ${DENO} (the deno npm package is not installed)`;
}

export interface DenoSileroRun {
  /** The script's last stdout line, parsed; undefined when it printed none (a crash). */
  report: DenoSileroReport | undefined;
  code: number;
  output: string;
}

/** Runs deno-silero-webgpu.ts with `args` (MANIFEST FRAMES RUNS [WAV WORKDIR]). */
export async function runDenoSilero(
  args: string[],
  env: Record<string, string> = {},
): Promise<DenoSileroRun> {
  const proc = Bun.spawn([DENO, "run", "-A", SILERO_SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  let report: DenoSileroReport | undefined;
  try {
    report = JSON.parse(out.trim().split("\n").at(-1) ?? "") as DenoSileroReport;
  } catch {
    report = undefined;
  }
  return { report, code, output: `${out}\n${err}` };
}
