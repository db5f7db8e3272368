// Runs @ffmpeg/core (single-threaded wasm) off the main thread so a long exec neither blocks the
// runner's heartbeats nor escapes an abort: the parent terminates this worker to stop it.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { WasmRequest, WasmResponse } from "./wasm-protocol.ts";

const port = parentPort!;
const post = (msg: WasmResponse) => port.postMessage(msg);

interface Core {
  FS: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void };
  exec(...args: string[]): number;
  ret: number;
  reset(): void;
  setLogger(fn: (d: { type: string; message: string }) => void): void;
  setProgress(fn: (d: { progress: number; time: number }) => void): void;
}

port.on("message", async (req: WasmRequest) => {
  try {
    // The core's glue looks for browser globals; Bun workers have neither.
    const g = globalThis as Record<string, unknown>;
    g.self ??= globalThis;
    g.location ??= { href: "file:///" };
    const mod = (await import(req.corePath)) as { default: (m: object) => Promise<Core> };
    const core = await mod.default({ wasmBinary: readFileSync(req.wasmPath) });
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
      { type: "done", results, outputs } satisfies WasmResponse,
      outputs.map((o) => o.data.buffer as ArrayBuffer),
    );
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
});
