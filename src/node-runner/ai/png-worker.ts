// Runs the portable PNG coder off the runner's main thread: zlib's inflate and deflate are
// synchronous here, and the filter loops are plain JavaScript, so a large image would otherwise
// stop the runner's heartbeats for as long as it takes.
import { parentPort } from "node:worker_threads";
import { decodePng, encodePng, UnsupportedPngError } from "./png.ts";
import type { PngRequest, PngResponse } from "./png-protocol.ts";

const port = parentPort!;

port.once("message", (req: PngRequest) => {
  try {
    if (req.op === "decode") {
      const image = decodePng(req.bytes);
      port.postMessage({ ok: true, image } satisfies PngResponse, [image.data.buffer as ArrayBuffer]);
    } else {
      const png = encodePng(req.image);
      port.postMessage({ ok: true, png } satisfies PngResponse);
    }
  } catch (err) {
    port.postMessage({
      ok: false,
      unsupported: err instanceof UnsupportedPngError,
      message: err instanceof Error ? err.message : String(err),
    } satisfies PngResponse);
  }
});
