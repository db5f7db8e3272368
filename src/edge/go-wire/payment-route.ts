import { create, toBinary } from "@bufbuild/protobuf";
import { PaymentResultSchema } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { GO_TEXT } from "../../wire/go/status.ts";
import type { GoWireContext } from "./context.ts";
import { type NodeRequest, type NodeResponse, readBody, sendGoError } from "./http.ts";
import { goOrchestratorInfo } from "./info.ts";
import { checkSegSignature, decodePaidHeaders, processPayment } from "./payment.ts";

/**
 * POST /payment: tickets without work (live AI pays this way every few seconds). Credits
 * (sender, SegData.manifestId) and answers a PaymentResult with fresh params, the token echoed.
 * The price must cover the transcoding price (the live pipelines are not served here).
 */
export async function handlePayment(ctx: GoWireContext, req: NodeRequest, res: NodeResponse): Promise<void> {
  await readBody(req, 1024 * 1024);
  const decoded = decodePaidHeaders(req);
  if ("status" in decoded) return sendGoError(res, decoded.status, decoded.text);
  const { seg, payment } = decoded;
  const sig = await checkSegSignature(seg, payment.sender, []);
  if (sig) return sendGoError(res, sig.status, sig.text);
  const token = ctx.tokens.check(seg.authToken);
  if (token) return sendGoError(res, 403, token);
  if (payment.payment === null) return sendGoError(res, 400, GO_TEXT.insufficientBalance);
  const sender = payment.sender!;
  let info: Awaited<ReturnType<typeof goOrchestratorInfo>>;
  try {
    info = await goOrchestratorInfo(ctx, sender, seg.authToken!, null);
  } catch (err) {
    return sendGoError(res, 500, (err as Error).message);
  }
  const manifest = new TextDecoder().decode(seg.manifestId);
  const paid = await processPayment(ctx, payment, manifest, "transcode");
  if (paid) return sendGoError(res, paid.status, paid.text);
  const bytes = toBinary(PaymentResultSchema, create(PaymentResultSchema, { info }));
  res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": bytes.length });
  res.end(Buffer.from(bytes));
}
