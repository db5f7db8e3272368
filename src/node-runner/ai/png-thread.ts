import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { PngRequest, PngResponse } from "./png-protocol.ts";

/**
 * Runs one decode or encode of the portable PNG coder in a worker thread of its own, so the
 * runner's event loop (its heartbeats) goes on meanwhile. The worker ends with the call.
 */
export function pngInWorker(req: PngRequest): Promise<PngResponse> {
  return new Promise((resolve, reject) => {
    // node:worker_threads, not the global Worker: other libraries may replace the global.
    const worker = new Worker(fileURLToPath(new URL("./png-worker.ts", import.meta.url)));
    const done = () => void worker.terminate();
    worker.once("message", (msg: PngResponse) => {
      done();
      resolve(msg);
    });
    worker.once("error", (err: Error) => {
      done();
      reject(err);
    });
    // A worker that dies without answering (out of memory) fails the call; a settled promise ignores this.
    worker.once("exit", (code) => reject(new Error(`PNG worker exited (${code})`)));
    worker.postMessage(req);
  });
}
