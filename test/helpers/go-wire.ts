import { connect as h2connect } from "node:http2";
import { join } from "node:path";
import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { Subprocess } from "bun";
import { bytesToHex, hexToBytes, keccak256 } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { BuildOverrides } from "../../src/edge/bootstrap.ts";
import type { EdgeConfigInput } from "../../src/edge/config.ts";
import { type GoWireServer, startGoWireServer } from "../../src/edge/go-wire/server.ts";
import { ffprobePixelCounter } from "../../src/node-runner/ffmpeg/pixel-count.ts";
import { signTicket } from "../../src/protocol/signature.ts";
import { minimalBytesToBigInt } from "../../src/wire/go/bytes.ts";
import { CAP, capabilityBitstring, DEFAULT_CAPABILITIES } from "../../src/wire/go/capabilities.ts";
import {
  type AuthToken,
  Orchestrator,
  type OrchestratorInfo,
  OrchestratorRequestSchema,
  PaymentSchema,
  SegDataSchema,
  TranscodeResultSchema,
  VideoProfileSchema,
} from "../../src/wire/go/gen/net/lp_rpc_pb.ts";
import {
  AI_WORKER_AUTH,
  encodePaymentHeader,
  encodeSegDataHeader,
  PAYMENT_HEADER,
  SEGMENT_HEADER,
} from "../../src/wire/go/headers.ts";
import { orchestratorRequestHash, segDataHash, signHash } from "../../src/wire/go/signatures.ts";
import { genesisAccount, genesisKey, makeEdge, runnerOrchestratorConfig, type TestEdge } from "./edge.ts";

type VideoProfileInit = MessageInitShape<typeof VideoProfileSchema>;

// A go-livepeer-style gateway written from the wire's rules, and an orchestrator edge with its
// go-wire listener and a real node-runner, for the go-wire tests and benches.

const ROOT = new URL("../..", import.meta.url).pathname;

export interface GoWireNode {
  edge: TestEdge;
  go: GoWireServer;
  /** The edge's HTTP address, where runners register. */
  edgeUrl: string;
  runner: Subprocess<"ignore", "pipe", "inherit"> | null;
  stop(): Promise<void>;
}

/** A node-runner child registered with the edge at `edgeUrl`, returned once it says it is ready. */
export async function spawnReadyRunner(
  edgeUrl: string,
  token: string,
  modelsDir: string,
): Promise<Subprocess<"ignore", "pipe", "inherit">> {
  const runner = Bun.spawn(
    [
      process.execPath,
      join(ROOT, "src/node-runner/main.ts"),
      "--edge",
      edgeUrl,
      "--token",
      token,
      "--capacity",
      "1",
      "--models",
      modelsDir,
      "--poll-ms",
      "2000",
    ],
    { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "inherit" },
  );
  const reader = runner.stdout.getReader();
  let text = "";
  while (!text.includes('"runner ready"')) {
    const { value, done } = await reader.read();
    if (done) throw new Error("node-runner exited before it was ready");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  void runner.stdout.pipeTo(new WritableStream()).catch(() => undefined);
  return runner;
}

/** An orchestrator edge (genesis orchestrator 1, transcode priced 1/1), its go-wire listener, and a runner. */
export async function startGoWireNode(
  serviceUri: string,
  options: {
    runner?: boolean;
    prices?: { capability: string; pricePerUnit: string; pixelsPerUnit: string }[];
    /** Ticket face value = EV (winProb 2^256 − 1): every ticket wins and is redeemable. */
    winningFaceValue?: bigint;
    /** The queue's settings (a short lease, say). */
    jobs?: EdgeConfigInput["jobs"];
  } = {},
): Promise<GoWireNode> {
  const token = `go-wire-runner-token-${crypto.randomUUID()}`;
  const base = runnerOrchestratorConfig(token);
  const face = options.winningFaceValue?.toString();
  const edge = await makeEdge({
    ...base,
    orchestrators: base.orchestrators!.map((o) => ({
      ...o,
      ...(options.prices ? { prices: options.prices } : {}),
      ...(face ? { ticket: { ev: face, maxFaceValue: face } } : {}),
    })),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  });
  const http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => edge.app.fetch(req) });
  const go = await startGoWireServer({ deps: edge.deps, serviceUri, countPixels: ffprobePixelCounter() });
  let runner: Subprocess<"ignore", "pipe", "inherit"> | null = null;
  if (options.runner !== false) {
    runner = await spawnReadyRunner(`http://127.0.0.1:${http.port}`, token, join(edge.dir, "models"));
  }
  return {
    edge,
    go,
    edgeUrl: `http://127.0.0.1:${http.port}`,
    runner,
    async stop() {
      if (runner && runner.exitCode === null) {
        runner.kill("SIGTERM");
        await runner.exited;
      }
      await go.close();
      http.stop(true);
      await edge.close();
    },
  };
}

