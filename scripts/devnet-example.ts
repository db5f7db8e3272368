// Starts a devnet from a genesis file and drives it: the README's example, kept runnable by a test.
// Usage: bun scripts/devnet-example.ts [genesis.json] [file:path.db]
import { readFileSync } from "node:fs";
import { createDevnet } from "../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../src/edge/ledger/genesis.ts";

const genesisPath = process.argv[2] ?? "src/edge/ledger/genesis/default.json";
const url = process.argv[3] ?? "file:.data/devnet-example.db";
const genesis = JSON.parse(readFileSync(genesisPath, "utf8"));
const devnet = await createDevnet({ url, genesis });
const [gateway, orch1, , , delegator] = deriveAccounts(DEFAULT_MNEMONIC, 8).map((a) => a.address);
if (!gateway || !orch1 || !delegator) throw new Error("genesis needs at least 5 accounts");

const show = async (label: string) =>
  console.log(
    JSON.stringify({
      label,
      round: String(await devnet.currentRound()),
      orchestratorStake: String(await devnet.transcoderTotalStake(orch1)),
      delegatorPendingStake: String(await devnet.pendingStake(delegator)),
    }),
  );

await show("genesis");
if (!(await devnet.currentRoundInitialized())) await devnet.initializeRound(gateway);
await devnet.reward(orch1); // once per round
await show("after reward");
await devnet.advanceRound(); // the clock moves…
await devnet.initializeRound(gateway); // …and anyone initializes the new round
await devnet.reward(orch1);
await show("next round, after reward");
await devnet.claimEarnings(delegator, await devnet.currentRound());
console.log(
  JSON.stringify({ label: "claimed", bonded: String((await devnet.getDelegator(delegator)).bondedAmount) }),
);
await devnet.close();
