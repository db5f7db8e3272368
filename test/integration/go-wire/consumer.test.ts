import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { acceptedTickets, ticketRedemptions } from "../../../src/edge/db/schema/payments.ts";
import { consumerOutput, getConsumerJob } from "../../../src/edge/services/consumer/jobs.ts";
import { getGatewayBalance } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { redeemDueTickets } from "../../../src/edge/services/tickets/redeem.ts";
import { ffprobePixelCounter } from "../../../src/node-runner/ffmpeg/pixel-count.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { devnetOf, genesisAccount } from "../../helpers/edge.ts";
import { type GoWirePair, startGoWirePair } from "../../helpers/go-wire.ts";
import { ffprobe, makeClip, makeSolidImage, tempDir } from "../../helpers/media.ts";

// A consumer's job through this gateway to a go-livepeer-wire orchestrator named by orchAddr
// (gateway.goWire.orchAddr, like go-livepeer's -orchAddr): HTTP push ingest on the gateway edge,
// selection and payment on the gateway's own books, gRPC GetOrchestrator and POST /segment over
// real TLS (self-signed, unverified) or h2c to an orchestrator edge's go-wire listener with a real
// node-runner; renditions checked by the gateway's ffprobe pixel count and again here; the
// gateway's books and the orchestrator's agree to the wei; the tickets are redeemed on the devnet.

/** Face value = EV (winProb 2^256 − 1): every ticket wins and is redeemable. */
const FACE = 2_000_000_000_000n;

type Pair = GoWirePair;

/** The gateway names the orchestrator's go-wire listener as its only orchAddr. */
const startPair = (serviceUri: string) =>
  startGoWirePair(serviceUri, {
    winningFaceValue: FACE,
    gateway: (go) => ({ goWire: { orchAddr: [go.url], ledgerProbe: false } }),
    overrides: { pixelCounter: ffprobePixelCounter() },
  });

const tmp = tempDir("go-consumer-");
let clip: Uint8Array;
beforeAll(async () => {
  clip = new Uint8Array(
    readFileSync(await makeClip(tmp.dir, { width: 320, height: 240, seconds: 1, audio: false })),
  );
});
afterAll(() => tmp.cleanup());

const sender = genesisAccount(0).address.toLowerCase() as Address;
const PROFILES = "P144p30fps16x9,P240p30fps16x9";

