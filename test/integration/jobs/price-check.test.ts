import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { queueJobs } from "../../../src/edge/db/schema/jobs.ts";
import { acceptedTickets } from "../../../src/edge/db/schema/payments.ts";
import { payForJob } from "../../../src/edge/services/gateway/pay.ts";
import type { WireSpec } from "../../../src/wire/jobs.ts";
import { imageJob, pngHeaderBytes } from "../../helpers/jobs.ts";
import {
  addressOf,
  type Edge,
  GATEWAY,
  ORCHS,
  orchestratorAndGateway,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// The HMAC in a payment's ticket params proves the orchestrator offered `expectedPrice`, not for
// which capability. The orchestrator's job endpoint must refuse a job whose payment is pinned to a
// cheaper capability's price, before crediting a ticket or queueing anything.

setDefaultTimeout(30_000);

let net: PaymentsNet;
let orch: Edge; // hosts O0: transcode 1 wei/pixel (cheap), upscale 50 wei/unit (expensive)
let gateway: Edge;
const O0 = addressOf(ORCHS[0]!);
const sender = addressOf(GATEWAY);

const upscale = imageJob("upscale", "tiny-upscale");

function jobForm(spec: WireSpec, payment: unknown): FormData {
  const form = new FormData();
  form.set("job", JSON.stringify(spec));
  form.set("payment", JSON.stringify(payment));
  form.set("image", new Blob([pngHeaderBytes()], { type: "image/png" }), "image");
  return form;
}

const balance = async () =>
  (await (await fetch(`${orch.url}/v1/orchestrator/balance?orchestrator=${O0}&sender=${sender}`)).json()) as {
    balance: string;
    creditLimit: string;
    orchestrator: string;
    sender: string;
  };

beforeAll(async () => {
  net = await paymentsNet();
  ({ orch, gateway } = await orchestratorAndGateway(
    net,
    [
      { capability: "transcode", pricePerUnit: 1n },
      { capability: "upscale", pricePerUnit: 50n },
    ],
    [{ pipeline: "upscale", modelId: "tiny-upscale" }],
  ));
});
afterAll(async () => {
  await net?.close();
});

test("a job paid at a cheaper capability's price is refused with 402 and creates no job", async () => {
  // A payment pinned to O0's (genuine, HMAC-covered) transcode price...
  const cheap = await payForJob(gateway.deps, { capability: "transcode", units: 1_000n });
  expect(cheap.orchestrator.address).toBe(O0);
  expect(cheap.price).toEqual({ pricePerUnit: 1n, pixelsPerUnit: 1n });

  // ...sent with an upscale job, whose price is 50× higher.
  const res = await fetch(`${orch.url}/v1/orchestrator/jobs`, {
    method: "POST",
    body: jobForm(upscale, cheap.payment),
  });
  expect(res.status).toBe(402);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as {
    code: string;
    status: number;
    details: { payment: { accepted: number }; expectedPrice: { pricePerUnit: string } };
  };
  expect(body.code).toBe("PAYMENT_PRICE_TOO_LOW");
  expect(body.status).toBe(402);
  expect(body.details.payment.accepted).toBe(0);
  expect(body.details.expectedPrice.pricePerUnit).toBe("1");

  // Nothing was queued, no ticket credited, the sender's balance is untouched.
  expect(await orch.deps.db.select().from(queueJobs)).toEqual([]);
  expect(await orch.deps.db.select().from(acceptedTickets)).toEqual([]);
  expect((await balance()).balance).toBe("0");
});

test("a job for a capability the orchestrator does not price is refused with 422", async () => {
  const cheap = await payForJob(gateway.deps, { capability: "transcode", units: 1_000n });
  const spec = imageJob("image-to-text", "tiny-colors");
  const res = await fetch(`${orch.url}/v1/orchestrator/jobs`, {
    method: "POST",
    body: jobForm(spec, cheap.payment),
  });
  expect(res.status).toBe(422);
  expect(((await res.json()) as { code: string }).code).toBe("CAPABILITY_NOT_FOUND");
  expect(await orch.deps.db.select().from(queueJobs)).toEqual([]);
  expect(await orch.deps.db.select().from(acceptedTickets)).toEqual([]);
});

test("the same job paid at its own capability's price passes the check and is queued", async () => {
  const fair = await payForJob(gateway.deps, { capability: "upscale", units: 10n });
  expect(fair.price).toEqual({ pricePerUnit: 50n, pixelsPerUnit: 1n });
  // O0's runner never leases, so the endpoint waits for the job: stop waiting once it is queued.
  const abort = new AbortController();
  const pending = fetch(`${orch.url}/v1/orchestrator/jobs`, {
    method: "POST",
    body: jobForm(upscale, fair.payment),
    signal: abort.signal,
  }).catch(() => undefined);
  let queued: (typeof queueJobs.$inferSelect)[] = [];
  for (let i = 0; i < 200 && queued.length === 0; i++) {
    queued = await orch.deps.db.select().from(queueJobs).where(eq(queueJobs.orchestrator, O0));
    if (queued.length === 0) await Bun.sleep(25);
  }
  abort.abort();
  await pending;
  expect(queued.length).toBe(1);
  expect(queued[0]!.capability).toBe("upscale");
  expect(queued[0]!.pricePerUnit).toBe("50");
  const tickets = await orch.deps.db.select().from(acceptedTickets);
  expect(tickets.length).toBe(fair.created.tickets);
  // The tickets' EV was credited to the sender (no work done yet, so nothing debited).
  const b = await balance();
  expect(BigInt(b.balance)).toBe(tickets.reduce((s, t) => s + BigInt(t.ev), 0n));
  expect(b.orchestrator).toBe(O0);
});

test("the balance route refuses an orchestrator not hosted here", async () => {
  const res = await fetch(
    `${orch.url}/v1/orchestrator/balance?orchestrator=${addressOf(ORCHS[1]!)}&sender=${sender}`,
  );
  expect(res.status).toBe(404);
  expect(((await res.json()) as { code: string }).code).toBe("ORCHESTRATOR_NOT_FOUND");
});
