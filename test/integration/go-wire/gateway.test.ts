import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { bytesToHex } from "viem";
import { acceptedTickets, ticketRedemptions } from "../../../src/edge/db/schema/payments.ts";
import { gatewayCapabilities } from "../../../src/edge/go-gateway/grpc.ts";
import { SegmentError, submitSegment } from "../../../src/edge/go-gateway/segment.ts";
import { endSession, openSession, refreshSession } from "../../../src/edge/go-gateway/session.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { redeemDueTickets } from "../../../src/edge/services/tickets/redeem.ts";
import { ffprobePixelCounter } from "../../../src/node-runner/ffmpeg/pixel-count.ts";
import { PRESETS } from "../../../src/protocol/profiles.ts";
import { devnetOf, genesisAccount } from "../../helpers/edge.ts";
import { type GoWirePair, startGoWirePair } from "../../helpers/go-wire.ts";
import { ffprobe, makeClip, tempDir } from "../../helpers/media.ts";

// This project's gateway paying this project's orchestrator over go-livepeer's wire, both ways in
// one test per transport: real TLS (self-signed, unverified) or h2c, real gRPC GetOrchestrator,
// real tickets (every one a winner here) redeemed on the shared devnet, and real FFmpeg renditions
// from a node-runner, checked with the gateway's own ffprobe decode and again by the test.

/** Face value = EV: winProb is 2^256 − 1, every ticket wins and is redeemable. */
const FACE = 2_000_000_000_000n;

type Node = GoWirePair;

const startPair = (serviceUri: string) => startGoWirePair(serviceUri, { winningFaceValue: FACE });

const tmp = tempDir("go-gw-");
let clip: Uint8Array;
beforeAll(async () => {
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
  );
});
afterAll(() => tmp.cleanup());

const profiles = [PRESETS.P144p30fps16x9!, PRESETS.P240p30fps16x9!];
const sender = genesisAccount(0).address.toLowerCase();

for (const scheme of ["https", "http"] as const) {
  describe(`gateway → orchestrator over go-livepeer's wire (${scheme === "https" ? "TLS" : "h2c"})`, () => {
    let node: Node;
    beforeAll(async () => {
      node = await startPair(`${scheme}://127.0.0.1:0`);
    }, 120_000);
    afterAll(async () => {
      await node?.stop();
    }, 60_000);

    test("two paid segments: renditions verified by signature and pixel count, tickets redeemed on the devnet", async () => {
      const gw = node.gw.deps;
      const session = await openSession(gw, node.go.url, gatewayCapabilities());
      expect(session.info.transcoder).toBe(node.go.url);
      expect(session.signer).toBe(node.go.context.hosted.address);
      const firstRand = bytesToHex(session.info.ticketParams!.recipientRandHash);
      const counter = ffprobePixelCounter();
      for (const seq of [0, 1]) {
        const out = await submitSegment(
          gw,
          session,
          { manifestId: "gw-stream", seq, body: clip, profiles, format: "mpegts", durationMs: 1000 },
          counter,
        );
        expect(out.renditions.map((r) => r.profile.name)).toEqual(profiles.map((p) => p.name));
        expect(out.fee).toBeGreaterThan(0n);
        for (const r of out.renditions) {
          const file = join(tmp.dir, `${scheme}-${seq}-${r.profile.name}.ts`);
          writeFileSync(file, r.bytes);
          const probe = await ffprobe(file);
          expect([probe.width, probe.height]).toEqual([r.profile.width, r.profile.height]);
        }
        // Work needs credit of at least one ticket's EV at the orchestrator (go-livepeer's rule):
        // a fee far below the EV still stages one ticket while the credit is under it.
        expect(out.tickets).toBe(1);
      }
      // Each answer brought fresh params, adopted by the session.
      const afterSegments = bytesToHex(session.info.ticketParams!.recipientRandHash);
      expect(afterSegments).not.toBe(firstRand);
      // A refresh at the transcoder URL adopts fresh params again; a one-shot session ends.
      await refreshSession(gw, session);
      expect(bytesToHex(session.info.ticketParams!.recipientRandHash)).not.toBe(afterSegments);
      await endSession(session);

      const db = node.orch.deps.db;
      const accepted = await db.select().from(acceptedTickets).where(eq(acceptedTickets.sender, sender));
      expect(accepted.length).toBe(2);
      // The gateway's books: two tickets' EV sent, the two segments' fees spent.
      expect(await getGatewayBalance(gw, session.recipient)).toBeLessThan(2n * FACE);
      expect(await getGatewayBalance(gw, session.recipient)).toBeGreaterThan(0n);

      // The winning tickets are redeemed once their params expire.
      const ledger = node.orch.deps.ledger;
      const expiry = accepted.reduce(
        (m, a) => (BigInt(a.expirationBlock) > m ? BigInt(a.expirationBlock) : m),
        0n,
      );
      const now = await ledger.blockNumber();
      if (now <= expiry) await devnetOf(node.orch).advanceBlocks(expiry - now + 1n);
      if (!(await ledger.currentRoundInitialized())) await ledger.initializeRound(genesisAccount(0).address);
      const report = await redeemDueTickets(node.orch.deps);
      expect(report.redeemed).toBe(2);
      const rows = await db.select().from(ticketRedemptions);
      expect(rows.map((r) => r.status)).toEqual(["redeemed", "redeemed"]);
    }, 120_000);

    test("a segment whose auth token was never issued gets go-livepeer's 403 text", async () => {
      const gw = node.gw.deps;
      const session = await openSession(gw, node.go.url, gatewayCapabilities());
      session.info.authToken!.token = new Uint8Array(32).fill(1);
      const err = await submitSegment(gw, session, {
        manifestId: "gw-bad",
        seq: 0,
        body: clip,
        profiles,
        format: "mpegts",
        durationMs: 1000,
      }).catch((e: unknown) => e);
      session.rpc.close();
      expect(err).toBeInstanceOf(SegmentError);
      expect((err as SegmentError).status).toBe(403);
      expect((err as SegmentError).message).toBe("invalid auth token");
    }, 60_000);
  });
}
