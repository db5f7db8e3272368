import type { GoWireContext } from "./context.ts";
import { type NodeRequest, type NodeResponse, sendGoError } from "./http.ts";

/** GET /stream/{session}/{rendition}/{seq}.{ext}: a result file, 200 or 404 (go-livepeer's memory driver). */
export async function handleStream(ctx: GoWireContext, req: NodeRequest, res: NodeResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://x").pathname.slice("/stream/".length);
  const entry = ctx.streams.get(path);
  const bytes = entry && (await ctx.deps.services.jobs.blobs.get(entry.blobKey));
  if (!entry || !bytes) return sendGoError(res, 404, "404 page not found");
  res.writeHead(200, { "content-type": entry.contentType, "content-length": bytes.length });
  res.end(req.method === "HEAD" ? undefined : Buffer.from(bytes));
}
