import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { acceptedTickets, ticketRedemptions } from "../../../src/edge/db/schema/payments.ts";
import { METRIC } from "../../../src/edge/metrics.ts";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { redeemDueTickets } from "../../../src/edge/services/tickets/redeem.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { getInfo, sendTickets } from "../../../src/wire/orchestrator-client.ts";
import { describeOnLedgers } from "../../helpers/ledgers.ts";
import {
  ACCOUNTS,
  addressOf,
  type Edge,
  GATEWAY,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
  SMALL_FUNDS,
} from "../../helpers/payments.ts";

// Redemption on both ledgers: the devnet, and the real TicketBroker on anvil (where ecrecover in
// the EVM checks the project's ticket signatures). Real HTTP and signing on a shared 2-core
// machine: allow for load.
setDefaultTimeout(30_000);

const O0 = addressOf(ORCHS[0]!);
const O1 = addressOf(ORCHS[1]!);

describeOnLedgers("ticket redemption", (kind) => {
  let net: PaymentsNet;

  beforeAll(async () => {
    net = await paymentsNet({ ledger: kind });
  }, 300_000); // deploying the contracts on a loaded machine
  afterAll(async () => {
    await net?.close();
  });

  /** Moves the ledger past `block` and makes sure the round it lands in is initialized. */
  async function passBlock(block: bigint): Promise<void> {
    const now = await net.ledger.blockNumber();
    if (now <= block) await net.advanceBlocks(block - now + 1n);
    if (!(await net.ledger.currentRoundInitialized())) await net.ledger.initializeRound(addressOf(GATEWAY));
  }

  /**
   * Sends `tickets` winning tickets. With `beyondFunds`, the orchestrator accepts them as if the
   * sender's reserve share were large: the state a recipient is left in when the sender's funds
   * drop after acceptance (another recipient redeemed from the shared deposit), which acceptance
   * itself no longer lets a sender reach.
   */
  async function winners(
    edge: Edge,
    payer: Edge,
    orchestrator: Address,
    tickets: number,
    beyondFunds = false,
  ) {
    const info = await getInfo(edge.url, {
      sender: payer.deps.keys.sender!.address.toLowerCase() as Address,
      orchestrator,
    });
    const created = await createPayment(payer.deps, info, 1n, { minTickets: tickets });
    const ledger = edge.deps.ledger;
    if (beyondFunds) edge.deps.ledger = { ...ledger, claimableReserve: async () => 10n ** 30n };
    const r = await sendTickets(edge.url, created.json).finally(() => {
      edge.deps.ledger = ledger;
    });
    expect(r.accepted).toBe(tickets);
    expect(r.won).toBe(tickets); // EV = face value: winProb is 2^256 - 1, every ticket wins
    return { info, created, expirationBlock: BigInt(info.ticketParams.expirationBlock) };
  }

  async function queueRows(edge: Edge, rand: string) {
    const ids = (
      await edge.deps.db
        .select({ id: acceptedTickets.id })
        .from(acceptedTickets)
        .where(eq(acceptedTickets.recipientRandHash, rand))
    ).map((r) => r.id);
    return edge.deps.db.select().from(ticketRedemptions).where(inArray(ticketRedemptions.ticketId, ids));
  }

  describe("redemption", () => {
    test("winners are queued, redeemed only after their params expire, once, and land as fees", async () => {
      const face = 1_000_000n;
      const edge = await net.startEdge({ host: [0], ticket: { faceValue: face, ev: face } });
      await net.setServiceURIs(edge.url, [0]);
      const { created, expirationBlock } = await winners(edge, edge, O0, 3);
      const rand = created.json.ticketParams.recipientRandHash;

      const early = await redeemDueTickets(edge.deps);
      expect(early.claimed).toBe(0);
      expect((await queueRows(edge, rand)).map((r) => r.status)).toEqual(["queued", "queued", "queued"]);

      const feesBefore = await net.ledger.pendingFees(O0);
      const cumulativeBefore = (await net.ledger.getTranscoder(O0)).cumulativeFees;
      await passBlock(expirationBlock);
      const report = await redeemDueTickets(edge.deps);
      expect(report).toMatchObject({
        claimed: 3,
        redeemed: 3,
        partial: 0,
        retried: 0,
        failed: 0,
        alreadyUsed: 0,
      });

      const rows = await queueRows(edge, rand);
      expect(rows.map((r) => r.status)).toEqual(["redeemed", "redeemed", "redeemed"]);
      for (const r of rows) {
        expect(r.amountPaid).toBe(face.toString());
        expect(r.ref).toMatch(/^0x[0-9a-f]{64}$/);
      }
      const tickets = await edge.deps.db
        .select()
        .from(acceptedTickets)
        .where(eq(acceptedTickets.recipientRandHash, rand));
      for (const t of tickets) expect(await net.ledger.usedTickets(t.ticketHash as Hex)).toBe(true);

      // The fees went to O0's pool in the current round: commission plus its own delegator share.
      const round = await net.ledger.currentRound();
      const pool = await net.ledger.getTranscoderEarningsPoolForRound(O0, round);
      expect(pool.cumulativeFeeFactor).toBeGreaterThan(0n);
      expect((await net.ledger.getTranscoder(O0)).cumulativeFees - cumulativeBefore).toBe((3n * face) / 2n);
      const gained = (await net.ledger.pendingFees(O0)) - feesBefore;
      expect(gained).toBeLessThanOrEqual(3n * face);
      expect(gained).toBeGreaterThan(3n * face - 10n); // integer rounding only

      expect(edge.deps.metrics.render()).toContain(`${METRIC.ticketsRedeemed}{orchestrator="${O0}"} 3`);
      const again = await redeemDueTickets(edge.deps);
      expect(again.claimed).toBe(0);
    });

    test("two edges redeeming at once submit each ticket once", async () => {
      const face = 2_000_000n;
      const a = await net.startEdge({ host: [1], ticket: { faceValue: face, ev: face } });
      const b = await net.startEdge({ host: [1], ticket: { faceValue: face, ev: face } });
      await net.setServiceURIs(a.url, [1]);
      const { created, expirationBlock } = await winners(a, a, O1, 4);
      await passBlock(expirationBlock);
      const eventsBefore = (await net.ledger.getEvents({ name: "WinningTicketRedeemed" })).length;
      const [ra, rb] = await Promise.all([
        redeemDueTickets(a.deps, { owner: "edge-a" }),
        redeemDueTickets(b.deps, { owner: "edge-b" }),
      ]);
      expect(ra.redeemed + rb.redeemed).toBe(4);
      expect(ra.alreadyUsed + rb.alreadyUsed + ra.failed + rb.failed).toBe(0);
      expect((await net.ledger.getEvents({ name: "WinningTicketRedeemed" })).length - eventsBefore).toBe(4);
      const rows = await queueRows(a, created.json.ticketParams.recipientRandHash);
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["redeemed"]));
    });

    test("an underfunded sender's ticket is retried, not dropped, and redeemed after a top-up", async () => {
      // SMALL_FUNDS: deposit 1000, reserve 300 → 100 claimable per orchestrator; face value clamps to 100.
      const edge = await net.startEdge({ host: [2], ticket: { faceValue: 1_000_000n, ev: 100n } });
      const payer = await net.startEdge({ host: [], sender: SMALL_FUNDS });
      await net.setServiceURIs(edge.url, [2]);
      const O2 = addressOf(ORCHS[2]!);
      const { info, created, expirationBlock } = await winners(edge, payer, O2, 12, true);
      expect(info.ticketParams.faceValue).toBe("100");
      await passBlock(expirationBlock);

      const first = await redeemDueTickets(edge.deps, { retryMs: 1_000 });
      // 10 from the deposit, 1 from this recipient's reserve share; the 12th cannot be paid in full.
      expect(first).toMatchObject({ redeemed: 11, retried: 1, partial: 0, failed: 0 });
      const waiting = (await queueRows(edge, created.json.ticketParams.recipientRandHash)).filter(
        (r) => r.status === "queued",
      );
      expect(waiting).toHaveLength(1);
      expect(waiting[0]!.attempts).toBe(1);
      expect(waiting[0]!.lastError).toContain("TICKET_UNDERFUNDED");

      // Not before its retry time.
      expect((await redeemDueTickets(edge.deps)).claimed).toBe(0);
      await net.ledger.fundDeposit(addressOf(SMALL_FUNDS), 500n);
      net.clock.advance(1_001);
      const second = await redeemDueTickets(edge.deps);
      expect(second).toMatchObject({ claimed: 1, redeemed: 1, retried: 0 });
      const [row] = await edge.deps.db
        .select()
        .from(ticketRedemptions)
        .where(eq(ticketRedemptions.ticketId, waiting[0]!.ticketId));
      expect(row?.status).toBe("redeemed");
      expect(row?.amountPaid).toBe("100");
    });

    test("protocol#663: in its last valid round a ticket settles for this recipient's share and shows as partial", async () => {
      const payerAccount = ACCOUNTS[8]!;
      await net.ledger.fundDepositAndReserve(addressOf(payerAccount), 50n, 600n); // 200 of reserve per orchestrator
      const edge = await net.startEdge({ host: [2], ticket: { faceValue: 200n, ev: 200n } });
      const payer = await net.startEdge({ host: [], sender: payerAccount });
      await net.setServiceURIs(edge.url, [2]);
      const O2 = addressOf(ORCHS[2]!);
      const { info, created, expirationBlock } = await winners(edge, payer, O2, 2, true);
      const lastValidRound = BigInt(info.expirationParams.creationRound) + 1n;
      await passBlock(expirationBlock);
      await redeemDueTickets(edge.deps, { retryMs: 1 });
      if ((await net.ledger.currentRound()) < lastValidRound) {
        await net.advanceRound();
        await net.ledger.initializeRound(addressOf(GATEWAY));
        net.clock.advance(10);
        await redeemDueTickets(edge.deps, { retryMs: 1 });
      }
      const rows = await queueRows(edge, created.json.ticketParams.recipientRandHash);
      expect(rows.map((r) => r.status).sort()).toEqual(["partial", "redeemed"]);
      const partial = rows.find((r) => r.status === "partial")!;
      const paid = BigInt(partial.amountPaid!);
      expect(paid).toBeGreaterThan(0n);
      expect(paid).toBeLessThan(200n);
      expect(partial.lastError).toContain("protocol#663");
      const transfer = (await net.ledger.getEvents({ name: "WinningTicketTransfer", address: O2 })).at(-1)!;
      expect(BigInt(transfer.args.amount as bigint)).toBe(paid);
      expect(edge.deps.metrics.render()).toContain(`${METRIC.redemptionsPartial}{orchestrator="${O2}"} 1`);
    });

    test("a winner whose validity window closed is marked expired and never submitted", async () => {
      const face = 3_000_000n;
      const edge = await net.startEdge({ host: [0], ticket: { faceValue: face, ev: face } });
      await net.setServiceURIs(edge.url, [0]);
      const { created } = await winners(edge, edge, O0, 1);
      const eventsBefore = (await net.ledger.getEvents({ name: "WinningTicketRedeemed" })).length;
      for (let i = 0; i < 2; i++) {
        await net.advanceRound();
        await net.ledger.initializeRound(addressOf(GATEWAY));
      }
      const report = await redeemDueTickets(edge.deps);
      expect(report).toMatchObject({ expired: 1, claimed: 0 });
      const [row] = await queueRows(edge, created.json.ticketParams.recipientRandHash);
      expect(row?.status).toBe("expired");
      expect((await net.ledger.getEvents({ name: "WinningTicketRedeemed" })).length).toBe(eventsBefore);
    });
    test("in a round nobody initialized yet, due winners wait without spending an attempt, then redeem", async () => {
      const face = 1_000_000n;
      const edge = await net.startEdge({ host: [0], ticket: { faceValue: face, ev: face } });
      await net.setServiceURIs(edge.url, [0]);
      const { created, expirationBlock } = await winners(edge, edge, O0, 1);
      const rand = created.json.ticketParams.recipientRandHash;
      // Past the params' expiry and into a fresh round that is not initialized.
      const now = await net.ledger.blockNumber();
      if (now <= expirationBlock) await net.advanceBlocks(expirationBlock - now + 1n);
      if (await net.ledger.currentRoundInitialized()) await net.advanceRound();
      expect(await net.ledger.currentRoundInitialized()).toBe(false);

      const waiting = await redeemDueTickets(edge.deps);
      expect(waiting.claimed).toBe(0);
      const [row] = await queueRows(edge, rand);
      expect(row?.status).toBe("queued");
      expect(row?.attempts).toBe(0);

      await net.ledger.initializeRound(addressOf(GATEWAY));
      const report = await redeemDueTickets(edge.deps);
      expect(report).toMatchObject({ claimed: 1, redeemed: 1 });
      expect((await queueRows(edge, rand))[0]?.status).toBe("redeemed");
    });
  });
});
