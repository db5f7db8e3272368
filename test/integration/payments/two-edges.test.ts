import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { acceptedTickets } from "../../../src/edge/db/schema/payments.ts";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { ticketEV } from "../../../src/protocol/win.ts";
import { getInfo, sendTickets } from "../../../src/wire/orchestrator-client.ts";
import {
  addressOf,
  type Edge,
  GATEWAY,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// Real devnet, HTTP and signing on a shared 2-core machine: allow for load.
setDefaultTimeout(30_000);

let net: PaymentsNet;
let edgeA: Edge;
let edgeB: Edge;
let gateway: Edge;
const O0 = addressOf(ORCHS[0]!);
const sender = addressOf(GATEWAY);

beforeAll(async () => {
  net = await paymentsNet();
  // Two edges hosting the same identity on one database, each with its own connection and ledger.
  edgeA = await net.startEdge({ host: [0] });
  edgeB = await net.startEdge({ host: [0] });
  gateway = await net.startEdge({ host: [] });
});
afterAll(async () => {
  await net?.close();
});

describe("two edges on one database", () => {
  test("params issued by one edge are accepted by the other (shared ticket secret)", async () => {
    const info = await getInfo(edgeA.url, { sender });
    const created = await createPayment(gateway.deps, info, 1n, { minTickets: 2 });
    const r = await sendTickets(edgeB.url, created.json);
    expect(r.accepted).toBe(2);
    expect(r.errors).toEqual([]);
  });

  test("the same payment sent to both at once is accepted and credited once", async () => {
    const info = await getInfo(edgeA.url, { sender });
    const created = await createPayment(gateway.deps, info, 1n, { minTickets: 8 });
    const ev = ticketEV(BigInt(info.ticketParams.faceValue), BigInt(info.ticketParams.winProb));
    const before = await getBalance(edgeA.deps, O0, sender);
    const [a, b] = await Promise.all([
      sendTickets(edgeA.url, created.json),
      sendTickets(edgeB.url, created.json),
    ]);
    expect(a.accepted + b.accepted).toBe(8);
    // Whatever one edge accepted, the other reported as replayed.
    expect(a.errors.length + b.errors.length).toBe(8);
    for (const e of [...a.errors, ...b.errors]) expect(e.code).toBe("TICKET_NONCE_REPLAYED");
    expect(await getBalance(edgeB.deps, O0, sender)).toBe(before + 8n * ev);
    const rows = await edgeA.deps.db
      .select()
      .from(acceptedTickets)
      .where(eq(acceptedTickets.recipientRandHash, created.json.ticketParams.recipientRandHash));
    expect(rows).toHaveLength(8);
  });
});
