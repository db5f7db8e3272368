import { describe, expect, test } from "bun:test";
import {
  create,
  type DescMessage,
  equals,
  fromBinary,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  AuthTokenSchema,
  Capabilities_CapabilityConstraints_ModelConstraintSchema,
  Capabilities_CapabilityConstraintsSchema,
  Capabilities_ConstraintsSchema,
  CapabilitiesSchema,
  EndTranscodingSessionRequestSchema,
  EndTranscodingSessionResponseSchema,
  GPUComputeInfoSchema,
  HardwareInformationSchema,
  OrchestratorInfoSchema,
  OrchestratorRequestSchema,
  OSInfo_StorageType,
  OSInfoSchema,
  PaymentResultSchema,
  PaymentSchema,
  PingPongSchema,
  PriceInfoSchema,
  S3OSInfoSchema,
  SegDataSchema,
  SegParametersSchema,
  TicketExpirationParamsSchema,
  TicketParamsSchema,
  TicketSenderParamsSchema,
  TranscodeDataSchema,
  TranscodedSegmentDataSchema,
  TranscodeResultSchema,
  VideoProfile_Format,
  VideoProfile_Profile,
  VideoProfileSchema,
} from "../../../../src/wire/go/gen/net/lp_rpc_pb.ts";

// Every message of the hop survives encode → decode with every field set to a non-default value.

const b = (n: number, fill: number) => new Uint8Array(n).fill(fill);

const caps = {
  bitstring: [0x4005fffn, 1n << 33n],
  mandatories: [1n << 12n],
  capacities: { 27: 2, 33: 1 },
  version: "0.9.1",
  constraints: {
    minVersion: "0.8.0",
    PerCapability: {
      27: {
        models: {
          "stabilityai/sd-turbo": { warm: true, capacity: 2, runnerVersion: "0.14.1", capacityInUse: 1 },
        },
      },
    },
  },
};
const ticketParams = {
  recipient: b(20, 1),
  faceValue: b(8, 2),
  winProb: b(32, 3),
  recipientRandHash: b(32, 4),
  seed: b(32, 5),
  expirationBlock: b(3, 6),
  expirationParams: { creationRound: 12n, creationRoundBlockHash: b(32, 7) },
};
const price = { pricePerUnit: 1200n, pixelsPerUnit: 3n, capability: 27, constraint: "stabilityai/sd-turbo" };
const authToken = { token: b(32, 8), sessionId: "sess-1", expiration: 1_900_000_000n };
const storage = {
  storageType: OSInfo_StorageType.S3,
  s3info: { host: "h", key: "k", policy: "p", signature: "s", credential: "c", xAmzDate: "d" },
};
const profile = {
  name: "P240p30fps16x9",
  width: 426,
  height: 240,
  bitrate: 250_000,
  fps: 30,
  format: VideoProfile_Format.MP4,
  fpsDen: 1,
  profile: VideoProfile_Profile.H264_MAIN,
  gop: 2000,
  encoder: 1,
  colorDepth: 8,
  chromaFormat: 1,
  quality: 23,
};
const info = {
  transcoder: "https://127.0.0.1:8935",
  ticketParams,
  priceInfo: price,
  address: b(20, 9),
  capabilities: caps,
  authToken,
  hardware: [
    {
      pipeline: "text-to-image",
      modelId: "m",
      gpuInfo: { "0": { id: "gpu0", name: "H200", major: 9, minor: 0, memoryFree: 10n, memoryTotal: 20n } },
    },
  ],
  storage: [storage],
  capabilitiesPrices: [price],
  nodes: ["https://127.0.0.2:8935"],
};

function roundTrip<D extends DescMessage>(schema: D, init: MessageInitShape<D>) {
  const msg = create(schema, init);
  const bytes = toBinary(schema, msg);
  expect(bytes.length).toBeGreaterThan(0);
  const back = fromBinary(schema, bytes);
  expect(equals(schema, back, msg)).toBe(true);
  expect(toBinary(schema, back)).toEqual(bytes);
}

