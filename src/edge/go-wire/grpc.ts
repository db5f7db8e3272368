import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { bytesToHex } from "viem";
import type { Address } from "../../protocol/types.ts";
import { LivepeerError } from "../../wire/errors.ts";
import {
  EndTranscodingSessionResponseSchema,
  Orchestrator,
  PingPongSchema,
} from "../../wire/go/gen/net/lp_rpc_pb.ts";
import {
  orchestratorRequestHash,
  pingHash,
  signHash,
  verifyHashSignature,
} from "../../wire/go/signatures.ts";
import { GO_TEXT } from "../../wire/go/status.ts";
import { METRIC } from "../metrics.ts";
import type { GoWireContext } from "./context.ts";
import { goOrchestratorInfo, requestedModel } from "./info.ts";

/** The gRPC service net.Orchestrator, as go-livepeer gateways call it. */
export function orchestratorRoutes(ctx: GoWireContext) {
  return (router: ConnectRouter) =>
    router.service(Orchestrator, {
      async getOrchestrator(req) {
        ctx.deps.metrics.inc(METRIC.goWireRequests, { method: "GetOrchestrator" });
        const ok =
          req.address.length === 20 &&
          (await verifyHashSignature(
            orchestratorRequestHash(bytesToHex(req.address)),
            req.sig,
            bytesToHex(req.address),
          ));
        if (!ok) throw new ConnectError(GO_TEXT.reqSigCheckFailed, Code.Unknown);
        const sender = bytesToHex(req.address) as Address;
        try {
          return await goOrchestratorInfo(ctx, sender, ctx.tokens.issue(), requestedModel(req.capabilities));
        } catch (err) {
          ctx.deps.logger.warn("go-wire: GetOrchestrator failed", { error: String(err) });
          const text = err instanceof LivepeerError ? err.message : "internal error";
          throw new ConnectError(text, Code.Unknown);
        }
      },
      async endTranscodingSession(req) {
        ctx.deps.metrics.inc(METRIC.goWireRequests, { method: "EndTranscodingSession" });
        // Sessions hold no resources here beyond their credit, which expires with the token.
        if (ctx.tokens.check(req.authToken) !== null)
          throw new ConnectError(GO_TEXT.invalidAuthToken, Code.Unknown);
        return create(EndTranscodingSessionResponseSchema);
      },
      async ping(req) {
        return create(PingPongSchema, { value: await signHash(ctx.hosted.account, pingHash(req.value)) });
      },
    });
}