for (const scheme of ["https", "http"] as const) {
  describe(`consumer jobs to a go-livepeer-wire orchestrator by orchAddr (${scheme === "https" ? "TLS" : "h2c"})`, () => {
    let pair: Pair;
    beforeAll(async () => {
      pair = await startPair(`${scheme}://127.0.0.1:0`);
    }, 120_000);
    afterAll(async () => {
      await pair?.stop();
    }, 60_000);

    test("pushed segments are transcoded there, the books agree to the wei, the tickets are redeemed", async () => {
      const recipient = pair.go.context.hosted.address.toLowerCase() as Address;
      const jobs: string[] = [];
      for (const seq of [0, 1]) {
        const res = await pair.gw.app.fetch(
          new Request(`http://gateway.test/live/go-stream/${seq}.ts?profiles=${PROFILES}`, {
            method: "POST",
            body: clip as Uint8Array<ArrayBuffer>,
            headers: { "content-duration": "1000", "content-resolution": "320x240" },
          }),
        );
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          job: string;
          renditions: { name: string; width: number; height: number }[];
        };
        expect(body.renditions.map((r) => r.name)).toEqual(PROFILES.split(","));
        jobs.push(body.job);
        const job = await getConsumerJob(pair.gw.deps, body.job);
        expect(job?.status).toBe("succeeded");
        expect(job?.orchestrator).toBe(recipient);
        expect(job?.engine).toStartWith("go-livepeer wire");
        expect(job?.attempts).toHaveLength(1);
        for (const r of body.renditions) {
          const out = await consumerOutput(pair.gw.deps, body.job, r.name);
          const file = join(tmp.dir, `${scheme}-${seq}-${r.name}.ts`);
          writeFileSync(file, out.bytes);
          const probe = await ffprobe(file);
          expect([probe.width, probe.height]).toEqual([r.width, r.height]);
        }
      }

      // The books: what the gateway believes it holds at the orchestrator is what the orchestrator
      // holds for it, to the wei (tickets' EV credited, every segment's fee debited on both sides).
      const gatewaySide = await getGatewayBalance(pair.gw.deps, recipient);
      const orchestratorSide = await getBalance(pair.orch.deps, recipient, sender);
      expect(gatewaySide).toBe(orchestratorSide);
      const views = await Promise.all(jobs.map((id) => getConsumerJob(pair.gw.deps, id)));
      const fees = views.reduce((sum, j) => sum + BigInt(j!.fee!), 0n);
      const ev = views.reduce((sum, j) => sum + BigInt(j!.tickets.ev!), 0n);
      expect(fees).toBeGreaterThan(0n);
      expect(ev - fees).toBe(gatewaySide);

      const db = pair.orch.deps.db;
      const accepted = await db.select().from(acceptedTickets).where(eq(acceptedTickets.sender, sender));
      expect(accepted.length).toBe(views.reduce((n, j) => n + j!.tickets.count, 0));
      expect(accepted.length).toBeGreaterThan(0);
      const ledger = pair.orch.deps.ledger;
      const expiry = accepted.reduce(
        (m, a) => (BigInt(a.expirationBlock) > m ? BigInt(a.expirationBlock) : m),
        0n,
      );
      const now = await ledger.blockNumber();
      if (now <= expiry) await devnetOf(pair.orch).advanceBlocks(expiry - now + 1n);
      if (!(await ledger.currentRoundInitialized())) await ledger.initializeRound(genesisAccount(0).address);
      const report = await redeemDueTickets(pair.orch.deps);
      expect(report.redeemed).toBe(accepted.length);
      const rows = await db.select().from(ticketRedemptions);
      expect(rows.every((r) => r.status === "redeemed")).toBe(true);
    }, 180_000);

    test("AI requests go over the same wire: image-to-text answers from the runner's model, upscale's image is fetched from /stream/", async () => {
      const recipient = pair.go.context.hosted.address.toLowerCase() as Address;
      const png = await makeSolidImage(tmp.dir, `${scheme}-red.png`, "red", 40, 30);
      const form = (model: string, extra: Record<string, string> = {}) => {
        const f = new FormData();
        f.set("image", new Blob([readFileSync(png)], { type: "image/png" }), "red.png");
        f.set("model_id", model);
        for (const [k, v] of Object.entries(extra)) f.set(k, v);
        return f;
      };
      const i2t = await pair.gw.app.fetch(
        new Request("http://gateway.test/image-to-text", {
          method: "POST",
          body: form("tiny/color-classifier", { prompt: "what colour" }),
        }),
      );
      expect(i2t.status).toBe(200);
      expect(await i2t.json()).toEqual({ text: "red" });

      const up = await pair.gw.app.fetch(
        new Request("http://gateway.test/upscale", {
          method: "POST",
          body: form("tiny/upscale-nearest-2x", { prompt: "sharper" }),
        }),
      );
      expect(up.status).toBe(200);
      const body = (await up.json()) as { images: { url: string }[] };
      const path = new URL(body.images[0]!.url).pathname;
      const got = await pair.gw.app.fetch(new Request(`http://gateway.test${path}`));
      const bytes = new Uint8Array(await got.arrayBuffer());
      const dv = new DataView(bytes.buffer);
      // Nearest 2× of 40×30.
      expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([80, 60]);
      const jobId = path.split("/")[3]!;
      const job = await getConsumerJob(pair.gw.deps, jobId);
      expect(job?.engine).toStartWith("go-livepeer wire");
      expect(job?.orchestrator).toBe(recipient);
      // The AI fees are on the same books, still equal on both sides.
      expect(await getGatewayBalance(pair.gw.deps, recipient)).toBe(
        await getBalance(pair.orch.deps, recipient, sender),
      );
    }, 120_000);
  });
}
