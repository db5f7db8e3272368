// Runs TF.js (wasm backend) and one model off the runner's main thread: TF.js wasm kernels are
// synchronous, and a tile of ESRGAN is seconds of work that would otherwise stop heartbeats.
import { parentPort } from "node:worker_threads";
import { LivepeerError } from "../../wire/errors.ts";
import { upscaleRgb } from "./esrgan-tiles.ts";
import { loadTfModel, startTf, type TfModel, type TfModule } from "./tfjs.ts";
import type { TfjsFailure, TfjsRequest, TfjsResponse } from "./tfjs-protocol.ts";

const port = parentPort!;
const post = (msg: TfjsResponse, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
let loaded: { tf: TfModule; model: TfModel } | undefined;

function failure(err: unknown): TfjsFailure {
  if (err instanceof LivepeerError) return { code: err.code, message: err.message, details: err.details };
  return { message: err instanceof Error ? err.message : String(err) };
}

port.on("message", async (req: TfjsRequest) => {
  const id = req.type === "upscale" ? req.id : undefined;
  try {
    if (req.type === "load") {
      const tf = await startTf();
      loaded = { tf, model: await loadTfModel(tf, req.modelJsonPath) };
      post({ type: "loaded", backend: tf.getBackend() });
      return;
    }
    if (!loaded) throw new Error("no model loaded in this worker");
    const flag = req.abort;
    const r = await upscaleRgb(loaded.tf, loaded.model, req.image, {
      tile: req.tile,
      pad: req.pad,
      signal: {
        get aborted() {
          return Atomics.load(flag, 0) !== 0;
        },
      },
      onTile: (done, total) => post({ type: "progress", id: req.id, done, total }),
    });
    post({ type: "upscaled", id: req.id, image: r.image, scale: r.scale }, [
      r.image.data.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    post({ type: "error", id, ...failure(err) });
  }
});
