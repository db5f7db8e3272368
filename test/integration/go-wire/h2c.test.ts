import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { transcodeResultHash, verifyHashSignature } from "../../../src/wire/go/signatures.ts";
import {
  GO_GATEWAY,
  type GoWireNode,
  goPayment,
  orchestratorClient,
  P144,
  postSegment,
  segData,
  signedRequest,
  startGoWireNode,
  transcodeResult,
} from "../../helpers/go-wire.ts";
import { makeClip, tempDir } from "../../helpers/media.ts";

// An http:// service URI: gRPC and /segment over h2c with prior knowledge, downloads over plain
// HTTP/1.1, all on one port.

let node: GoWireNode;
let clip: Uint8Array;
const tmp = tempDir("go-wire-h2c-");

beforeAll(async () => {
  node = await startGoWireNode("http://127.0.0.1:0");
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
  );
}, 120_000);
afterAll(async () => {
  await node?.stop();
  tmp.cleanup();
}, 60_000);

test("h2c: GetOrchestrator, a paid segment, and HTTP/1.1 downloads on one clear-text port", async () => {
  expect(node.go.url.startsWith("http://")).toBe(true);
  const info = await orchestratorClient(node.go.url).getOrchestrator(await signedRequest(GO_GATEWAY));
  expect(info.transcoder).toBe(node.go.url);
  const seg = await segData(GO_GATEWAY, { authToken: info.authToken!, seq: 1, body: clip, profiles: [P144] });
  const res = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, info, 2), clip);
  expect(res.status).toBe(200);
  const result = transcodeResult(res.body);
  expect(result.result.case).toBe("data");
  const data = result.result.value as { segments: { url: string; pixels: bigint }[]; sig: Uint8Array };
  const dl = await fetch(data.segments[0]!.url);
  expect(dl.status).toBe(200);
  const bytes = new Uint8Array(await dl.arrayBuffer());
  expect(data.segments[0]!.pixels).toBeGreaterThan(0n);
  expect(
    await verifyHashSignature(transcodeResultHash([bytes]), data.sig, node.go.context.hosted.address),
  ).toBe(true);
}, 120_000);
