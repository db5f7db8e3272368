import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { acceptedTickets, ticketRedemptions } from "../../src/edge/db/schema/payments.ts";
import { type LocalNetwork, makePng, startNetwork } from "../helpers/network.ts";

// With the ticket face value capped at the EV, winProb is the maximum and every ticket wins.
// The edge's scheduler redeems the winner on the devnet ledger, and the face value shows up as
// fees in the orchestrator's earnings pool.

let net: LocalNetwork;
beforeAll(async () => {
  net = await startNetwork({
    RUNNERS: "1",
    TICKET_MAX_FACE_VALUE: "1000000000000",
    SCHEDULER_INTERVAL_MS: "300",
    // Winners are redeemed once their params expire (40 blocks): short blocks keep that quick.
    BLOCK_MS: "50",
  });
}, 180_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

interface Detail {
  cumulativeFees: string;
  pendingFees: string;
}

test("a winning ticket is redeemed and shows up as fees in the orchestrator's earnings pool", async () => {
  const orchestrator = net.orchestrators[0]!;
  const detail = async () =>
    (await (await fetch(`${net.url}/v1/protocol/orchestrators/${orchestrator}`)).json()) as Detail;
  const before = await detail();
  const feesBefore = BigInt(before.pendingFees);

  const png = join(net.dataDir, "red.png");
  await makePng(png, "red");
  const form = new FormData();
  form.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), "red.png");
  const res = await fetch(`${net.url}/v1/ai/image-to-text`, { method: "POST", body: form });
  const job = (await res.json()) as { status: string; tickets: { count: number } };
  expect(job.status).toBe("succeeded");

  const { db } = await net.db();
  const tickets = await db.select().from(acceptedTickets);
  expect(tickets.length).toBe(job.tickets.count);
  expect(tickets.every((t) => t.won)).toBe(true);
  const faceValue = tickets.reduce((s, t) => s + BigInt(t.faceValue), 0n);

  // A safety net, not a speed check: a redemption that meets a transient failure (a round not
  // initialized yet) is retried by the scheduler after 5 s, then 10 s.
  let after = before;
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    after = await detail();
    if (BigInt(after.pendingFees) > feesBefore) break;
    await Bun.sleep(100);
  }
  const redemptions = await db
    .select()
    .from(ticketRedemptions)
    .where(eq(ticketRedemptions.status, "redeemed"));
  expect(redemptions.length).toBe(tickets.length);
  // feeShare of the genesis orchestrators passes part of the fees to delegators; the
  // orchestrator's own pending fees grow by its share, at most the whole face value.
  const gained = BigInt(after.pendingFees) - feesBefore;
  expect(gained).toBeGreaterThan(0n);
  expect(gained).toBeLessThanOrEqual(faceValue);
  expect(BigInt(after.cumulativeFees)).toBeGreaterThanOrEqual(BigInt(before.cumulativeFees));
}, 180_000);
