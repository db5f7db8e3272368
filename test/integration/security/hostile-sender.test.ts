import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { debit, getBalance } from "../../../src/edge/services/tickets/balance.ts";
import { creditBacking, pendingFaceValue, senderFunds } from "../../../src/edge/services/tickets/float.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { getInfo, sendTickets } from "../../../src/wire/orchestrator-client.ts";
import type { OrchestratorInfoJson } from "../../../src/wire/orchestrator-info.ts";
import {
  ACCOUNTS,
  addressOf,
  type Edge,
  ORCHS,
  type PaymentsNet,
  paymentsNet,
} from "../../helpers/payments.ts";

// A hostile sender (issue 9, break 4): credit at an orchestrator never passes what the sender can
// be made to pay, whatever it asks for and sends.

setDefaultTimeout(120_000);

const O0 = addressOf(ORCHS[0]!);
const HOSTILE = ACCOUNTS[8]!; // unfunded in the genesis; each suite funds it
const sender = addressOf(HOSTILE);

interface Setup {
  net: PaymentsNet;
  orch: Edge;
  payer: Edge;
}

/** An orchestrator edge (face value 100,000 wei, EV 1,000: one ticket in 100 wins) and the sender's own edge. */
async function setup(deposit: bigint, reservePerRecipient: bigint): Promise<Setup> {
  const net = await paymentsNet();
  await net.devnet.fundDepositAndReserve(sender, deposit, reservePerRecipient * 3n); // 3 active orchestrators
  const orch = await net.startEdge({ host: [0], ticket: { faceValue: 100_000n, ev: 1000n } });
  const payer = await net.startEdge({ host: [], sender: HOSTILE });
  await net.setServiceURIs(orch.url, [0]);
  return { net, orch, payer };
}

/** The credit the sender can spend, and what it can be made to pay (pending winners + max float, and deposit + reserve share). */
async function standing(s: Setup) {
  const funds = await senderFunds(s.orch.deps, O0, sender);
  const pending = await pendingFaceValue(s.orch.deps.db, O0, sender);
  return {
    balance: await getBalance(s.orch.deps, O0, sender),
    backing: creditBacking(funds, pending),
    collectable: funds.deposit + funds.claimable,
  };
}

async function send(s: Setup, info: OrchestratorInfoJson, tickets: number) {
  const created = await createPayment(s.payer.deps, info, 0n, { minTickets: tickets });
  return sendTickets(s.orch.url, created.json);
}

describe("a 1-wei-deposit sender asking for five param sets", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(1n, 1_000_000n);
  });
  afterAll(async () => {
    await s?.net.close();
  });

  test("600 tickets on each set credit no more than the reserve share the orchestrator can claim", async () => {
    const infos: OrchestratorInfoJson[] = [];
    for (let i = 0; i < 5; i++)
      infos.push(await getInfo(s.orch.url, { sender, orchestrator: O0 as Address }));
    const refused = new Set<string>();
    let credited = 0n;
    for (const info of infos) {
      // Face values offered never pass the max float.
      expect(BigInt(info.ticketParams.faceValue)).toBeLessThanOrEqual(1_000_000n);
      const r = await send(s, info, 600);
      credited += BigInt(r.credit);
      for (const e of r.errors) refused.add(e.code);
    }
    const now = await standing(s);
    // Asked: 5 × 600 × 1000 wei = 3,000,000 of credit; collectable: 1 wei + 1,000,000.
    expect(credited).toBeLessThanOrEqual(1_000_001n);
    expect(now.balance).toBeLessThanOrEqual(now.backing);
    expect(now.balance).toBeLessThanOrEqual(now.collectable);
    expect(refused).toContain("SENDER_RESERVE_INSUFFICIENT");
  });
});

describe("property: no sequence of requests yields more spendable credit than collectable funds", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(1n, 50_000n);
  });
  afterAll(async () => {
    await s?.net.close();
  });

  type Cmd =
    | { kind: "params" }
    | { kind: "send"; set: number; n: number }
    | { kind: "debit"; amount: number };
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    fc.constant({ kind: "params" as const }),
    fc.record({ kind: fc.constant("send" as const), set: fc.nat(4), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant("debit" as const), amount: fc.integer({ min: 0, max: 20_000 }) }),
  );

  test("balance ≤ pending winners + max float ≤ deposit + reserve share, after every step", async () => {
    const infos: OrchestratorInfoJson[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 8 }), async (cmds) => {
        for (const c of cmds) {
          if (c.kind === "params") {
            // A sender whose float cannot carry one ticket gets no params: that is the rule too.
            const info = await getInfo(s.orch.url, { sender, orchestrator: O0 as Address }).catch(() => null);
            if (info) infos.push(info);
          } else if (c.kind === "send" && infos.length > 0) {
            await send(s, infos[c.set % infos.length]!, c.n).catch((err: { code?: string }) => {
              if (err.code !== "TICKET_NONCE_LIMIT") throw err;
            });
          } else if (c.kind === "debit") {
            await debit(s.orch.deps, O0, sender, BigInt(c.amount));
          }
          const now = await standing(s);
          expect(now.balance).toBeLessThanOrEqual(now.backing);
          expect(now.balance).toBeLessThanOrEqual(now.collectable);
        }
      }),
      { numRuns: 12 },
    );
  });
});
