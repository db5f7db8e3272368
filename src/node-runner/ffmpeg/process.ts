import { spawn } from "node:child_process";
import { LivepeerError } from "../../wire/errors.ts";
import { aborted } from "./errors.ts";

export interface ProcessOptions {
  signal?: AbortSignal | undefined;
  /** Called for each complete stdout line (used for `-progress pipe:1`). */
  onStdoutLine?: ((line: string) => void) | undefined;
  /** Collect stdout bytes instead of splitting lines (raw frames, PCM). */
  collectStdout?: boolean;
  /** Called once the child exists; tests use the pid to prove it is gone after an abort. */
  onSpawn?: ((pid: number) => void) | undefined;
  /** Bytes of stderr kept for error reports. */
  tailBytes?: number;
  /** Wall-clock limit: past it the child is SIGKILLed and the promise rejects with JOB_LIMIT_EXCEEDED. */
  timeoutMs?: number | undefined;
  /** Address-space cap in bytes, set with `ulimit -v` in a sh wrapper (0 or absent: none). */
  memoryBytes?: number | undefined;
}

/** stderr texts of an allocation that failed under the address-space cap. */
const MEMORY_FAILURE =
  /cannot allocate memory|out of memory|failed to map segment|error while loading shared libraries/i;

/** The command and arguments that run `cmd` under an address-space cap (ulimit -v takes KiB). */
export function capped(cmd: string, args: string[], memoryBytes: number | undefined): [string, string[]] {
  if (!memoryBytes || process.platform === "win32") return [cmd, args];
  const kib = Math.max(1, Math.floor(memoryBytes / 1024));
  return ["/bin/sh", ["-c", `ulimit -v ${kib} && exec "$0" "$@"`, cmd, ...args]];
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  stdout: Buffer;
}

/**
 * The npm-packaged static builds link an old glibc whose iconv loads the host's gconv modules
 * (built for another glibc) and segfaults, e.g. ffprobe on any MPEG-TS. Pointing GCONV_PATH at a
 * folder that does not exist makes iconv_open fail cleanly instead.
 */
export function childEnv(cmd: string): NodeJS.ProcessEnv {
  if (!/[\\/]@ff(mpeg|probe)-installer[\\/]/.test(cmd)) return process.env;
  return { ...process.env, GCONV_PATH: "/nonexistent-gconv-modules" };
}

/**
 * Runs a process to completion. Keeps only the tail of stderr (FFmpeg can be chatty), and
 * SIGKILLs the child when the signal aborts; the promise then rejects with JOB_ABORTED.
 */
export function runProcess(cmd: string, args: string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const tailBytes = opts.tailBytes ?? 4096;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(aborted(cmd));
      return;
    }
    const [file, argv] = capped(cmd, args, opts.memoryBytes);
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], env: childEnv(cmd) });
    let stderr = "";
    const chunks: Buffer[] = [];
    let pending = "";
    let wasAborted = false;
    let timedOut = false;
    const onAbort = () => {
      wasAborted = true;
      child.kill("SIGKILL");
    };
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      stderr += d;
      if (stderr.length > tailBytes * 2) stderr = stderr.slice(-tailBytes);
    });
    child.stdout.on("data", (d: Buffer) => {
      if (opts.collectStdout) {
        chunks.push(d);
        return;
      }
      if (!opts.onStdoutLine) return;
      pending += d.toString("utf8");
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        opts.onStdoutLine(pending.slice(0, nl).trim());
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
      }
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (wasAborted) {
        reject(aborted(cmd));
        return;
      }
      if (timedOut) {
        reject(
          new LivepeerError("JOB_LIMIT_EXCEEDED", `${cmd} ran past its ${opts.timeoutMs} ms limit`, {
            details: { timeoutMs: opts.timeoutMs },
          }),
        );
        return;
      }
      // Under a cap, an allocation failure shows as ENOMEM in stderr, a crash signal, or (for a
      // dynamically linked build) the loader failing to map a shared library before main runs.
      if (opts.memoryBytes && (signal !== null || MEMORY_FAILURE.test(stderr))) {
        reject(
          new LivepeerError(
            "JOB_LIMIT_EXCEEDED",
            `${cmd} ran out of its ${opts.memoryBytes}-byte memory cap`,
            {
              details: { memoryBytes: opts.memoryBytes, signal, stderrTail: stderr.slice(-tailBytes) },
            },
          ),
        );
        return;
      }
      resolve({ exitCode, signal, stderrTail: stderr.slice(-tailBytes), stdout: Buffer.concat(chunks) });
    });
  });
}
