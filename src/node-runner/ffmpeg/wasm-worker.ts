// Runs @ffmpeg/core (single-threaded wasm) off the main thread so a long exec neither blocks the
// runner's heartbeats nor escapes an abort: the parent terminates this worker to stop it.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { WasmRequest, WasmResponse } from "./wasm-protocol.ts";

const port = parentPort!;
const post = (msg: WasmResponse) => port.postMessage(msg);

interface Core {
  HEAPU8: Uint8Array;
  FS: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void };
  exec(...args: string[]): number;
  ret: number;
  reset(): void;
  setLogger(fn: (d: { type: string; message: string }) => void): void;
  setProgress(fn: (d: { progress: number; time: number }) => void): void;
}

/**
 * Caps the core's linear memory, as `ulimit -v` caps native FFmpeg: the core grows its memory only
 * through WebAssembly.Memory.prototype.grow (emscripten_resize_heap), so a grow past the cap is
 * refused and reported, and the runner terminates this worker. The patch lives in this worker's
 * own realm, which runs nothing else.
 */
function capMemory(cap: number): void {
  const grow = WebAssembly.Memory.prototype.grow;
  let reported = false;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number): number {
    const requested = this.buffer.byteLength + delta * 65536;
    if (requested > cap) {
      if (!reported) post({ type: "memory", requestedBytes: requested, memoryBytes: cap });
      reported = true;
      throw new RangeError(`wasm memory cap of ${cap} bytes reached`);
    }
    return grow.call(this, delta);
  };
}

port.on("message", async (req: WasmRequest) => {
  try {
    if (req.memoryBytes > 0) capMemory(req.memoryBytes);
    // The core's glue looks for browser globals; Bun workers have neither.
    const g = globalThis as Record<string, unknown>;
    g.self ??= globalThis;
    g.location ??= { href: "file:///" };
    const mod = (await import(req.corePath)) as { default: (m: object) => Promise<Core> };
    const core = await mod.default({ wasmBinary: readFileSync(req.wasmPath) });
    // The build's initial memory is never grown into, so it is checked on its own.
    if (req.memoryBytes > 0 && core.HEAPU8.length > req.memoryBytes) {
      post({ type: "memory", requestedBytes: core.HEAPU8.length, memoryBytes: req.memoryBytes });
      return;
    }
    let log = "";
    core.setLogger(({ message }) => {
      log += `${message}\n`;
      if (log.length > 32768) log = log.slice(-16384);
    });
    core.setProgress(({ progress }) => {
      if (progress >= 0 && progress <= 1) post({ type: "progress", fraction: progress });
    });
    for (const f of req.files) core.FS.writeFile(f.path, f.data);
    const results: { ret: number; log: string }[] = [];
    for (const args of req.commands) {
      log = "";
      core.exec(...args);
      results.push({ ret: core.ret, log });
      core.reset();
      if (core.ret !== 0 && args.includes("-filter_complex")) break;
    }
    const outputs: { path: string; data: Uint8Array }[] = [];
    for (const p of req.outputs) {
      try {
        outputs.push({ path: p, data: core.FS.readFile(p) });
      } catch {
        // missing output: the caller sees it as a failure
      }
    }
    port.postMessage(
      { type: "done", results, outputs, memoryBytes: core.HEAPU8.length } satisfies WasmResponse,
      outputs.map((o) => o.data.buffer as ArrayBuffer),
    );
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
});