/** An orchestrator node as startGoWireNode makes it, and a gateway edge paying it. */
export interface GoWirePair {
  orch: TestEdge;
  gw: TestEdge;
  go: GoWireServer;
  /** The orchestrator edge's HTTP address, where runners register. */
  orchUrl: string;
  /** The runner process (null with `runner: false`: the test brings its own). */
  runner: Subprocess<"ignore", "pipe", "inherit"> | null;
  stop(): Promise<void>;
}

/**
 * startGoWireNode with every ticket a winner, and a gateway edge (genesis account 0 as sender) on
 * the orchestrator's database, hence on its devnet. `gateway` adds to the gateway's config (its
 * goWire block, say); the gateway closes first, so its go sessions end while the listener is up.
 */
export async function startGoWirePair(
  serviceUri: string,
  options: {
    winningFaceValue: bigint;
    gateway?: (go: GoWireServer) => Omit<NonNullable<EdgeConfigInput["gateway"]>, "senderPrivateKey">;
    overrides?: BuildOverrides;
    /** false: no runner process is started. */
    runner?: boolean;
  },
): Promise<GoWirePair> {
  const node = await startGoWireNode(serviceUri, {
    winningFaceValue: options.winningFaceValue,
    ...(options.runner === false ? { runner: false } : {}),
  });
  const gw = await makeEdge(
    { roles: ["gateway"], gateway: { senderPrivateKey: genesisKey(0), ...options.gateway?.(node.go) } },
    { dbUrl: node.edge.dbUrl, ...(options.overrides ? { overrides: options.overrides } : {}) },
  );
  return {
    orch: node.edge,
    gw,
    go: node.go,
    orchUrl: node.edgeUrl,
    runner: node.runner,
    async stop() {
      await gw.close();
      await node.stop();
    },
  };
}

/** The gateway account the devnet genesis funds (deposit and reserve). */
export const GO_GATEWAY: PrivateKeyAccount = genesisAccount(0);
export { genesisKey };

/** gRPC client of net.Orchestrator, TLS unverified (as go-livepeer gateways dial) or h2c. */
export function orchestratorClient(url: string) {
  return createClient(
    Orchestrator,
    createGrpcTransport({ baseUrl: url, nodeOptions: { rejectUnauthorized: false } }),
  );
}

export async function signedRequest(
  account: PrivateKeyAccount,
  caps = capabilityBitstring(DEFAULT_CAPABILITIES),
) {
  return create(OrchestratorRequestSchema, {
    address: hexToBytes(account.address),
    sig: await signHash(account, orchestratorRequestHash(account.address)),
    capabilities: { bitstring: caps, version: "0.9.1" },
  });
}

/** A Payment of `n` tickets on the info's params, nonces from `firstNonce`, expected price = price_info. */
export async function goPayment(
  account: PrivateKeyAccount,
  info: OrchestratorInfo,
  n: number,
  firstNonce = 1,
) {
  const tp = info.ticketParams!;
  const exp = tp.expirationParams!;
  const ticket = (nonce: number) => ({
    recipient: bytesToHex(tp.recipient),
    sender: account.address.toLowerCase() as `0x${string}`,
    faceValue: minimalBytesToBigInt(tp.faceValue),
    winProb: minimalBytesToBigInt(tp.winProb),
    senderNonce: BigInt(nonce),
    recipientRandHash: bytesToHex(tp.recipientRandHash),
    creationRound: exp.creationRound,
    creationRoundBlockHash: bytesToHex(exp.creationRoundBlockHash),
  });
  const senderParams = [];
  for (let i = 0; i < n; i++) {
    senderParams.push({
      senderNonce: firstNonce + i,
      sig: hexToBytes(await signTicket(account, ticket(firstNonce + i))),
    });
  }
  return create(PaymentSchema, {
    ticketParams: { ...tp, expirationParams: undefined },
    sender: hexToBytes(account.address),
    expirationParams: exp,
    ticketSenderParams: senderParams,
    expectedPrice: info.priceInfo!,
  });
}

