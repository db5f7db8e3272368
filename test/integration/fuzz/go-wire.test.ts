import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { OrchestratorInfo } from "../../../src/wire/go/gen/net/lp_rpc_pb.ts";
import { encodePaymentHeader, encodeSegDataHeader } from "../../../src/wire/go/headers.ts";
import { GO_TEXT } from "../../../src/wire/go/status.ts";
import { diffSnapshots, FUZZ_SEED, stateSnapshot } from "../../helpers/fuzz.ts";
import {
  GO_GATEWAY,
  type GoWireNode,
  goPayment,
  h2Request,
  orchestratorClient,
  segData,
  signedRequest,
  startGoWireNode,
} from "../../helpers/go-wire.ts";
import { AI_MANIFEST, type WireFuzzCase, wireFuzzCases } from "../../helpers/go-wire-fuzz.ts";
import { makeClip, tempDir } from "../../helpers/media.ts";

// The go-livepeer wire routes of the orchestrator (/segment, /payment, /image-to-text) under
// seeded hostile requests: broken Livepeer-Payment and Livepeer-Segment headers (undecodable,
// truncated, bit-flipped, forged tickets, forged or missing auth tokens, wrong durations and
// capabilities), wrong content types, junk and oversized bodies. Every answer must be one of
// go-livepeer's refusals as Go's http.Error writes it (text/plain, the text and a newline), never
// a 500 or a 200, must match the refusal go-livepeer's check order makes of the draw where the draw
// decides it, and must book no credit: not one database row, not one wei on a session.

const RUNS = 200;

let node: GoWireNode;
let clip: Uint8Array;
let info: OrchestratorInfo;
const tmp = tempDir("fuzz-go-wire-");

beforeAll(async () => {
  // No runner: nothing here may reach one (an AI model nobody advertises is refused with 403).
  node = await startGoWireNode("http://127.0.0.1:0", { runner: false });
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 160, height: 120, seconds: 1, audio: false })),
  );
  info = await orchestratorClient(node.go.url).getOrchestrator(await signedRequest(GO_GATEWAY));
}, 120_000);
afterAll(async () => {
  await node?.stop();
  tmp.cleanup();
}, 60_000);

const text = (b: Uint8Array) => new TextDecoder().decode(b);
/** Every go-livepeer refusal text a 403 may carry on these routes. */
const TEXTS_403 = new Set<string>([
  GO_TEXT.segEncoding,
  GO_TEXT.segSig,
  GO_TEXT.capCompat,
  GO_TEXT.missingAuthToken,
  GO_TEXT.invalidAuthToken,
  GO_TEXT.expiredAuthToken,
  GO_TEXT.invalidDuration,
  GO_TEXT.forbidden,
]);

/** The texts a 400 starts with on /segment and /payment: ProcessPayment's and the balance check's. */
const TEXTS_400 = [
  GO_TEXT.insufficientBalance,
  GO_TEXT.ticketParamsExpired,
  GO_TEXT.nonceAlreadySeen,
  GO_TEXT.nonceTooMany,
  GO_TEXT.invalidRecipientRand,
  GO_TEXT.invalidTicketSignature,
  GO_TEXT.invalidTicketRecipient,
  GO_TEXT.invalidTicketFaceValue,
  GO_TEXT.invalidTicketWinProb,
  GO_TEXT.invalidExpectedPrice,
];

/** Credit on every (sender, manifest) a draw could name. */
function credits(): bigint[] {
  const c = node.go.context.credit;
  const session = info.authToken!.sessionId;
  return [GO_GATEWAY.address, "0x3333333333333333333333333333333333333333"].flatMap((s) => [
    c.balance(s, session),
    c.balance(s, AI_MANIFEST),
  ]);
}

