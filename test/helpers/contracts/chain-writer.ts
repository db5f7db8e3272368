// A separate process writing through its own chain ledger with a key another process also uses
// (two edges sharing keys). Reads commands from stdin, one per line: "one" sends one deposit,
// "many N" sends N concurrent deposits; after each it prints {"hashes":[...]} on stdout.
// Usage: bun chain-writer.ts RPC_URL CONTROLLER PRIVATE_KEY
import { createInterface } from "node:readline";
import { privateKeyToAccount } from "viem/accounts";
import { createChainLedger } from "../../../src/edge/ledger/chain/ledger.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";

const [url, controller, key] = process.argv.slice(2) as [string, Address, Hex];
const account = privateKeyToAccount(key);
const ledger = await createChainLedger({ url, controller, accounts: [account], pollingIntervalMs: 10 });
const me = account.address.toLowerCase() as Address;
console.log(JSON.stringify({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, n] = line.trim().split(" ");
  if (cmd === "exit") break;
  const count = cmd === "many" ? Number(n) : 1;
  try {
    const writes = await Promise.all(Array.from({ length: count }, () => ledger.fundDeposit(me, 1n)));
    console.log(JSON.stringify({ hashes: writes.map((w) => w.ref) }));
  } catch (err) {
    console.log(JSON.stringify({ error: (err as Error).message }));
  }
}
await ledger.close();
process.exit(0);
