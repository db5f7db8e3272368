// A payments edge as its own process, for tests that need two real processes on one database.
// argv[2]: JSON { dbUrl, host: number[] }. Prints `READY <url>`; each stdin line "redeem" runs
// redeemDueTickets once and prints `REDEEMED <json report>`; "exit" stops.
import { createApp } from "../../src/edge/app.ts";
import { buildDeps } from "../../src/edge/bootstrap.ts";
import { parseConfig } from "../../src/edge/config.ts";
import { openDb } from "../../src/edge/db/client.ts";
import { createDevnet } from "../../src/edge/ledger/devnet.ts";
import { createLogger } from "../../src/edge/logger.ts";
import { redeemDueTickets } from "../../src/edge/services/tickets/redeem.ts";
import { keyOf, ORCHS, paymentsGenesis } from "./payments.ts";

const { dbUrl, host } = JSON.parse(process.argv[2] ?? "{}") as { dbUrl: string; host: number[] };
const handle = await openDb(dbUrl);
const ledger = await createDevnet({ url: dbUrl, handle, genesis: paymentsGenesis() });
const config = parseConfig({
  database: { url: dbUrl },
  ledger: { kind: "devnet", roundSeconds: 0 },
  scheduler: { enabled: false },
  orchestrators: host.map((i) => ({
    privateKey: keyOf(ORCHS[i]!),
    serviceURI: "http://127.0.0.1:1",
    prices: [{ capability: "transcode", pricePerUnit: "3", pixelsPerUnit: "2" }],
    ticket: {
      redeemGas: "1",
      gasPrice: "1000000",
      faceValueMultiplier: "1",
      ev: "1000000",
      expiryBlocks: "10",
    },
  })),
});
const deps = await buildDeps(config, { ledger, dbHandle: handle, logger: createLogger({ level: "silent" }) });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: createApp(deps).fetch });
console.log(`READY http://127.0.0.1:${server.port}`);

const decoder = new TextDecoder();
let buffered = "";
const reader = Bun.stdin.stream().getReader();
for (;;) {
  const { value: chunk, done } = await reader.read();
  if (done) break;
  buffered += decoder.decode(chunk);
  let nl = buffered.indexOf("\n");
  while (nl >= 0) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (line === "redeem") console.log(`REDEEMED ${JSON.stringify(await redeemDueTickets(deps))}`);
    if (line === "exit") {
      server.stop(true);
      await ledger.close();
      handle.close();
      process.exit(0);
    }
    nl = buffered.indexOf("\n");
  }
}