/** What is wrong with one answer, or null. */
function judge(c: WireFuzzCase, r: { status: number; headers: Record<string, unknown>; body: Uint8Array }) {
  const body = text(r.body);
  const problems: string[] = [];
  if (![400, 402, 403, 413].includes(r.status)) problems.push(`status ${r.status}`);
  if (r.headers["content-type"] !== "text/plain; charset=utf-8") problems.push("not text/plain");
  if (r.headers["x-content-type-options"] !== "nosniff") problems.push("no nosniff");
  if (!body.endsWith("\n") || body.slice(0, -1).includes("\n")) problems.push("not one line and a newline");
  const line = body.slice(0, -1);
  if (r.status === 403 && !TEXTS_403.has(line)) problems.push("403 with a text go-livepeer never sends");
  // The AI routes also answer 400 for a body their pipeline cannot read.
  if (r.status === 400 && c.path !== "/image-to-text" && !TEXTS_400.some((t) => line.startsWith(t)))
    problems.push("400 with a text go-livepeer never sends");
  if (c.expect && (r.status !== c.expect.status || (c.expect.text && line !== c.expect.text)))
    problems.push(`expected ${c.expect.status} ${c.expect.text ?? ""}`);
  return problems.length
    ? `${c.label} → ${r.status} ${JSON.stringify(line.slice(0, 120))}: ${problems.join(", ")}`
    : null;
}

test("hostile requests on the go-livepeer wire routes: go-livepeer's refusals, no credit, no state", async () => {
  const cases = fc.sample(await wireFuzzCases(info, clip), { seed: FUZZ_SEED, numRuns: RUNS });
  const before = await stateSnapshot(node.edge);
  const findings: string[] = [];
  const statuses = new Map<number, number>();
  for (const c of cases) {
    const r = await h2Request(node.go.url, { path: c.path, headers: c.headers, body: c.body });
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const f = judge(c, r);
    if (f) findings.push(f);
  }
  expect(findings, `seed ${FUZZ_SEED}`).toEqual([]);
  expect(diffSnapshots(before, await stateSnapshot(node.edge))).toEqual([]);
  expect(credits()).toEqual([0n, 0n, 0n, 0n]);
  // The draws reach every refusal class, and those the draw decides were checked against it.
  expect([...statuses.keys()].sort()).toEqual([400, 402, 403, 413]);
  expect(cases.filter((c) => c.expect).length).toBeGreaterThan(RUNS / 5);
}, 60_000);

test("/stream/ paths that name no stored result (traversal, encodings, junk): Go's 404, no state", async () => {
  const before = await stateSnapshot(node.edge);
  const fixed = [
    "../../etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd",
    "..%2f..%2fdb",
    "a/b/../../c",
    "",
    "x".repeat(4000),
  ];
  const drawn = fc.sample(
    fc.array(fc.constantFrom("..", ".", "%00", "%2F", "session", "P144p30fps16x9", "1.ts", "💥", "a b"), {
      minLength: 1,
      maxLength: 6,
    }),
    { seed: FUZZ_SEED, numRuns: 40 },
  );
  const bad: string[] = [];
  for (const p of [...fixed, ...drawn.map((parts) => parts.join("/"))]) {
    for (const method of ["GET", "HEAD"]) {
      const r = await h2Request(node.go.url, { method, path: `/stream/${encodeURI(p)}` });
      const want = method === "GET" ? "404 page not found\n" : "";
      if (r.status !== 404 || text(r.body) !== want) bad.push(`${method} ${p.slice(0, 60)} → ${r.status}`);
    }
  }
  expect(bad).toEqual([]);
  expect(diffSnapshots(before, await stateSnapshot(node.edge))).toEqual([]);
});

test("control: one valid payment on /payment is credited, so the checks above can see credit", async () => {
  const before = await stateSnapshot(node.edge);
  // /payment signs SegData over no profiles.
  const seg = await segData(GO_GATEWAY, { authToken: info.authToken!, seq: 1, body: clip, profiles: [] });
  const r = await h2Request(node.go.url, {
    path: "/payment",
    headers: {
      "livepeer-payment": encodePaymentHeader(await goPayment(GO_GATEWAY, info, 1, 900)),
      "livepeer-segment": encodeSegDataHeader(seg),
    },
    body: new Uint8Array(0),
  });
  expect(r.status).toBe(200);
  expect(credits()[0]).toBeGreaterThan(0n);
  expect(diffSnapshots(before, await stateSnapshot(node.edge)).length).toBeGreaterThan(0);
});
