import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** One signed vector for the C harness: digest, r‖s, recovery id, uncompressed key. */
export interface NativeVector {
  digest: Uint8Array;
  compact: Uint8Array;
  recovery: number;
  publicKey: Uint8Array;
}

export type NativeResult = { ok: true; recoverPerS: number; verifyPerS: number } | { ok: false; why: string };

// Paths from the repository root (bench/index.ts runs every bench there), so a bundled copy
// of this file run under Node finds the same sources.
const here = resolve(process.cwd(), "bench/native");
const buildDir = join(here, "build");
const HEADER = "/usr/include/secp256k1_recovery.h";

/** Builds the harness with gcc against libsecp256k1 (once) and runs it over `vectors`. */
export function runNativeHarness(vectors: readonly NativeVector[], seconds = 1): NativeResult {
  const gcc = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  if (gcc.error !== undefined || gcc.status !== 0) return { ok: false, why: "gcc not found" };
  if (!existsSync(HEADER)) return { ok: false, why: `${HEADER} missing (apt-get install libsecp256k1-dev)` };
  mkdirSync(buildDir, { recursive: true });
  const bin = join(buildDir, "secp_bench");
  const cc = spawnSync("gcc", ["-O2", "-o", bin, join(here, "secp_bench.c"), "-lsecp256k1"], {
    encoding: "utf8",
  });
  if (cc.status !== 0) return { ok: false, why: `gcc failed: ${cc.stderr.trim().slice(0, 300)}` };

  const rec = new Uint8Array(vectors.length * 162);
  vectors.forEach((v, i) => {
    rec.set(v.digest, i * 162);
    rec.set(v.compact, i * 162 + 32);
    rec[i * 162 + 96] = v.recovery;
    rec.set(v.publicKey, i * 162 + 97);
  });
  const file = join(buildDir, "vectors.bin");
  writeFileSync(file, rec);
  const run = spawnSync(bin, [file, String(seconds)], { encoding: "utf8" });
  if (run.status !== 0) return { ok: false, why: `harness failed: ${run.stderr.trim().slice(0, 300)}` };
  const out = JSON.parse(run.stdout.trim()) as {
    recover_per_s: number;
    verify_per_s: number;
    checked: number;
  };
  if (out.checked !== vectors.length)
    return { ok: false, why: "harness checked the wrong number of vectors" };
  return { ok: true, recoverPerS: out.recover_per_s, verifyPerS: out.verify_per_s };
}
