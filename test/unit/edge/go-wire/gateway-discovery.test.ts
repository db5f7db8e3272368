import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { goCapabilityRequest, goCompatible, orchAddrUrl } from "../../../../src/edge/go-gateway/discovery.ts";
import { gatewayCapabilities } from "../../../../src/edge/go-gateway/grpc.ts";
import { CAP, capabilityBitstring, DEFAULT_CAPABILITIES } from "../../../../src/wire/go/capabilities.ts";
import {
  Capabilities_CapabilityConstraints_ModelConstraintSchema,
  Capabilities_CapabilityConstraintsSchema,
  CapabilitiesSchema,
} from "../../../../src/wire/go/gen/net/lp_rpc_pb.ts";

// The gateway's reading of -orchAddr entries and of an orchestrator's capabilities (go-livepeer's
// CompatibleWith: the gateway's bits within the orchestrator's, its mandatories within the
// gateway's, every requested model offered).

describe("orchAddrUrl", () => {
  test("a bare host:port is TLS; schemes are kept; paths are dropped", () => {
    expect(orchAddrUrl("orch.example:8935")).toBe("https://orch.example:8935");
    expect(orchAddrUrl("http://10.0.0.5:8935")).toBe("http://10.0.0.5:8935");
    expect(orchAddrUrl("https://orch.example:8935/")).toBe("https://orch.example:8935");
    expect(() => orchAddrUrl("ftp://orch.example")).toThrow();
  });
});

function orchCaps(bits: number[], models: Record<number, string[]> = {}, mandatories: number[] = []) {
  const perCapability = Object.fromEntries(
    Object.entries(models).map(([bit, ids]) => [
      Number(bit),
      create(Capabilities_CapabilityConstraintsSchema, {
        models: Object.fromEntries(
          ids.map((id) => [
            id,
            create(Capabilities_CapabilityConstraints_ModelConstraintSchema, { warm: true }),
          ]),
        ),
      }),
    ]),
  );
  return create(CapabilitiesSchema, {
    bitstring: capabilityBitstring(bits),
    mandatories: capabilityBitstring(mandatories),
    version: "0.9.1",
    constraints: { minVersion: "", PerCapability: perCapability },
  });
}

describe("goCapabilityRequest and goCompatible", () => {
  test("transcoding asks for the default set; AI for its bit and model, and only with a model", () => {
    expect(goCapabilityRequest({ capability: "transcode" })).toEqual({});
    expect(goCapabilityRequest({ capability: "upscale", modelId: "m" })).toEqual({
      bits: [CAP.Upscale],
      models: { [CAP.Upscale]: ["m"] },
    });
    expect(goCapabilityRequest({ capability: "upscale" })).toBeNull();
    expect(goCapabilityRequest({ capability: "no-such-pipeline", modelId: "m" })).toBeNull();
  });

  test("the default set covers transcoding; a missing bit does not", () => {
    const req = {};
    const want = gatewayCapabilities(req);
    expect(goCompatible(orchCaps([...DEFAULT_CAPABILITIES]), req, want)).toBe(true);
    expect(goCompatible(orchCaps(DEFAULT_CAPABILITIES.filter((b) => b !== CAP.AuthToken)), req, want)).toBe(
      false,
    );
    // A mandatory bit the gateway does not ask for refuses it.
    expect(goCompatible(orchCaps([...DEFAULT_CAPABILITIES, 15], {}, [15]), req, want)).toBe(false);
    // No capabilities at all: legacy transcoding only.
    expect(goCompatible(undefined, req, want)).toBe(true);
  });

  test("an AI request needs the bit and the very model", () => {
    const req = { bits: [CAP.Upscale], models: { [CAP.Upscale]: ["tiny/upscale"] } };
    const want = gatewayCapabilities(req);
    const bits = [...DEFAULT_CAPABILITIES, CAP.Upscale];
    expect(goCompatible(orchCaps(bits, { [CAP.Upscale]: ["tiny/upscale"] }), req, want)).toBe(true);
    expect(goCompatible(orchCaps(bits, { [CAP.Upscale]: ["other"] }), req, want)).toBe(false);
    expect(
      goCompatible(orchCaps([...DEFAULT_CAPABILITIES], { [CAP.Upscale]: ["tiny/upscale"] }), req, want),
    ).toBe(false);
    expect(goCompatible(undefined, req, want)).toBe(false);
  });
});
