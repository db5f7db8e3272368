import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConnectError } from "@connectrpc/connect";
import { bytesToHex, keccak256 } from "viem";
import { transcodeResultHash, verifyHashSignature } from "../../../src/wire/go/signatures.ts";
import { GO_TEXT } from "../../../src/wire/go/status.ts";
import { genesisAccount } from "../../helpers/edge.ts";
import {
  GO_GATEWAY,
  type GoWireNode,
  goPayment,
  orchestratorClient,
  P144,
  P240,
  postSegment,
  segData,
  signedRequest,
  startGoWireNode,
  transcodeResult,
} from "../../helpers/go-wire.ts";
import { probeFrames } from "../../helpers/go-wire-probe.ts";
import { makeClip, tempDir } from "../../helpers/media.ts";

// go-livepeer's orchestrator wire over real TLS (self-signed, ALPN h2 + http/1.1), real gRPC,
// real tickets on the devnet and real FFmpeg renditions from a node-runner.

let node: GoWireNode;
let clip: Uint8Array;
const tmp = tempDir("go-wire-");

beforeAll(async () => {
  node = await startGoWireNode("https://127.0.0.1:0");
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
  );
}, 120_000);
afterAll(async () => {
  await node?.stop();
  tmp.cleanup();
}, 60_000);

describe("GetOrchestrator", () => {
  test("a signed request gets a full OrchestratorInfo with fresh params every time", async () => {
    const client = orchestratorClient(node.go.url);
    const a = await client.getOrchestrator(await signedRequest(GO_GATEWAY));
    const b = await client.getOrchestrator(await signedRequest(GO_GATEWAY));
    expect(a.transcoder).toBe(node.go.url);
    expect(a.transcoder.endsWith("/")).toBe(false);
    expect(bytesToHex(a.address)).toBe(node.go.context.hosted.address);
    expect(a.capabilities?.version).toBe("0.9.1");
    expect((a.capabilities?.bitstring[0] ?? 0n) & 0x4005fffn).toBe(0x4005fffn);
    expect(a.priceInfo?.pricePerUnit).toBe(1n);
    expect(a.ticketParams?.recipient.length).toBe(20);
    expect(a.ticketParams?.expirationParams?.creationRoundBlockHash.length).toBe(32);
    expect(a.authToken?.sessionId).not.toBe("");
    expect(Number(a.authToken?.expiration) * 1000).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(bytesToHex(a.ticketParams!.seed)).not.toBe(bytesToHex(b.ticketParams!.seed));
    expect(bytesToHex(a.ticketParams!.recipientRandHash)).not.toBe(
      bytesToHex(b.ticketParams!.recipientRandHash),
    );
  });

  test("a request signed by someone else is refused with go-livepeer's text", async () => {
    const req = await signedRequest(GO_GATEWAY);
    req.sig = (await signedRequest(genesisAccount(5))).sig;
    const err = await orchestratorClient(node.go.url)
      .getOrchestrator(req)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).rawMessage).toBe(GO_TEXT.reqSigCheckFailed);
  });

  test("Ping answers the orchestrator's signature of the value", async () => {
    const value = new Uint8Array(32).fill(7);
    const pong = await orchestratorClient(node.go.url).ping({ value });
    expect(
      await verifyHashSignature(keccak256(value, "bytes"), pong.value, node.go.context.hosted.address),
    ).toBe(true);
  });
});

describe("/segment", () => {
  test("paid segment: 200, renditions as /stream/ URLs with exact pixels, result signature, fresh info", async () => {
    const info = await orchestratorClient(node.go.url).getOrchestrator(await signedRequest(GO_GATEWAY));
    const seg = await segData(GO_GATEWAY, {
      authToken: info.authToken!,
      seq: 7,
      body: clip,
      profiles: [P144, P240],
    });
    const res = await postSegment(node.go.url, seg, await goPayment(GO_GATEWAY, info, 2), clip);
    expect(res.status).toBe(200);
    const result = transcodeResult(res.body);
    expect(result.seq).toBe(7n);
    expect(result.result.case).toBe("data");
    const data = result.result.value as { segments: { url: string; pixels: bigint }[]; sig: Uint8Array };
    expect(data.segments.length).toBe(2);
    const renditions: Uint8Array[] = [];
    for (const [i, s] of data.segments.entries()) {
      expect(s.url.startsWith(`${node.go.url}/stream/${info.authToken!.sessionId}/`)).toBe(true);
      // Downloads are HTTP/1.1 with verification off, as go-livepeer's DownloadData does.
      const dl = await fetch(s.url, { tls: { rejectUnauthorized: false } });
      expect(dl.status).toBe(200);
      const bytes = new Uint8Array(await dl.arrayBuffer());
      renditions.push(bytes);
      const file = join(tmp.dir, `r${i}.ts`);
      await Bun.write(file, bytes);
      const frames = await probeFrames(file);
      const profile = [P144, P240][i]!;
      expect(frames.every((f) => f.width === profile.width && f.height === profile.height)).toBe(true);
      expect(s.pixels).toBe(frames.reduce((sum, f) => sum + BigInt(f.width * f.height), 0n));
    }
    expect(
      await verifyHashSignature(transcodeResultHash(renditions), data.sig, node.go.context.hosted.address),
    ).toBe(true);
    expect(result.info?.authToken?.sessionId).toBe(info.authToken!.sessionId);
    expect(bytesToHex(result.info!.ticketParams!.seed)).not.toBe(bytesToHex(info.ticketParams!.seed));
  }, 120_000);
});
