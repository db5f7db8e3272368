import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { acceptedTickets, gatewayNonces } from "../../../src/edge/db/schema/payments.ts";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { debit, getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { findHosted } from "../../../src/edge/services/tickets/hosted.ts";
import { verifyOrchestratorInfo } from "../../../src/edge/services/tickets/info-signature.ts";
import { checkExpectedPrice } from "../../../src/edge/services/tickets/price.ts";
import { recipientRandFor } from "../../../src/edge/services/tickets/rand.ts";
import { recipientRandHash } from "../../../src/protocol/commit-reveal.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { ticketEV } from "../../../src/protocol/win.ts";
import { getInfo, sendTickets } from "../../../src/wire/orchestrator-client.ts";
import { type PaymentJson, priceFromJson, ticketParamsFromJson } from "../../../src/wire/payment.ts";
import { describeOnLedgers } from "../../helpers/ledgers.ts";
import {
  addressOf,
  type Edge,
  GATEWAY,
  NO_DEPOSIT,
  NO_RESERVE,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
  ROUND_LENGTH,
  SMALL_FUNDS,
  UNLOCKING,
} from "../../helpers/payments.ts";

// Payment intake on both ledgers (the devnet, and the real contracts on anvil). Real HTTP and
// signing on a shared 2-core machine: allow for load.
setDefaultTimeout(30_000);

const O0 = addressOf(ORCHS[0]!);
const O1 = addressOf(ORCHS[1]!);
const O2 = addressOf(ORCHS[2]!);
const sender = addressOf(GATEWAY);

describeOnLedgers("payment intake", (kind) => {
  let net: PaymentsNet;
  let orch: Edge; // hosts ORCHS[0] and ORCHS[1]
  let gateway: Edge; // gateway role, sender GATEWAY

  beforeAll(async () => {
    net = await paymentsNet({ ledger: kind });
    orch = await net.startEdge({ host: [0, 1], ticket: { creditLimit: 500n } });
    gateway = await net.startEdge({ host: [] });
    await net.setServiceURIs(orch.url, [0, 1]);
  }, 300_000); // deploying the contracts on a loaded machine
  afterAll(async () => {
    await net?.close();
  });

  /** Info from the orchestrator edge over HTTP, then a signed payment of `tickets` tickets from the gateway. */
  async function pay(tickets: number, orchestrator: Address = O0): Promise<PaymentJson> {
    const info = await getInfo(orch.url, { sender, orchestrator });
    const ev = ticketEV(BigInt(info.ticketParams.faceValue), BigInt(info.ticketParams.winProb));
    const created = await createPayment(gateway.deps, info, ev * BigInt(tickets), { minTickets: tickets });
    expect(created.tickets).toBe(tickets);
    return created.json;
  }

  function codes(r: { errors: { code: string }[] }): string[] {
    return [...new Set(r.errors.map((e) => e.code))];
  }

  describe("GET /v1/orchestrator/info", () => {
    test("returns signed info with fresh params bound to the sender", async () => {
      const a = await getInfo(orch.url, { sender, orchestrator: O1 });
      const b = await getInfo(orch.url, { sender, orchestrator: O1 });
      expect(await verifyOrchestratorInfo(a, O1)).toEqual({ ok: true });
      expect(a.address).toBe(O1);
      expect(a.serviceURI).toBe(orch.url);
      expect(a.capabilities).toEqual([{ capability: "transcode" }]);
      expect(a.priceInfo).toEqual({ pricePerUnit: "3", pixelsPerUnit: "2" });
      expect(a.ticketParams.faceValue).toBe("1000000");
      expect(ticketEV(BigInt(a.ticketParams.faceValue), BigInt(a.ticketParams.winProb))).toBe(1000n);
      expect(a.ticketParams.seed).not.toBe(b.ticketParams.seed);
      expect(a.ticketParams.recipientRandHash).not.toBe(b.ticketParams.recipientRandHash);
      const block = await net.ledger.blockNumber();
      expect(BigInt(a.ticketParams.expirationBlock)).toBe(block + 10n);
      const round = await net.ledger.lastInitializedRound();
      expect(a.expirationParams).toEqual({
        creationRound: round.toString(),
        creationRoundBlockHash: await net.ledger.blockHashForRound(round),
      });
    });

    test("defaults to the first hosted identity; unknown ones are 404 problems", async () => {
      expect((await getInfo(orch.url, { sender })).address).toBe(O0);
      const res = await fetch(`${orch.url}/v1/orchestrator/info?sender=${sender}&orchestrator=${O2}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await res.json()).code).toBe("ORCHESTRATOR_NOT_FOUND");
    });

    test("a missing or malformed sender is a 400", async () => {
      expect((await fetch(`${orch.url}/v1/orchestrator/info`)).status).toBe(400);
      expect((await fetch(`${orch.url}/v1/orchestrator/info?sender=0x12`)).status).toBe(400);
    });
  });

  describe("POST /v1/orchestrator/tickets", () => {
    test("happy path: every ticket accepted, credit = Σ EV, persisted before the answer", async () => {
      const before = await getBalance(orch.deps, O0, sender);
      const payment = await pay(5);
      const r = await sendTickets(orch.url, payment);
      const ev = ticketEV(BigInt(payment.ticketParams.faceValue), BigInt(payment.ticketParams.winProb));
      expect(r.accepted).toBe(5);
      expect(r.errors).toEqual([]);
      expect(BigInt(r.credit)).toBe(5n * ev);
      expect(BigInt(r.balance)).toBe(before + 5n * ev);
      const rows = await orch.deps.db
        .select()
        .from(acceptedTickets)
        .where(eq(acceptedTickets.recipientRandHash, payment.ticketParams.recipientRandHash));
      expect(rows.map((t) => t.senderNonce).sort()).toEqual(["1", "2", "3", "4", "5"]);
      // recipientRand is kept server-side and commits to the published hash.
      expect<string>(recipientRandHash(BigInt(rows[0]!.recipientRand))).toBe(
        payment.ticketParams.recipientRandHash,
      );
      expect(r.won).toBe(rows.filter((t) => t.won).length);
    });

    test("a replayed payment is rejected ticket by ticket and credits nothing", async () => {
      const payment = await pay(3);
      expect((await sendTickets(orch.url, payment)).accepted).toBe(3);
      const balance = await getBalance(orch.deps, O0, sender);
      const again = await sendTickets(orch.url, payment);
      expect(again.accepted).toBe(0);
      expect(again.errors.map((e) => e.senderNonce).sort()).toEqual(["1", "2", "3"]);
      expect(codes(again)).toEqual(["TICKET_NONCE_REPLAYED"]);
      expect(await getBalance(orch.deps, O0, sender)).toBe(balance);
    });

    test("a payment mixing stored and new nonces credits and stores only the new ones", async () => {
      const info = await getInfo(orch.url, { sender, orchestrator: O0 });
      const a = await createPayment(gateway.deps, info, 1n, { minTickets: 3 });
      const b = await createPayment(gateway.deps, info, 1n, { minTickets: 2 });
      expect((await sendTickets(orch.url, a.json)).accepted).toBe(3);
      const before = await getBalance(orch.deps, O0, sender);
      const r = await sendTickets(orch.url, { ...b.json, tickets: [...a.json.tickets, ...b.json.tickets] });
      expect(r.accepted).toBe(2);
      expect(r.errors.map((e) => [e.senderNonce, e.code])).toEqual([
        ["1", "TICKET_NONCE_REPLAYED"],
        ["2", "TICKET_NONCE_REPLAYED"],
        ["3", "TICKET_NONCE_REPLAYED"],
      ]);
      const ev = ticketEV(BigInt(info.ticketParams.faceValue), BigInt(info.ticketParams.winProb));
      expect(BigInt(r.credit)).toBe(2n * ev);
      expect(await getBalance(orch.deps, O0, sender)).toBe(before + 2n * ev);
      const rows = await orch.deps.db
        .select()
        .from(acceptedTickets)
        .where(eq(acceptedTickets.recipientRandHash, info.ticketParams.recipientRandHash));
      expect(rows.map((t) => t.senderNonce).sort()).toEqual(["1", "2", "3", "4", "5"]);
      expect(r.won).toBe(rows.filter((t) => t.won && Number(t.senderNonce) > 3).length);
    });

    test("the gateway continues nonces per recipientRandHash", async () => {
      const info = await getInfo(orch.url, { sender, orchestrator: O0 });
      const a = await createPayment(gateway.deps, info, 1n, { minTickets: 2 });
      const b = await createPayment(gateway.deps, info, 1n, { minTickets: 2 });
      expect(a.json.tickets.map((t) => t.senderNonce)).toEqual(["1", "2"]);
      expect(b.json.tickets.map((t) => t.senderNonce)).toEqual(["3", "4"]);
      const r = await sendTickets(orch.url, { ...b.json, tickets: [...a.json.tickets, ...b.json.tickets] });
      expect(r.accepted).toBe(4);
    });

    test("a duplicate nonce inside one payment is accepted once", async () => {
      const payment = await pay(2);
      const r = await sendTickets(orch.url, {
        ...payment,
        tickets: [payment.tickets[0]!, ...payment.tickets],
      });
      expect(r.accepted).toBe(2);
      expect(r.errors).toEqual([
        expect.objectContaining({ senderNonce: "1", code: "TICKET_NONCE_REPLAYED" }),
      ]);
    });

    test("TICKET_NONCE_LIMIT: at most 600 tickets per recipientRandHash, on both sides", async () => {
      const payment = await pay(2);
      const rand = payment.ticketParams.recipientRandHash;
      const [row] = await orch.deps.db.select().from(acceptedTickets).limit(1);
      // 599 tickets already stored under these params (seeded rows; nonces far from the payment's).
      await orch.deps.db.insert(acceptedTickets).values(
        Array.from({ length: 599 }, (_, i) => ({
          ...row!,
          id: undefined,
          recipientRandHash: rand,
          senderNonce: String(10_000 + i),
        })),
      );
      const r = await sendTickets(orch.url, payment);
      expect(r.accepted).toBe(1);
      expect(r.errors).toEqual([expect.objectContaining({ senderNonce: "2", code: "TICKET_NONCE_LIMIT" })]);

      const info = await getInfo(orch.url, { sender, orchestrator: O0 });
      await createPayment(gateway.deps, info, 1n);
      await gateway.deps.db
        .update(gatewayNonces)
        .set({ lastNonce: 599 })
        .where(eq(gatewayNonces.recipientRandHash, info.ticketParams.recipientRandHash));
      await expect(createPayment(gateway.deps, info, 1n, { minTickets: 2 })).rejects.toMatchObject({
        code: "TICKET_NONCE_LIMIT",
      });
      expect((await createPayment(gateway.deps, info, 1n)).json.tickets[0]!.senderNonce).toBe("600");
    });

    test("TICKET_SIG_INVALID: a tampered, short or foreign signature", async () => {
      const payment = await pay(3);
      const [t1, t2, t3] = payment.tickets;
      const flip = (sig: string) => `${sig.slice(0, 10)}${sig[10] === "a" ? "b" : "a"}${sig.slice(11)}`;
      const r = await sendTickets(orch.url, {
        ...payment,
        tickets: [{ ...t1!, sig: flip(t1!.sig) }, { ...t2!, sig: t2!.sig.slice(0, 130) }, t3!],
      });
      expect(r.accepted).toBe(1);
      expect(r.errors.map((e) => [e.senderNonce, e.code])).toEqual([
        ["1", "TICKET_SIG_INVALID"],
        ["2", "TICKET_SIG_INVALID"],
      ]);
    });

    test("TICKET_RAND_HASH_UNKNOWN: params or price changed from what was offered", async () => {
      const payment = await pay(1);
      const tp = payment.ticketParams;
      const variants: PaymentJson[] = [
        { ...payment, ticketParams: { ...tp, faceValue: (BigInt(tp.faceValue) * 2n).toString() } },
        { ...payment, ticketParams: { ...tp, winProb: (BigInt(tp.winProb) + 1n).toString() } },
        { ...payment, ticketParams: { ...tp, seed: `0x${"12".repeat(32)}` } },
        {
          ...payment,
          ticketParams: { ...tp, expirationBlock: (BigInt(tp.expirationBlock) + 100n).toString() },
        },
        { ...payment, expectedPrice: { pricePerUnit: "1", pixelsPerUnit: "2" } },
        { ...payment, ticketParams: { ...tp, recipientRandHash: `0x${"34".repeat(32)}` } },
      ];
      for (const v of variants)
        expect(codes(await sendTickets(orch.url, v))).toEqual(["TICKET_RAND_HASH_UNKNOWN"]);
    });

    test("TICKET_RECIPIENT_INVALID: params moved to another identity or to one not hosted", async () => {
      const payment = await pay(1, O0);
      const moved = { ...payment, ticketParams: { ...payment.ticketParams, recipient: O1 } };
      // O1 is hosted, but it never issued these params (per-identity secret).
      expect(codes(await sendTickets(orch.url, moved))).toEqual(["TICKET_RAND_HASH_UNKNOWN"]);
      const foreign = { ...payment, ticketParams: { ...payment.ticketParams, recipient: O2 } };
      const r = await sendTickets(orch.url, foreign);
      expect(r.orchestrator).toBeNull();
      expect(codes(r)).toEqual(["TICKET_RECIPIENT_INVALID"]);
    });

    test("TICKET_SENDER_INVALID: the zero sender", async () => {
      const payment = await pay(1);
      const r = await sendTickets(orch.url, { ...payment, sender: `0x${"00".repeat(20)}` });
      expect(codes(r)).toEqual(["TICKET_SENDER_INVALID"]);
    });

    test("TICKET_ROUND_HASH_INVALID: a creation block hash that is not the round's", async () => {
      const payment = await pay(1);
      const r = await sendTickets(orch.url, {
        ...payment,
        expirationParams: { ...payment.expirationParams, creationRoundBlockHash: `0x${"56".repeat(32)}` },
      });
      expect(codes(r)).toEqual(["TICKET_ROUND_HASH_INVALID"]);
    });

    test("SENDER_NO_DEPOSIT, SENDER_NO_RESERVE, SENDER_UNLOCKING", async () => {
      await net.ledger.unlock(addressOf(UNLOCKING));
      for (const [account, code] of [
        [NO_DEPOSIT, "SENDER_NO_DEPOSIT"],
        [NO_RESERVE, "SENDER_NO_RESERVE"],
        [UNLOCKING, "SENDER_UNLOCKING"],
      ] as const) {
        const edge = await net.startEdge({ host: [], sender: account });
        const info = await issuedTo(addressOf(account));
        const created = await createPayment(edge.deps, info, 1n);
        expect(codes(await sendTickets(orch.url, created.json))).toEqual([code]);
      }
    });

    test("a sender without reserve gets no ticket params", async () => {
      const res = await fetch(`${orch.url}/v1/orchestrator/info?sender=${addressOf(NO_RESERVE)}`);
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe("SENDER_RESERVE_INSUFFICIENT");
    });

    test("a sender whose reserve share cannot cover a ticket's EV: SENDER_RESERVE_INSUFFICIENT", async () => {
      // SMALL_FUNDS: deposit 1000, reserve 300 (100 claimable by each of 3 active orchestrators),
      // against tickets of EV 1000: no params are offered, and tickets on params issued anyway are
      // refused one by one, none credited.
      const s = addressOf(SMALL_FUNDS);
      const res = await fetch(`${orch.url}/v1/orchestrator/info?sender=${s}`);
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe("SENDER_RESERVE_INSUFFICIENT");
      const payer = await net.startEdge({ host: [], sender: SMALL_FUNDS });
      const created = await createPayment(payer.deps, await issuedTo(s), 1n, { minTickets: 2 });
      const r = await sendTickets(orch.url, created.json);
      expect(r.accepted).toBe(0);
      expect(r.errors).toHaveLength(2);
      expect(codes(r)).toEqual(["SENDER_RESERVE_INSUFFICIENT"]);
      expect(await getBalance(orch.deps, O0, s)).toBe(0n);
    });

    test("TICKET_PARAMS_EXPIRED once the expiration block is reached", async () => {
      const payment = await pay(1);
      await net.advanceBlocks(
        BigInt(payment.ticketParams.expirationBlock) - (await net.ledger.blockNumber()),
      );
      expect(codes(await sendTickets(orch.url, payment))).toEqual(["TICKET_PARAMS_EXPIRED"]);
    });
  });

  /**
   * Info whose params O0 issued to sender `s` (re-derived with O0's own secret, as if issued while
   * `s` could still get params): lets the sender-standing checks run on otherwise valid tickets.
   */
  async function issuedTo(s: Address) {
    const info = await getInfo(orch.url, { sender, orchestrator: O0 });
    const params = ticketParamsFromJson(info.ticketParams);
    const rand = recipientRandFor(
      findHosted(orch.deps, params.recipient)!,
      s,
      params,
      priceFromJson(info.priceInfo),
    );
    return {
      ...info,
      sender: s,
      ticketParams: { ...info.ticketParams, recipientRandHash: recipientRandHash(rand) },
    };
  }

  describe("round validity", () => {
    test("TICKET_ROUND_EXPIRED: params still valid by block but the creation round is too old", async () => {
      const longLived = await net.startEdge({ host: [2], ticket: { expiryBlocks: 10n * ROUND_LENGTH } });
      await net.setServiceURIs(longLived.url, [2]);
      const info = await getInfo(longLived.url, { sender, orchestrator: O2 });
      const created = await createPayment(gateway.deps, info, 1n);
      for (let i = 0; i < 2; i++) {
        await net.advanceRound();
        await net.ledger.initializeRound(sender);
      }
      expect(codes(await sendTickets(longLived.url, created.json))).toEqual(["TICKET_ROUND_EXPIRED"]);
    });
  });

  describe("surface", () => {
    test("the routes and the Payment schema are in /openapi.json", async () => {
      const doc = await (await fetch(`${orch.url}/openapi.json`)).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(["/v1/orchestrator/info", "/v1/orchestrator/tickets"]),
      );
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining(["Payment", "OrchestratorInfo"]),
      );
    });

    test("a malformed payment body is a 400 problem, not per-ticket errors", async () => {
      const res = await fetch(`${orch.url}/v1/orchestrator/tickets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sender, tickets: [] }),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).code).toBe("VALIDATION_FAILED");
    });
  });

  describe("balance", () => {
    test("debit may go below zero only down to the credit limit", async () => {
      const s = addressOf(NO_DEPOSIT);
      expect(await getBalance(orch.deps, O1, s)).toBe(0n);
      expect(await debit(orch.deps, O1, s, 400n)).toEqual({ ok: true, balance: -400n });
      const refused = await debit(orch.deps, O1, s, 101n);
      expect(refused).toMatchObject({ ok: false, code: "INSUFFICIENT_CREDIT", balance: -400n });
      expect(await getBalance(orch.deps, O1, s)).toBe(-400n);
      expect(await debit(orch.deps, O1, s, 100n)).toEqual({ ok: true, balance: -500n });
    });
  });

  describe("expected price", () => {
    test("a job's pinned price must pay at least the configured price of its capability", async () => {
      const at = (pricePerUnit: bigint, pixelsPerUnit: bigint) => ({ pricePerUnit, pixelsPerUnit });
      // Configured: transcode 3 wei per 2 pixels.
      expect((await checkExpectedPrice(orch.deps, O0, "transcode", undefined, at(3n, 2n))).ok).toBe(true);
      expect((await checkExpectedPrice(orch.deps, O0, "transcode", undefined, at(15n, 10n))).ok).toBe(true);
      expect(await checkExpectedPrice(orch.deps, O0, "transcode", undefined, at(14n, 10n))).toMatchObject({
        ok: false,
        code: "PAYMENT_PRICE_TOO_LOW",
      });
      expect(await checkExpectedPrice(orch.deps, O0, "upscale", undefined, at(9n, 1n))).toMatchObject({
        ok: false,
        code: "CAPABILITY_NOT_FOUND",
      });
    });
  });
});
