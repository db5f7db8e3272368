// Hostile requests for the go-livepeer wire routes of the orchestrator (/segment, /payment, the AI
// routes, /stream/): seeded fast-check draws over broken Livepeer-Payment and Livepeer-Segment
// headers, content types and bodies. No draw carries a payment with a valid ticket, so no draw may
// book credit; each says, where it can, which refusal go-livepeer's order makes of it.
import { clone, create, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { keccak256 } from "viem";
import {
  AuthTokenSchema,
  type OrchestratorInfo,
  type Payment,
  PaymentSchema,
  type SegData,
  SegDataSchema,
} from "../../src/wire/go/gen/net/lp_rpc_pb.ts";
import {
  AI_WORKER_AUTH,
  encodePaymentHeader,
  encodeSegDataHeader,
  PAYMENT_HEADER,
  SEGMENT_HEADER,
} from "../../src/wire/go/headers.ts";
import { segDataHash, signHash } from "../../src/wire/go/signatures.ts";
import { GO_TEXT } from "../../src/wire/go/status.ts";
import { genesisAccount } from "./edge.ts";
import { GO_GATEWAY, goPayment, P144, segData } from "./go-wire.ts";

/** A header value, and the refusal its decoding alone must cause (undefined: it may decode). */
interface Part {
  label: string;
  value: string | undefined;
  /** 402 for a payment that cannot decode; 403 + text for a segment refused on its own. */
  expect?: { status: number; text?: string } | undefined;
  /** A payment known to decode (so the segment's refusal is the answer). */
  decodes?: boolean;
}

export interface WireFuzzCase {
  label: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The answer go-livepeer's order guarantees for this draw, when the draw decides it. */
  expect?: { status: number; text?: string } | undefined;
}

/** The manifest an AI request on /image-to-text credits, and the session a transcode one does. */
export const AI_MANIFEST = "34_tiny";
const STRANGER = genesisAccount(5);
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const flip = (b: Uint8Array, at: number) => {
  const c = b.slice();
  if (c.length > 0) c[at % c.length]! ^= 0x5a;
  return c;
};

/** Payments whose tickets never verify (a stranger's signatures on the gateway's tickets), and undecodable ones. */
async function payments(info: OrchestratorInfo): Promise<{ fixed: Part[]; base: Uint8Array }> {
  const forged = await goPayment(GO_GATEWAY, info, 2);
  const strangers = await goPayment(STRANGER, info, 2);
  forged.ticketSenderParams.forEach((t, i) => {
    t.sig = strangers.ticketSenderParams[i]!.sig;
  });
  const variant = (f: (p: Payment) => void) => {
    const p = clone(PaymentSchema, forged);
    f(p);
    return encodePaymentHeader(p);
  };
  const base = toBinary(PaymentSchema, forged);
  const undecodable = { status: 402 };
  return {
    base,
    fixed: [
      { label: "absent", value: undefined, decodes: true },
      { label: "empty (off-chain)", value: "", decodes: true },
      { label: "not base64", value: "not base64!", expect: undecodable },
      { label: "base64 without padding", value: "abc", expect: undecodable },
      {
        label: "URL-safe base64",
        value: `${b64(base).replaceAll("+", "-").replaceAll("/", "_")}-_`,
        expect: undecodable,
      },
      {
        label: "sender of 19 bytes",
        value: variant((p) => (p.sender = p.sender.slice(1))),
        expect: undecodable,
      },
      { label: "tickets signed by a stranger", value: encodePaymentHeader(forged), decodes: true },
      {
        label: "the stranger's own tickets on the gateway's params",
        value: encodePaymentHeader(strangers),
        decodes: true,
      },
      { label: "no tickets", value: variant((p) => (p.ticketSenderParams = [])), decodes: true },
      {
        label: "face value 2^256−1, winProb 2^256−1",
        value: variant((p) => {
          p.ticketParams!.faceValue = new Uint8Array(32).fill(0xff);
          p.ticketParams!.winProb = new Uint8Array(32).fill(0xff);
        }),
      },
      {
        label: "another recipient",
        value: variant((p) => (p.ticketParams!.recipient = new Uint8Array(20).fill(0x33))),
        decodes: true,
      },
      {
        label: "expected price of 2^62 per 0 pixels",
        value: variant((p) => {
          p.expectedPrice = { ...p.expectedPrice!, pricePerUnit: 2n ** 62n, pixelsPerUnit: 0n };
        }),
      },
      { label: "nonce 2^32−1", value: variant((p) => (p.ticketSenderParams[0]!.senderNonce = 0xffffffff)) },
      { label: "a SegData where the Payment goes", value: undefined },
    ],
  };
}

/** SegData headers: a valid one (gateway-signed, live token) and one broken field each. */
async function segments(info: OrchestratorInfo, body: Uint8Array) {
  const valid = await segData(GO_GATEWAY, { authToken: info.authToken!, seq: 1, body, profiles: [P144] });
  const resign = async (s: SegData, names = ["P144p30fps16x9"]) => {
    s.sig = await signHash(
      GO_GATEWAY,
      segDataHash({ manifestId: s.manifestId, seq: s.seq, hash: s.hash, profileNames: names }),
    );
    return s;
  };
  const copy = () => clone(SegDataSchema, valid);
  const ai = create(SegDataSchema, {
    manifestId: new TextEncoder().encode(AI_MANIFEST),
    seq: 0n,
    hash: keccak256(new Uint8Array(0), "bytes"),
    authToken: info.authToken!,
  });
  await resign(ai, []);
  const enc = (s: SegData) => encodeSegDataHeader(s);
  const forbidden = (text: string) => ({ status: 403, text });
  const noToken = copy();
  noToken.authToken = undefined;
  const forgedToken = copy();
  forgedToken.authToken = create(AuthTokenSchema, { ...info.authToken!, token: new Uint8Array(32) });
  const longer = await resign(Object.assign(copy(), { duration: 10 * 60_000 }));
  const negative = await resign(Object.assign(copy(), { duration: -1 }));
  const noProfiles = await resign(Object.assign(copy(), { fullProfiles: [] }), []);
  const hevc = copy();
  hevc.capabilities!.bitstring = [0x4005fffn | (1n << 16n)];
  const otherHash = await resign(Object.assign(copy(), { hash: keccak256(new Uint8Array([1]), "bytes") }));
  const fixed: Part[] = [
    // An absent header decodes as an empty SegData: no hash, so no signature can match.
    { label: "absent", value: undefined, expect: forbidden(GO_TEXT.segSig) },
    { label: "not base64", value: "%%%", expect: forbidden(GO_TEXT.segEncoding) },
    { label: "valid", value: enc(valid) },
    {
      label: "signed by a stranger",
      value: enc(await segData(STRANGER, { authToken: info.authToken!, seq: 1, body, profiles: [P144] })),
    },
    { label: "no auth token", value: enc(noToken) },
    { label: "forged auth token", value: enc(forgedToken) },
    { label: "duration 10 min", value: enc(longer) },
    { label: "duration −1", value: enc(negative) },
    { label: "no profiles", value: enc(noProfiles) },
    { label: "HEVC capability bit", value: enc(hevc) },
    { label: "hash of another body", value: enc(otherHash) },
    { label: "AI SegData", value: enc(ai) },
  ];
  return { fixed, base: toBinary(SegDataSchema, valid) };
}

const CONTENT_TYPES = [
  undefined,
  "video/MP2T",
  "application/vnd+livepeer.uri",
  "text/plain",
  "application/json",
  "multipart/form-data; boundary=fuzz",
  "application/x-protobuf",
];

/** The routes' body limits: 1 MiB on /payment (the others take go-livepeer's 300 MB). */
export const PAYMENT_BODY_LIMIT = 1024 * 1024;

/**
 * A seeded arbitrary of hostile wire requests. `clip` is a real segment (the valid SegData's hash
 * is of it). Headers are drawn from the fixed variants above, or from bytes: random, truncated or
 * bit-flipped encodings of the payment and segment (those may or may not decode, so they promise
 * no status, only the invariants).
 */
export async function wireFuzzCases(
  info: OrchestratorInfo,
  clip: Uint8Array,
): Promise<fc.Arbitrary<WireFuzzCase>> {
  const pay = await payments(info);
  const seg = await segments(info, clip);
  pay.fixed.at(-1)!.value = b64(seg.base);
  const bytesPart = (label: string, base: Uint8Array): fc.Arbitrary<Part> =>
    fc.oneof(
      fc.uint8Array({ maxLength: 96 }).map((b) => ({ label: `${label}: random bytes`, value: b64(b) })),
      fc.nat().map((n) => ({ label: `${label}: truncated`, value: b64(base.subarray(0, n % base.length)) })),
      fc.nat().map((n) => ({ label: `${label}: a byte flipped`, value: b64(flip(base, n)) })),
    );
  const part = (label: string, fixed: Part[], base: Uint8Array) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...fixed), weight: 6 },
      { arbitrary: bytesPart(label, base), weight: 1 },
    );
  const body = fc.oneof(
    fc.constant({ label: "the clip", bytes: clip }),
    fc.constant({ label: "empty", bytes: new Uint8Array(0) }),
    fc.uint8Array({ maxLength: 512 }).map((b) => ({ label: "junk", bytes: b })),
    fc.constant({ label: "JSON", bytes: new TextEncoder().encode('{"model_id":"tiny","prompt":"x"}') }),
    fc.constant({ label: "over the /payment limit", bytes: new Uint8Array(PAYMENT_BODY_LIMIT + 1) }),
  );
  return fc
    .record({
      path: fc.constantFrom("/segment", "/payment", "/image-to-text"),
      payment: part("payment", pay.fixed, pay.base),
      segment: part("segment", seg.fixed, seg.base),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      worker: fc.boolean(),
      body,
    })
    .map((d) => {
      const headers: Record<string, string> = {};
      if (d.payment.value !== undefined) headers[PAYMENT_HEADER.toLowerCase()] = d.payment.value;
      if (d.segment.value !== undefined) headers[SEGMENT_HEADER.toLowerCase()] = d.segment.value;
      if (d.contentType) headers["content-type"] = d.contentType;
      if (d.worker) headers.authorization = AI_WORKER_AUTH;
      // The body is read before the headers are judged: an oversized one is refused first.
      const expect =
        d.path === "/payment" && d.body.bytes.length > PAYMENT_BODY_LIMIT
          ? { status: 413 }
          : (d.payment.expect ?? (d.payment.decodes ? d.segment.expect : undefined));
      return {
        label: `${d.path} payment=${d.payment.label} segment=${d.segment.label} type=${d.contentType ?? "-"} body=${d.body.label}`,
        path: d.path,
        headers,
        body: d.body.bytes,
        expect,
      };
    });
}