export const P144: VideoProfileInit = {
  name: "P144p30fps16x9",
  width: 256,
  height: 144,
  bitrate: 200_000,
  fps: 30,
  fpsDen: 1,
};
export const P240: VideoProfileInit = {
  name: "P240p30fps16x9",
  width: 426,
  height: 240,
  bitrate: 600_000,
  fps: 30,
  fpsDen: 1,
};

/**
 * The headers of a paid JSON AI request as go-livepeer's gateway sends them: fresh info from the
 * orchestrator at `url`, a SegData for `manifestId` ("<cap>_<model>") signed by the gateway, one
 * ticket with nonce `nonce`, and the AI worker's Authorization.
 */
export async function paidAiHeaders(
  url: string,
  manifestId: string,
  nonce: number,
): Promise<Record<string, string>> {
  const i = await orchestratorClient(url).getOrchestrator(await signedRequest(GO_GATEWAY));
  const seg = create(SegDataSchema, {
    manifestId: new TextEncoder().encode(manifestId),
    seq: 0n,
    hash: keccak256(new Uint8Array(0), "bytes"),
    authToken: i.authToken!,
  });
  seg.sig = await signHash(
    GO_GATEWAY,
    segDataHash({ manifestId: seg.manifestId, seq: 0n, hash: seg.hash, profileNames: [] }),
  );
  const payment = await goPayment(GO_GATEWAY, i, 1, nonce);
  return {
    "content-type": "application/json",
    [SEGMENT_HEADER.toLowerCase()]: encodeSegDataHeader(seg),
    [PAYMENT_HEADER.toLowerCase()]: encodePaymentHeader(payment),
    authorization: AI_WORKER_AUTH,
  };
}

/** A signed SegData for `body`. */
export async function segData(
  account: PrivateKeyAccount,
  input: {
    authToken: AuthToken;
    seq: number;
    body: Uint8Array;
    profiles: VideoProfileInit[];
    durationMs?: number;
  },
) {
  const manifestId = new TextEncoder().encode(input.authToken.sessionId);
  const hash = keccak256(input.body, "bytes");
  const sig = await signHash(
    account,
    segDataHash({
      manifestId,
      seq: BigInt(input.seq),
      hash,
      profileNames: input.profiles.map((p) => p.name!),
    }),
  );
  return create(SegDataSchema, {
    manifestId,
    seq: BigInt(input.seq),
    hash,
    profiles: new TextEncoder().encode("invalid"),
    sig,
    duration: input.durationMs ?? 1000,
    capabilities: {
      bitstring: capabilityBitstring([...DEFAULT_CAPABILITIES, CAP.AuthToken]),
      version: "0.9.1",
    },
    authToken: input.authToken,
    fullProfiles: input.profiles.map((p) => create(VideoProfileSchema, p)),
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** One HTTP/2 request (TLS unverified, or h2c for http:// URLs), as go's segment client sends it. */
export function h2Request(
  url: string,
  input: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = h2connect(url, { rejectUnauthorized: false });
    session.once("error", reject);
    const req = session.request({ ":method": input.method ?? "POST", ":path": input.path, ...input.headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    req.on("response", (h) => {
      status = Number(h[":status"]);
      headers = h as Record<string, string | string[] | undefined>;
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      session.close();
      resolve({ status, headers, body: new Uint8Array(Buffer.concat(chunks)) });
    });
    req.on("error", reject);
    req.end(input.body ? Buffer.from(input.body) : undefined);
  });
}

/** POST /segment with the two headers, over HTTP/2. */
export async function postSegment(
  url: string,
  seg: ReturnType<typeof create<typeof SegDataSchema>>,
  payment: ReturnType<typeof create<typeof PaymentSchema>> | null,
  body: Uint8Array,
) {
  return h2Request(url, {
    path: "/segment",
    headers: {
      "content-type": "video/MP2T",
      "livepeer-segment": encodeSegDataHeader(seg),
      "livepeer-payment": payment ? encodePaymentHeader(payment) : "",
    },
    body,
  });
}

export function transcodeResult(body: Uint8Array) {
  return fromBinary(TranscodeResultSchema, body);
}