describe("go-livepeer protobuf messages round-trip", () => {
  const cases: [string, () => void][] = [
    ["PingPong", () => roundTrip(PingPongSchema, { value: b(32, 1) })],
    ["EndTranscodingSessionRequest", () => roundTrip(EndTranscodingSessionRequestSchema, { authToken })],
    [
      "OrchestratorRequest",
      () =>
        roundTrip(OrchestratorRequestSchema, {
          address: b(20, 1),
          sig: b(65, 2),
          capabilities: caps,
          ignoreCapacityCheck: true,
        }),
    ],
    ["OrchestratorInfo", () => roundTrip(OrchestratorInfoSchema, info)],
    ["AuthToken", () => roundTrip(AuthTokenSchema, authToken)],
    ["PriceInfo", () => roundTrip(PriceInfoSchema, price)],
    ["Capabilities", () => roundTrip(CapabilitiesSchema, caps)],
    ["Capabilities.Constraints", () => roundTrip(Capabilities_ConstraintsSchema, caps.constraints)],
    [
      "Capabilities.CapabilityConstraints",
      () => roundTrip(Capabilities_CapabilityConstraintsSchema, caps.constraints.PerCapability[27]),
    ],
    [
      "ModelConstraint",
      () =>
        roundTrip(Capabilities_CapabilityConstraints_ModelConstraintSchema, {
          warm: true,
          capacity: 3,
          runnerVersion: "0.14.1",
          capacityInUse: 2,
        }),
    ],
    ["TicketParams", () => roundTrip(TicketParamsSchema, ticketParams)],
    ["TicketSenderParams", () => roundTrip(TicketSenderParamsSchema, { senderNonce: 7, sig: b(65, 1) })],
    ["TicketExpirationParams", () => roundTrip(TicketExpirationParamsSchema, ticketParams.expirationParams)],
    [
      "Payment",
      () =>
        roundTrip(PaymentSchema, {
          ticketParams,
          sender: b(20, 3),
          expirationParams: ticketParams.expirationParams,
          ticketSenderParams: [
            { senderNonce: 1, sig: b(65, 1) },
            { senderNonce: 2, sig: b(65, 2) },
          ],
          expectedPrice: price,
        }),
    ],
    [
      "SegData",
      () =>
        roundTrip(SegDataSchema, {
          manifestId: new TextEncoder().encode("manifest"),
          seq: 42n,
          hash: b(32, 1),
          profiles: new TextEncoder().encode("invalid"),
          sig: b(65, 2),
          duration: 2000,
          capabilities: caps,
          authToken,
          calcPerceptualHash: true,
          storage: [storage],
          fullProfiles: [profile],
          fullProfiles2: [profile],
          fullProfiles3: [profile],
          segmentParameters: { from: 100n, to: 1900n },
          ForceSessionReinit: true,
        }),
    ],
    ["SegParameters", () => roundTrip(SegParametersSchema, { from: 1n, to: 2n })],
    ["VideoProfile", () => roundTrip(VideoProfileSchema, profile)],
    [
      "TranscodeResult (data)",
      () =>
        roundTrip(TranscodeResultSchema, {
          seq: 3n,
          result: {
            case: "data",
            value: { segments: [{ url: "u", pixels: 123n, perceptualHashUrl: "p" }], sig: b(65, 1) },
          },
          info,
        }),
    ],
    [
      "TranscodeResult (error)",
      () =>
        roundTrip(TranscodeResultSchema, {
          seq: 3n,
          result: { case: "error", value: "OrchestratorBusy" },
          info,
        }),
    ],
    [
      "TranscodeData",
      () => roundTrip(TranscodeDataSchema, { segments: [{ url: "u", pixels: 1n }], sig: b(65, 1) }),
    ],
    [
      "TranscodedSegmentData",
      () => roundTrip(TranscodedSegmentDataSchema, { url: "u", pixels: 5n, perceptualHashUrl: "h" }),
    ],
    ["PaymentResult", () => roundTrip(PaymentResultSchema, { info })],
    ["OSInfo", () => roundTrip(OSInfoSchema, storage)],
    ["S3OSInfo", () => roundTrip(S3OSInfoSchema, storage.s3info)],
    ["HardwareInformation", () => roundTrip(HardwareInformationSchema, info.hardware[0]!)],
    [
      "GPUComputeInfo",
      () =>
        roundTrip(GPUComputeInfoSchema, {
          id: "a",
          name: "b",
          major: 1,
          minor: 2,
          memoryFree: 3n,
          memoryTotal: 4n,
        }),
    ],
  ];
  for (const [name, run] of cases) test(name, run);

  test("EndTranscodingSessionResponse is empty on the wire", () => {
    expect(
      toBinary(EndTranscodingSessionResponseSchema, create(EndTranscodingSessionResponseSchema)),
    ).toEqual(new Uint8Array(0));
  });
});
