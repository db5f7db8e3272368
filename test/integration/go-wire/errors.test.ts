import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { keccak256 } from "viem";
import { enqueueJob } from "../../../src/edge/services/jobs/queue.ts";
import { AuthTokenSchema, PaymentSchema, SegDataSchema } from "../../../src/wire/go/gen/net/lp_rpc_pb.ts";
import {
  AI_WORKER_AUTH,
  encodePaymentHeader,
  encodeSegDataHeader,
  PAYMENT_HEADER,
  SEGMENT_HEADER,
} from "../../../src/wire/go/headers.ts";
import { segDataHash, signHash } from "../../../src/wire/go/signatures.ts";
import { GO_TEXT } from "../../../src/wire/go/status.ts";
import { genesisAccount } from "../../helpers/edge.ts";
import {
  GO_GATEWAY,
  type GoWireNode,
  goPayment,
  h2Request,
  orchestratorClient,
  P144,
  postSegment,
  segData,
  signedRequest,
  startGoWireNode,
} from "../../helpers/go-wire.ts";
import { makeClip, tempDir } from "../../helpers/media.ts";

// Every refusal of the orchestrator wire, with go-livepeer's status and text (gateways match on
// the text to retry or fail over). None of these reaches a runner, so none is started.

let node: GoWireNode;
let clip: Uint8Array;
const tmp = tempDir("go-wire-err-");

beforeAll(async () => {
  node = await startGoWireNode("https://127.0.0.1:0", {
    runner: false,
    prices: [
      { capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" },
      { capability: "image-to-text", pricePerUnit: "1", pixelsPerUnit: "1" },
    ],
  });
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 160, height: 120, seconds: 1, audio: false })),
  );
}, 120_000);
afterAll(async () => {
  await node?.stop();
  tmp.cleanup();
}, 60_000);

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const info = async () => orchestratorClient(node.go.url).getOrchestrator(await signedRequest(GO_GATEWAY));

describe("/segment refusals", () => {
  test("402: a Livepeer-Payment that does not decode", async () => {
    const i = await info();
    const seg = await segData(GO_GATEWAY, { authToken: i.authToken!, seq: 1, body: clip, profiles: [P144] });
    const res = await h2Request(node.go.url, {
      path: "/segment",
      headers: { [PAYMENT_HEADER.toLowerCase()]: "not base64!", [SEGMENT_HEADER.toLowerCase()]: "" },
      body: clip,
    });
    expect(res.status).toBe(402);
    expect(text(res.body).endsWith("\n")).toBe(true);
    void seg;
  });

  test("403 ErrorSegEncoding: a Livepeer-Segment that does not decode", async () => {
    const res = await h2Request(node.go.url, {
      path: "/segment",
      headers: { [PAYMENT_HEADER.toLowerCase()]: "", [SEGMENT_HEADER.toLowerCase()]: "%%%" },
      body: clip,
    });
    expect(res.status).toBe(403);
    expect(text(res.body)).toBe(`${GO_TEXT.segEncoding}\n`);
  });

  test("403 ErrSegSig: SegData signed by another account than the payment's sender", async () => {
    const i = await info();
    const seg = await segData(genesisAccount(5), {
      authToken: i.authToken!,
      seq: 1,
      body: clip,
      profiles: [P144],
    });
    const res = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, i, 1), clip);
    expect(res.status).toBe(403);
    expect(text(res.body)).toBe(`${GO_TEXT.segSig}\n`);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });

  test("403: missing, forged auth tokens", async () => {
    const i = await info();
    const noToken = await segData(GO_GATEWAY, {
      authToken: i.authToken!,
      seq: 1,
      body: clip,
      profiles: [P144],
    });
    noToken.authToken = undefined;
    const r1 = await postSegment(node.go.url, noToken, await goPayment(GO_GATEWAY, i, 1), clip);
    expect([r1.status, text(r1.body)]).toEqual([403, `${GO_TEXT.missingAuthToken}\n`]);
    const forged = create(AuthTokenSchema, { ...i.authToken!, token: new Uint8Array(32) });
    const seg = await segData(GO_GATEWAY, { authToken: forged, seq: 1, body: clip, profiles: [P144] });
    const r2 = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, i, 1), clip);
    expect([r2.status, text(r2.body)]).toEqual([403, `${GO_TEXT.invalidAuthToken}\n`]);
  });

  test("403 incompatible capabilities: a bit this node does not serve", async () => {
    const i = await info();
    const seg = await segData(GO_GATEWAY, { authToken: i.authToken!, seq: 1, body: clip, profiles: [P144] });
    seg.capabilities!.bitstring = [0x4005fffn | (1n << 16n)]; // HEVC encode
    const res = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, i, 1), clip);
    expect([res.status, text(res.body)]).toEqual([403, `${GO_TEXT.capCompat}\n`]);
  });

  test("400 Insufficient balance: no tickets and no credit on this session", async () => {
    const i = await info();
    const seg = await segData(GO_GATEWAY, { authToken: i.authToken!, seq: 1, body: clip, profiles: [P144] });
    const empty = create(PaymentSchema, {
      sender: (await goPayment(GO_GATEWAY, i, 1)).sender,
      expectedPrice: i.priceInfo!,
    });
    const res = await postSegment(node.go.url, seg, empty, clip);
    expect([res.status, text(res.body)]).toEqual([400, `${GO_TEXT.insufficientBalance}\n`]);
  });

  test("400 invalid ticket senderNonce: the same tickets twice", async () => {
    const i = await info();
    const payment = await goPayment(GO_GATEWAY, i, 1);
    const seg = await segData(GO_GATEWAY, { authToken: i.authToken!, seq: 1, body: clip, profiles: [P144] });
    // The first is credited, then its body hash fails (403 Forbidden): nothing is transcoded.
    const first = await postSegment(node.go.url, seg, payment, new Uint8Array([1, 2, 3]));
    expect([first.status, text(first.body)]).toEqual([403, `${GO_TEXT.forbidden}\n`]);
    const again = await postSegment(node.go.url, seg, payment, clip);
    expect(again.status).toBe(400);
    expect(text(again.body).toLowerCase().startsWith("invalid ticket sendernonce")).toBe(true);
  });

  test("400 invalid recipientRand: the params bound to another price", async () => {
    const i = await info();
    i.priceInfo!.pricePerUnit = 2n; // pays more, but the recipientRand was bound to 1/1
    const seg = await segData(GO_GATEWAY, { authToken: i.authToken!, seq: 1, body: clip, profiles: [P144] });
    const res = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, i, 1), clip);
    expect(res.status).toBe(400);
    expect(text(res.body).startsWith(GO_TEXT.invalidRecipientRand)).toBe(true);
  });

  test("400 invalid ticket signature", async () => {
    const i = await info();
    const payment = await goPayment(GO_GATEWAY, i, 1);
    payment.ticketSenderParams[0]!.sig = (await goPayment(genesisAccount(5), i, 1))
      .ticketSenderParams[0]!.sig;
    const seg = await segData(GO_GATEWAY, { authToken: i.authToken!, seq: 1, body: clip, profiles: [P144] });
    const res = await postSegment(node.go.url, seg, payment, clip);
    expect(res.status).toBe(400);
    expect(text(res.body).startsWith(GO_TEXT.invalidTicketSignature)).toBe(true);
  });

  test("unknown routes answer Go's 404 text; a missing stream file is 404", async () => {
    const r = await h2Request(node.go.url, { method: "GET", path: "/nope" });
    expect([r.status, text(r.body)]).toEqual([404, "404 page not found\n"]);
    const s = await fetch(`${node.go.url}/stream/none/P144p30fps16x9/1.ts`, {
      tls: { rejectUnauthorized: false },
    });
    expect(s.status).toBe(404);
  });
});

