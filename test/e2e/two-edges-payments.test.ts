import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { buildDeps, type EdgeDeps } from "../../src/edge/bootstrap.ts";
import { parseConfig } from "../../src/edge/config.ts";
import { acceptedTickets, senderBalances, ticketRedemptions } from "../../src/edge/db/schema/payments.ts";
import { createDevnet, type Devnet } from "../../src/edge/ledger/devnet.ts";
import { defaultGenesis } from "../../src/edge/ledger/genesis.ts";
import { createPayment } from "../../src/edge/services/gateway/sender.ts";
import { redeemDueTickets } from "../../src/edge/services/tickets/redeem.ts";
import type { Address } from "../../src/protocol/types.ts";
import { getInfo, type PaymentResultJson, sendTickets } from "../../src/wire/orchestrator-client.ts";
import { genesisAccount, genesisKey, json, makeEdge, type TestEdge } from "../helpers/edge.ts";
import { startTwoEdges, type TwoEdges } from "../helpers/two-edges.ts";

// Two real edge processes on one database file host orchestrators 1 and 2. The same payment goes
// to both at once, several times: every ticket must be accepted once in total and credited once.
// Every ticket wins (EV = face value, so winProb is the maximum); both schedulers run, plus a
// third redeemer in this process, racing on the one redemption queue: every winner must be
// redeemed, exactly once on the ledger, within bounded waits.
// Ticket params outlive any slowness of this machine (EXPIRY_BLOCKS of wall clock); the test
// expires each batch's params itself by moving the devnet's block forward, so whether the second
// edge sees a replay (never an expiry) does not depend on how fast the payment travels.
const FACE = 10n ** 15n;
const EXPIRY_BLOCKS = 600n;
const BATCHES = 6;
const TICKETS_PER_PAYMENT = 3;
const ORCHS = [1, 2].map((i) => genesisAccount(i).address.toLowerCase() as Address);
const SENDER = genesisAccount(0).address.toLowerCase() as Address;

let edges: TwoEdges;
let gateway: TestEdge;
let peer: EdgeDeps | undefined;
/** This process's handle on the shared devnet, to move its block forward. */
let chain: Devnet | undefined;

beforeAll(async () => {
  edges = await startTwoEdges({
    orchestratorKeys: [genesisKey(1), genesisKey(2)],
    // Face value = redeemGas × gasPrice × multiplier; params stay valid 600 blocks (60 s).
    ticket: {
      redeemGas: "1",
      gasPrice: FACE.toString(),
      faceValueMultiplier: "1",
      ev: FACE.toString(),
      expiryBlocks: EXPIRY_BLOCKS.toString(),
    },
    // A winner lives for two rounds from its creation round. Rounds of an hour (36,000 blocks) stay
    // far longer than the run, wall clock and the blocks the test adds together, so no round ends
    // mid-test and no winner ages out however slow the machine is.
    roundSeconds: 3600,
    blockMs: 100,
    schedulerIntervalMs: 100,
  });
  // The gateway: its own database and the funded genesis sender (account 0).
  gateway = await makeEdge({ roles: ["gateway"], gateway: { senderPrivateKey: genesisKey(0) } });
});

afterAll(async () => {
  await peer?.close();
  await chain?.close();
  await gateway?.close();
  await edges?.cleanup();
});

