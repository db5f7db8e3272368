import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { acceptedTickets } from "../../../src/edge/db/schema/payments.ts";
import { startScheduler } from "../../../src/edge/scheduler/tick.ts";
import { getConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { suspendOrchestrator } from "../../../src/edge/services/gateway/discovery.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { ffprobePixelCounter } from "../../../src/node-runner/ffmpeg/pixel-count.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { devnetOf, genesisAccount } from "../../helpers/edge.ts";
import { type GoWirePair, startGoWirePair } from "../../helpers/go-wire.ts";
import { makeClip, tempDir } from "../../helpers/media.ts";

// An HTTP-pushed stream keeps one go-livepeer session across its segments, as go-livepeer's
// gateway does: one GetOrchestrator for the stream (counted at the orchestrator's listener), each
// result's fresh OrchestratorInfo adopted (new params, so new recipient_rand_hash, nonces from 1
// on each), the books equal to the wei; a refresh happens before the segment when the auth token
// (the gateway's injected clock) or the ticket params (the devnet's blocks) are about to expire,
// with no refused /segment round trip; an idle stream's session is ended at the orchestrator, on
// another stream's push or on the scheduler's interval.

const FACE = 2_000_000_000_000n;
const PROFILES = "P144p30fps16x9,P240p30fps16x9";
const sender = genesisAccount(0).address.toLowerCase() as Address;

interface Pair extends GoWirePair {
  /** Moves the gateway's clock (only the gateway's) forward. */
  advance(ms: number): void;
}

async function startPair(): Promise<Pair> {
  let offset = 0;
  const pair = await startGoWirePair("https://127.0.0.1:0", {
    winningFaceValue: FACE,
    gateway: (go) => ({ goWire: { orchAddr: [go.url], ledgerProbe: false } }),
    overrides: { pixelCounter: ffprobePixelCounter(), clock: { now: () => Date.now() + offset } },
  });
  return {
    ...pair,
    advance(ms) {
      offset += ms;
    },
  };
}

/** The orchestrator's count of go-wire requests by method (its /metrics counter). */
function served(pair: Pair, method: string): number {
  const line = pair.orch.deps.metrics
    .render()
    .split("\n")
    .find((l) => l.startsWith(`livepeer_go_wire_requests_total{method="${method}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

const tmp = tempDir("go-stream-");
let clip: Uint8Array;
let pair: Pair;
beforeAll(async () => {
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
  );
  pair = await startPair();
}, 120_000);
afterAll(async () => {
  await pair?.stop();
  tmp.cleanup();
}, 60_000);

async function push(manifestId: string, seq: number): Promise<string> {
  const res = await pair.gw.app.fetch(
    new Request(`http://gateway.test/live/${manifestId}/${seq}.ts?profiles=${PROFILES}`, {
      method: "POST",
      body: clip as Uint8Array<ArrayBuffer>,
      headers: { "content-duration": "1000", "content-resolution": "320x240" },
    }),
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as { job: string };
  const job = await getConsumerJob(pair.gw.deps, body.job);
  expect(job?.status).toBe("succeeded");
  // Each segment went through in one attempt.
  expect(job?.attempts).toHaveLength(1);
  return body.job;
}

async function booksAgree(): Promise<void> {
  const recipient = pair.go.context.hosted.address.toLowerCase() as Address;
  expect(await getGatewayBalance(pair.gw.deps, recipient)).toBe(
    await getBalance(pair.orch.deps, recipient, sender),
  );
}

describe("a pushed stream's go-livepeer session", () => {
  test("N segments: one GetOrchestrator, fresh params each segment, nonces never replayed, books equal", async () => {
    const before = served(pair, "GetOrchestrator");
    const segmentsBefore = served(pair, "POST /segment");
    const N = 4;
    for (let seq = 0; seq < N; seq++) await push("reuse", seq);
    expect(served(pair, "GetOrchestrator") - before).toBe(1);
    // No segment was refused and sent again.
    expect(served(pair, "POST /segment") - segmentsBefore).toBe(N);
    expect(served(pair, "EndTranscodingSession")).toBe(0);

    const rows = await pair.orch.deps.db
      .select()
      .from(acceptedTickets)
      .where(eq(acceptedTickets.sender, sender))
      .orderBy(acceptedTickets.id);
    // The session's credit carries from segment to segment (one ticket's EV covers more than one
    // segment here), so fewer tickets than segments: a one-shot session pays each one afresh.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(N);
    // Each payment used the newest adopted info: its own recipient_rand_hash, the nonces on each
    // counting up from 1, no pair (hash, nonce) sent twice.
    const byHash = new Map<string, bigint[]>();
    for (const r of rows) {
      byHash.set(r.recipientRandHash, [...(byHash.get(r.recipientRandHash) ?? []), BigInt(r.senderNonce)]);
    }
    for (const nonces of byHash.values()) expect(nonces).toEqual(nonces.map((_, i) => BigInt(i + 1)));
    await booksAgree();
  }, 180_000);

  test("the auth token near its end (the gateway's clock) refreshes the session before the next segment", async () => {
    await push("expiry", 0);
    const gets = served(pair, "GetOrchestrator");
    const segments = served(pair, "POST /segment");
    // 28 of the token's 30 minutes: past go-livepeer's 90 % refresh point.
    pair.advance(28 * 60_000);
    await push("expiry", 1);
    expect(served(pair, "GetOrchestrator") - gets).toBe(1);
    expect(served(pair, "POST /segment") - segments).toBe(1);
    await push("expiry", 2);
    expect(served(pair, "GetOrchestrator") - gets).toBe(1);
    await booksAgree();
  }, 180_000);

  test("ticket params at their expiration block refresh the session before the next segment", async () => {
    await push("blocks", 0);
    const gets = served(pair, "GetOrchestrator");
    const segments = served(pair, "POST /segment");
    const ledger = pair.orch.deps.ledger;
    const rows = await pair.orch.deps.db.select().from(acceptedTickets).orderBy(acceptedTickets.id);
    const expiry = BigInt(rows.at(-1)!.expirationBlock);
    await devnetOf(pair.orch).advanceBlocks(expiry - (await ledger.blockNumber()));
    await push("blocks", 1);
    expect(served(pair, "GetOrchestrator") - gets).toBe(1);
    expect(served(pair, "POST /segment") - segments).toBe(1);
    await booksAgree();
  }, 180_000);

  test("a stream idle past a minute has its session ended at the orchestrator", async () => {
    const ends = served(pair, "EndTranscodingSession");
    await push("idle-a", 0);
    pair.advance(61_000);
    // Another stream's push finds idle-a idle (and the earlier tests' streams with it).
    await push("idle-b", 0);
    await Promise.all(pair.gw.deps.services.jobs.background);
    expect(served(pair, "EndTranscodingSession") - ends).toBeGreaterThanOrEqual(1);
    expect(pair.gw.deps.services.push.go.byStream.has("idle-a")).toBe(false);
    expect(pair.gw.deps.services.push.go.byStream.has("idle-b")).toBe(true);
  }, 180_000);

  test("a suspended orchestrator does not get the stream's next segment through its kept session", async () => {
    await push("suspended", 0);
    const recipient = pair.go.context.hosted.address.toLowerCase() as Address;
    const segments = served(pair, "POST /segment");
    const discovery = pair.gw.deps.services.discovery;
    suspendOrchestrator(pair.gw.deps, recipient, "test");
    try {
      const res = await pair.gw.app.fetch(
        new Request(`http://gateway.test/live/suspended/1.ts?profiles=${PROFILES}`, {
          method: "POST",
          body: clip as Uint8Array<ArrayBuffer>,
          headers: { "content-duration": "1000", "content-resolution": "320x240" },
        }),
      );
      expect(res.status).not.toBe(200);
      expect(served(pair, "POST /segment")).toBe(segments);
    } finally {
      discovery.suspensions = {};
    }
    await push("suspended", 2);
  }, 120_000);

  test("the scheduler's interval ends an idle stream's session with no push after it", async () => {
    const ends = served(pair, "EndTranscodingSession");
    await push("idle-c", 0);
    pair.advance(61_000);
    const deps = pair.gw.deps;
    // The gateway's own scheduler, every round step off: only its process-local sweep matters here.
    const stop = startScheduler({
      ...deps,
      config: {
        ...deps.config,
        scheduler: { enabled: true, intervalMs: 20, initializeRounds: false, reward: false, redeem: false },
      },
    });
    try {
      while (deps.services.push.go.byStream.has("idle-c")) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await stop();
    }
    expect(served(pair, "EndTranscodingSession") - ends).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
