import { create } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { Address, LocalAccount } from "viem";
import { bytesOf } from "../../wire/go/bytes.ts";
import { capabilityBitstring, DEFAULT_CAPABILITIES } from "../../wire/go/capabilities.ts";
import {
  type AuthToken,
  type Capabilities,
  Capabilities_CapabilityConstraints_ModelConstraintSchema,
  Capabilities_CapabilityConstraintsSchema,
  Capabilities_ConstraintsSchema,
  CapabilitiesSchema,
  EndTranscodingSessionRequestSchema,
  Orchestrator,
  type OrchestratorInfo,
  OrchestratorRequestSchema,
} from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { orchestratorRequestHash, signHash } from "../../wire/go/signatures.ts";
import { GO_WIRE_VERSION } from "../../wire/go/status.ts";

// gRPC net.Orchestrator as go-livepeer's gateway calls it: over TLS without certificate
// verification (https:// URIs) or h2c (http://), 8 s per call (2.5 s for a session refresh).

/** go-livepeer's gateway-side deadline for one GetOrchestrator call. */
export const GRPC_CALL_TIMEOUT_MS = 8_000;
/** go-livepeer's deadline for a session refresh (GetOrchestrator at the session's transcoder). */
export const REFRESH_TIMEOUT_MS = 2_500;

/** The capability set a request asks for: the default transcoding bits plus AI bits and models. */
export interface CapabilityRequest {
  /** Extra bits (an AI pipeline's). */
  bits?: readonly number[];
  /** Per bit, the model ids asked for. */
  models?: Readonly<Record<number, readonly string[]>>;
}

/** Capabilities as go-livepeer's gateway sends them: bit 12 with the default set, capacities 1, a semver. */
export function gatewayCapabilities(req: CapabilityRequest = {}): Capabilities {
  const bits = [...DEFAULT_CAPABILITIES, ...(req.bits ?? [])];
  const capacities: Record<number, number> = {};
  for (const b of bits) capacities[b] = 1;
  const perCapability: Record<
    number,
    ReturnType<typeof create<typeof Capabilities_CapabilityConstraintsSchema>>
  > = {};
  for (const [bit, models] of Object.entries(req.models ?? {})) {
    const m: Record<
      string,
      ReturnType<typeof create<typeof Capabilities_CapabilityConstraints_ModelConstraintSchema>>
    > = {};
    for (const id of models) {
      m[id] = create(Capabilities_CapabilityConstraints_ModelConstraintSchema, { warm: false, capacity: 1 });
    }
    perCapability[Number(bit)] = create(Capabilities_CapabilityConstraintsSchema, { models: m });
  }
  return create(CapabilitiesSchema, {
    bitstring: capabilityBitstring(bits),
    mandatories: [],
    capacities,
    version: GO_WIRE_VERSION,
    constraints: create(Capabilities_ConstraintsSchema, { minVersion: "", PerCapability: perCapability }),
  });
}

/** A gRPC client of one orchestrator URL, with its HTTP/2 connection; close() drops it. */
export interface OrchestratorRpc {
  client: Client<typeof Orchestrator>;
  close(): void;
}

/** A client for the orchestrator at `url` (its host:port; the path is ignored, as gRPC dials). */
export function orchestratorRpc(url: string): OrchestratorRpc {
  const u = new URL(url);
  const origin = u.origin;
  const manager = new Http2SessionManager(
    origin,
    { idleConnectionTimeoutMs: 30_000 },
    u.protocol === "https:" ? { rejectUnauthorized: false } : {},
  );
  const transport = createGrpcTransport({ baseUrl: origin, sessionManager: manager });
  return { client: createClient(Orchestrator, transport), close: () => manager.abort() };
}

/**
 * GetOrchestrator: signs the request (keccak256 of the checksummed address, EIP-191) and asks
 * for info with the given capabilities. Throws the gRPC error (ConnectError) as it comes.
 */
export async function getOrchestrator(
  rpc: OrchestratorRpc,
  sender: LocalAccount,
  capabilities: Capabilities,
  timeoutMs = GRPC_CALL_TIMEOUT_MS,
): Promise<OrchestratorInfo> {
  const address = sender.address as Address;
  const sig = await signHash(sender, orchestratorRequestHash(address));
  const req = create(OrchestratorRequestSchema, {
    address: bytesOf(address),
    sig,
    capabilities,
    ignoreCapacityCheck: false,
  });
  return rpc.client.getOrchestrator(req, { timeoutMs });
}

/** EndTranscodingSession for a one-shot session's auth token. */
export async function endTranscodingSession(rpc: OrchestratorRpc, token: AuthToken): Promise<void> {
  await rpc.client.endTranscodingSession(create(EndTranscodingSessionRequestSchema, { authToken: token }), {
    timeoutMs: GRPC_CALL_TIMEOUT_MS,
  });
}