describe("AI route refusals", () => {
  async function aiRequest(modelId: string) {
    const i = await info();
    const seg = create(SegDataSchema, {
      manifestId: new TextEncoder().encode(`34_${modelId}`),
      seq: 0n,
      hash: keccak256(new Uint8Array(0), "bytes"),
      authToken: i.authToken!,
    });
    seg.sig = await signHash(
      GO_GATEWAY,
      segDataHash({ manifestId: seg.manifestId, seq: 0n, hash: seg.hash, profileNames: [] }),
    );
    const form = new FormData();
    form.set("model_id", modelId);
    form.set("image", new Blob([clip as Uint8Array<ArrayBuffer>], { type: "image/png" }), "i.png");
    const req = new Request("http://x", { method: "POST", body: form });
    return h2Request(node.go.url, {
      path: "/image-to-text",
      headers: {
        "content-type": req.headers.get("content-type")!,
        [SEGMENT_HEADER.toLowerCase()]: encodeSegDataHeader(seg),
        [PAYMENT_HEADER.toLowerCase()]: encodePaymentHeader(await goPayment(GO_GATEWAY, i, 1)),
        authorization: AI_WORKER_AUTH,
      },
      body: new Uint8Array(await req.arrayBuffer()),
    });
  }

  test("403 for a model no runner advertises; 503 insufficient capacity when every slot is taken", async () => {
    const token = node.edge.deps.config.orchestrators[0]!.runnerTokens[0]!;
    const reg = await node.edge.app.request("/runner/v1/register", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        ffmpeg: null,
        gpus: [],
        onnx: [],
        models: [{ pipeline: "image-to-text", modelId: "tiny", warm: true }],
        capabilities: ["image-to-text"],
        capacity: 1,
      }),
    });
    expect(reg.status).toBe(200);
    const unknown = await aiRequest("not-a-model");
    expect([unknown.status, text(unknown.body)]).toEqual([403, `${GO_TEXT.capCompat}\n`]);
    // The one slot is held by a queued job that this runner never leases.
    await enqueueJob(node.edge.deps, {
      orchestrator: node.go.context.hosted.address,
      spec: { kind: "ai", pipeline: "image-to-text", modelId: "tiny", files: {}, params: {} },
      inputs: [],
    });
    const busy = await aiRequest("tiny");
    expect([busy.status, text(busy.body)]).toEqual([503, `${GO_TEXT.insufficientCapacity}\n`]);
  });
});
