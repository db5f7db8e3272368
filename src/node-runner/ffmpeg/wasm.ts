import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { LivepeerError } from "../../wire/errors.ts";
import { DEFAULT_RUNNER_LIMITS, type RunnerLimits } from "../limits.ts";
import { ladderArgs } from "./args.ts";
import { aborted, invalidMedia, transcodeFailed } from "./errors.ts";
import { mediaInfoFromBanner } from "./ffprobe.ts";
import { checkSegment, type LadderRequest, type LadderResult } from "./ladder.ts";
import type { WasmFfmpeg } from "./locate.ts";
import { ladderUnits, planOutputs, toOutputFile } from "./plan.ts";
import type { WasmRequest, WasmResponse } from "./wasm-protocol.ts";

/** Encoders compiled into @ffmpeg/core 0.12 (single-thread build). */
export const WASM_ENCODERS: ReadonlySet<string> = new Set([
  "libx264",
  "libx265",
  "libvpx",
  "libvpx-vp9",
  "aac",
]);

function runWorker(
  req: Omit<WasmRequest, "memoryBytes">,
  signal: AbortSignal | undefined,
  onProgress: ((f: number) => void) | undefined,
  limits: RunnerLimits,
): Promise<Extract<WasmResponse, { type: "done" }>> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted("ffmpeg-wasm"));
      return;
    }
    // node:worker_threads, not the global Worker: other libraries may replace the global.
    const worker = new Worker(fileURLToPath(new URL("./wasm-worker.ts", import.meta.url)));
    const timeoutMs = limits.jobTimeoutMs;
    // The job's wall-clock limit, as for native FFmpeg: the worker is terminated past it.
    const timer = setTimeout(() => {
      finish();
      reject(
        new LivepeerError("JOB_LIMIT_EXCEEDED", `ffmpeg-wasm ran past its ${timeoutMs} ms limit`, {
          details: { timeoutMs },
        }),
      );
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
    };
    // Terminating the worker is the wasm equivalent of SIGKILL.
    const onAbort = () => {
      finish();
      reject(aborted("ffmpeg-wasm"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (msg: WasmResponse) => {
      if (msg.type === "progress") onProgress?.(msg.fraction);
      else if (msg.type === "memory") {
        // The job's memory cap, as `ulimit -v` is for native FFmpeg.
        finish();
        reject(
          new LivepeerError(
            "JOB_LIMIT_EXCEEDED",
            `ffmpeg-wasm asked for ${msg.requestedBytes} bytes of memory, over its ${msg.memoryBytes} byte limit`,
            { details: { memoryBytes: msg.memoryBytes, requestedBytes: msg.requestedBytes } },
          ),
        );
      } else if (msg.type === "done") {
        finish();
        resolve(msg);
      } else {
        finish();
        reject(transcodeFailed(null, msg.message, "ffmpeg-wasm"));
      }
    });
    worker.on("error", (e: Error) => {
      finish();
      reject(transcodeFailed(null, e.message, "ffmpeg-wasm"));
    });
    // A wasm abort can end the worker without a message; a settled promise ignores this.
    worker.on("exit", (code) => reject(transcodeFailed(code, "ffmpeg-wasm worker exited", "ffmpeg-wasm")));
    worker.postMessage({ ...req, memoryBytes: limits.jobMemoryBytes } satisfies WasmRequest);
  });
}

/**
 * The same one-process ladder on @ffmpeg/core (wasm), for hosts with no native FFmpeg: the input
 * is copied into the core's memory filesystem, probed from FFmpeg's own banner and checked against
 * the segment limits, transcoded with the identical filter graph under the job's wall-clock limit
 * and memory cap (the core's linear memory may not grow past `jobMemoryBytes`: JOB_LIMIT_EXCEEDED),
 * and the renditions copied back out. Several times slower than native.
 */
export async function runLadderWasm(wasm: WasmFfmpeg, req: LadderRequest): Promise<LadderResult> {
  const t0 = performance.now();
  const data = new Uint8Array(await readFile(req.input));
  const memIn = `/input${extname(req.input) || ".bin"}`;
  const planned = planOutputs(req.profiles, req.format, req.outDir, req.encoders ?? WASM_ENCODERS, false);
  const memOut = planned.map((o) => ({ ...o, path: `/${basename(o.path)}` }));
  const limits = req.limits ?? DEFAULT_RUNNER_LIMITS;
  const files = [{ path: memIn, data }];
  const core = { corePath: wasm.corePath, wasmPath: wasm.wasmPath };
  // Probed in a worker of its own first, so the segment limits are checked before the ladder runs.
  const probed = await runWorker(
    { ...core, files, commands: [["-hide_banner", "-i", memIn]], outputs: [] },
    req.signal,
    undefined,
    limits,
  );
  const input = mediaInfoFromBanner(probed.results[0]?.log ?? "");
  if (!input.hasVideo) throw invalidMedia("input has no video stream", { engine: "ffmpeg-wasm" });
  checkSegment(input, limits);
  const t1 = performance.now();
  let ok = false;
  try {
    const done = await runWorker(
      {
        ...core,
        files,
        commands: [
          ladderArgs(memIn, memOut, { hasAudio: "optional", progress: false }).filter(
            (a) => a !== "-nostdin",
          ),
        ],
        outputs: memOut.map((o) => o.path),
      },
      req.signal,
      req.onProgress,
      limits,
    );
    const [ladder] = done.results;
    if (ladder?.ret !== 0) throw transcodeFailed(ladder?.ret ?? null, ladder?.log ?? "", "ffmpeg-wasm");
    const t2 = performance.now();
    await Promise.all(
      planned.map(async (o, i) => {
        const out = done.outputs.find((x) => x.path === memOut[i]!.path);
        if (!out || out.data.length === 0)
          throw transcodeFailed(0, `missing output ${o.path}`, "ffmpeg-wasm");
        await writeFile(o.path, out.data);
      }),
    );
    req.onProgress?.(1);
    ok = true;
    return {
      // The scale filter forces each profile's size; duration is the input's.
      outputs: planned.map((o) =>
        toOutputFile(o, { width: o.profile.width, height: o.profile.height, durationSec: input.durationSec }),
      ),
      engine: "ffmpeg-wasm",
      input,
      units: ladderUnits(planned, input.durationSec),
      timings: { probeMs: t1 - t0, transcodeMs: t2 - t1, verifyMs: performance.now() - t2 },
    };
  } finally {
    if (!ok) await Promise.all(planned.map((o) => rm(o.path, { force: true })));
  }
}
