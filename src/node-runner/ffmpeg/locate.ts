import { accessSync, chmodSync, constants, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { runProcess } from "./process.ts";

/** Where the FFmpeg that runs came from, in the order they are tried. */
export type FfmpegSource = "configured" | "system" | "ffmpeg-installer" | "wasm";

export interface NativeFfmpeg {
  kind: "native";
  source: Exclude<FfmpegSource, "wasm">;
  ffmpegPath: string;
  /** null when no ffprobe was found next to it (probing then falls back to ffmpeg -i). */
  ffprobePath: string | null;
}

export interface WasmFfmpeg {
  kind: "wasm";
  source: "wasm";
  /** The ESM glue and the .wasm binary of @ffmpeg/core. */
  corePath: string;
  wasmPath: string;
}

export type FfmpegLocation = NativeFfmpeg | WasmFfmpeg;

export interface LocateOptions {
  /** An explicit ffmpeg binary; tried first. */
  ffmpegPath?: string | undefined;
  /** Restrict or reorder the sources tried (tests and benches force "wasm" or "ffmpeg-installer"). */
  sources?: readonly FfmpegSource[] | undefined;
  /** PATH to search; defaults to process.env.PATH. */
  pathEnv?: string | undefined;
}

const DEFAULT_ORDER: readonly FfmpegSource[] = ["configured", "system", "ffmpeg-installer", "wasm"];
const require = createRequire(import.meta.url);

/** Finds an executable on PATH, like `which`. */
export function which(name: string, pathEnv = process.env.PATH ?? ""): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** npm here runs no install scripts, so a packaged binary may lack its exec bit. */
function ensureExecutable(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    try {
      chmodSync(path, 0o755);
      return path;
    } catch {
      return null;
    }
  }
}

function packageFile(pkg: string, file: string): string | null {
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), file);
  } catch {
    return null;
  }
}

async function runs(path: string): Promise<boolean> {
  try {
    const r = await runProcess(path, ["-hide_banner", "-version"], { collectStdout: true });
    return r.exitCode === 0;
  } catch {
    return false;
  }
}

function installerFfprobe(): string | null {
  if (process.platform !== "linux" || process.arch !== "x64") return null;
  const p = packageFile("@ffprobe-installer/linux-x64", "ffprobe");
  return p ? ensureExecutable(p) : null;
}

/** ffprobe beside the given ffmpeg, else on PATH, else the packaged static one. */
function findFfprobe(ffmpegPath: string, pathEnv: string | undefined): string | null {
  const sibling = join(dirname(ffmpegPath), "ffprobe");
  if (ensureExecutable(sibling)) return sibling;
  return which("ffprobe", pathEnv) ?? installerFfprobe();
}

/**
 * Resolves FFmpeg: a configured path, then `ffmpeg` on PATH, then the static build shipped in
 * @ffmpeg-installer/linux-x64, then @ffmpeg/core (wasm). Each native candidate must run
 * `-version` before it is accepted.
 */
export async function locateFfmpeg(opts: LocateOptions = {}): Promise<FfmpegLocation | null> {
  for (const source of opts.sources ?? DEFAULT_ORDER) {
    if (source === "configured") {
      if (opts.ffmpegPath && (await runs(opts.ffmpegPath))) {
        return {
          kind: "native",
          source,
          ffmpegPath: opts.ffmpegPath,
          ffprobePath: findFfprobe(opts.ffmpegPath, opts.pathEnv),
        };
      }
    } else if (source === "system") {
      const p = which("ffmpeg", opts.pathEnv);
      if (p && (await runs(p))) {
        return { kind: "native", source, ffmpegPath: p, ffprobePath: findFfprobe(p, opts.pathEnv) };
      }
    } else if (source === "ffmpeg-installer") {
      if (process.platform !== "linux" || process.arch !== "x64") continue;
      const file = packageFile("@ffmpeg-installer/linux-x64", "ffmpeg");
      const p = file ? ensureExecutable(file) : null;
      // The packaged ffmpeg has no sibling ffprobe; pair it with the packaged ffprobe.
      if (p && (await runs(p)))
        return { kind: "native", source, ffmpegPath: p, ffprobePath: installerFfprobe() };
    } else {
      const corePath = packageFile("@ffmpeg/core", "dist/esm/ffmpeg-core.js");
      const wasmPath = packageFile("@ffmpeg/core", "dist/esm/ffmpeg-core.wasm");
      if (corePath && wasmPath && existsSync(corePath) && existsSync(wasmPath)) {
        return { kind: "wasm", source, corePath, wasmPath };
      }
    }
  }
  return null;
}
