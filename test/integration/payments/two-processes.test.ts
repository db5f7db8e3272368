import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { getInfo, sendTickets } from "../../../src/client/orchestrator.ts";
import { createPayment } from "../../../src/edge/services/gateway/sender.ts";
import { getBalance } from "../../../src/edge/services/tickets/balance.ts";
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

// Two real edge processes on one libSQL file (the "two edges on one database").
let net: PaymentsNet;
let gateway: Edge;
const children: ReturnType<typeof spawnEdge>[] = [];
const O0 = addressOf(ORCHS[0]!);
const sender = addressOf(GATEWAY);

function spawnEdge(dbUrl: string) {
  const proc = Bun.spawn(
    [process.execPath, "test/helpers/payments-edge-process.ts", JSON.stringify({ dbUrl, host: [0] })],
    {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  async function nextLine(prefix: string): Promise<string> {
    for (;;) {
      const nl = buffered.indexOf("\n");
      if (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("edge process exited");
      buffered += decoder.decode(value);
    }
  }
  return {
    proc,
    url: nextLine("READY "),
    async redeem() {
      proc.stdin.write("redeem\n");
      proc.stdin.flush();
      return JSON.parse(await nextLine("REDEEMED ")) as {
        redeemed: number;
        alreadyUsed: number;
        claimed: number;
      };
    },
  };
}

beforeAll(async () => {
  net = await paymentsNet();
  gateway = await net.startEdge({ host: [] });
  children.push(spawnEdge(net.dbUrl), spawnEdge(net.dbUrl));
});
afterAll(async () => {
  for (const c of children) {
    c.proc.stdin.write("exit\n");
    c.proc.stdin.flush();
  }
  await Promise.all(children.map((c) => c.proc.exited));
  await net?.close();
});

describe("two edge processes on one database", () => {
  test("the same winning tickets sent to both are accepted once and redeemed once", async () => {
    const [urlA, urlB] = await Promise.all(children.map((c) => c.url));
    const info = await getInfo(urlA!, { sender, orchestrator: O0 });
    const created = await createPayment(gateway.deps, info, 1n, { minTickets: 6 });
    const before = await getBalance(gateway.deps, O0, sender);
    const [a, b] = await Promise.all([sendTickets(urlA!, created.json), sendTickets(urlB!, created.json)]);
    expect(a.accepted + b.accepted).toBe(6);
    expect(a.won + b.won).toBe(6); // EV = face value in the child config
    for (const e of [...a.errors, ...b.errors]) expect(e.code).toBe("TICKET_NONCE_REPLAYED");
    expect(await getBalance(gateway.deps, O0, sender)).toBe(before + 6n * created.ev);

    await net.devnet.advanceBlocks(
      BigInt(info.ticketParams.expirationBlock) - (await net.devnet.blockNumber()) + 1n,
    );
    if (!(await net.devnet.currentRoundInitialized())) await net.devnet.initializeRound(sender);
    const eventsBefore = (await net.devnet.getEvents({ name: "WinningTicketRedeemed" })).length;
    const [ra, rb] = await Promise.all(children.map((c) => c.redeem()));
    expect(ra!.redeemed + rb!.redeemed).toBe(6);
    expect(ra!.alreadyUsed + rb!.alreadyUsed).toBe(0);
    expect((await net.devnet.getEvents({ name: "WinningTicketRedeemed" })).length - eventsBefore).toBe(6);
  }, 60_000); // two bun processes start here: allow for a loaded machine
});