test("the same payment sent to both edges is accepted and credited once; every winner is redeemed once", async () => {
  const { a, b } = edges;
  chain = await createDevnet({
    url: edges.dbUrl,
    genesis: defaultGenesis(),
    roundSeconds: 3600,
    blockMs: 100,
  });
  const sent: { orchestrator: Address; rand: string; nonces: string[] }[] = [];
  const results: PaymentResultJson[] = [];
  // Batches overlap with redemption: each batch's winners fall due (its params expire) as soon as it
  // is sent, while later batches arrive.
  for (let batch = 0; batch < BATCHES; batch++) {
    await Promise.all(
      ORCHS.map(async (orchestrator, i) => {
        // Fresh params from either edge (they share the ticket secret through the database).
        const info = await getInfo((batch + i) % 2 === 0 ? a.url : b.url, { sender: SENDER, orchestrator });
        expect(BigInt(info.ticketParams.faceValue)).toBe(FACE);
        const created = await createPayment(gateway.deps, info, 0n, { minTickets: TICKETS_PER_PAYMENT });
        const nonces = created.json.tickets.map((t) => String(t.senderNonce));
        sent.push({ orchestrator, rand: created.json.ticketParams.recipientRandHash, nonces });
        const [ra, rb] = await Promise.all([
          sendTickets(a.url, created.json),
          sendTickets(b.url, created.json),
        ]);
        results.push(ra, rb);
        // One edge took the whole payment in its transaction; the other saw every nonce as a replay.
        expect(ra.accepted + rb.accepted).toBe(TICKETS_PER_PAYMENT);
        expect(ra.won + rb.won).toBe(TICKETS_PER_PAYMENT);
        expect([ra.accepted, rb.accepted].sort()).toEqual([0, TICKETS_PER_PAYMENT]);
        const errors = [...ra.errors, ...rb.errors];
        expect(errors.map((e) => e.code)).toEqual(nonces.map(() => "TICKET_NONCE_REPLAYED"));
        expect(errors.map((e) => e.senderNonce).sort()).toEqual([...nonces].sort());
        expect(BigInt(ra.credit) + BigInt(rb.credit)).toBe(FACE * BigInt(TICKETS_PER_PAYMENT));
      }),
    );
    await chain.advanceBlocks(EXPIRY_BLOCKS);
  }
  const creditTotal = results.reduce((s, r) => s + BigInt(r.credit), 0n);
  expect(creditTotal).toBe(FACE * BigInt(BATCHES * ORCHS.length * TICKETS_PER_PAYMENT));

  // A third redeemer on the same file, in this process (its own pool, devnet instance and owner id).
  peer = await buildDeps(parseConfig({ ...edges.config, scheduler: { enabled: false } }), {
    logLevel: "silent",
  });
  const db = peer.db;

  // The database holds each ticket once, and the credit once per orchestrator.
  const rows = await db.select().from(acceptedTickets).where(eq(acceptedTickets.sender, SENDER));
  const keyOf = (rand: string, nonce: string) => `${rand}:${nonce}`;
  const stored = rows.map((r) => keyOf(r.recipientRandHash, r.senderNonce));
  expect(new Set(stored).size).toBe(stored.length);
  expect(stored.sort()).toEqual(sent.flatMap((s) => s.nonces.map((n) => keyOf(s.rand, n))).sort());
  for (const orchestrator of ORCHS) {
    const [bal] = await db.select().from(senderBalances).where(eq(senderBalances.orchestrator, orchestrator));
    const evSum = rows.filter((r) => r.recipient === orchestrator).reduce((s, r) => s + BigInt(r.ev), 0n);
    expect(evSum).toBe(FACE * BigInt(BATCHES * TICKETS_PER_PAYMENT));
    expect(BigInt(bal!.balance)).toBe(evSum);
  }

  // Both schedulers and the peer redeem until every winner is settled (bounded wait).
  const ids = rows.map((r) => r.id);
  const deadline = Date.now() + 60_000;
  // The rows still open, with what held them up (shown should the wait run out).
  let open: { id: number; status: string; attempts: number; lastError: string | null; dueInMs: number }[] =
    [];
  while (Date.now() < deadline) {
    await redeemDueTickets(peer, { owner: "test-peer", retryMs: 200, maxRetryMs: 1_000 });
    const queue = await db.select().from(ticketRedemptions);
    open = queue
      .filter((q) => ids.includes(q.ticketId) && !["redeemed", "partial"].includes(q.status))
      .map((q) => ({
        id: q.ticketId,
        status: q.status,
        attempts: q.attempts,
        lastError: q.lastError,
        dueInMs: q.nextAttemptAt - Date.now(),
      }));
    if (open.length === 0) break;
    await Bun.sleep(100);
  }
  expect(open).toEqual([]);
  const queue = (await db.select().from(ticketRedemptions)).filter((q) => ids.includes(q.ticketId));
  expect(queue).toHaveLength(ids.length);
  for (const q of queue)
    expect({ id: q.ticketId, status: q.status }).toEqual({ id: q.ticketId, status: "redeemed" });

  // The ledger paid each winning ticket exactly once.
  const redeemed = (await peer.ledger.getEvents({ name: "WinningTicketRedeemed" })).filter(
    (e) => String(e.args.sender).toLowerCase() === SENDER,
  );
  const paidKeys = redeemed.map(
    (e) => `${String(e.args.recipient).toLowerCase()}:${e.args.recipientRand}:${e.args.senderNonce}`,
  );
  expect(new Set(paidKeys).size).toBe(paidKeys.length);
  expect(paidKeys.sort()).toEqual(
    rows.map((r) => `${r.recipient}:${r.recipientRand}:${r.senderNonce}`).sort(),
  );
  // Each queue row points at the ledger transaction that paid it, and no two rows share one.
  const refs = queue.map((q) => q.ref);
  expect(new Set(refs).size).toBe(ids.length);

  // Both schedulers ran: one led, the other followed.
  const ticks = async (url: string, outcome: string) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(
      text.match(new RegExp(`livepeer_scheduler_ticks_total\\{outcome="${outcome}"\\} (\\d+)`))?.[1] ?? 0,
    );
  };
  const led =
    (await ticks(a.url, "led")) +
    (await ticks(a.url, "partial")) +
    (await ticks(b.url, "led")) +
    (await ticks(b.url, "partial"));
  const followed = (await ticks(a.url, "follower")) + (await ticks(b.url, "follower"));
  expect(led).toBeGreaterThan(0);
  expect(followed).toBeGreaterThan(0);
  expect((await json(await fetch(`${b.url}/healthz`))).status ?? "ok").toBeDefined();

  // Both stop cleanly on SIGTERM (a process stuck in a busy wait would need SIGKILL).
  expect(await edges.stop()).toEqual([0, 0]);
}, 120_000);
