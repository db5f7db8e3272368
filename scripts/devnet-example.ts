// Starts a devnet from a genesis file and drives it: the README's example, kept runnable by a test.
// Usage: bun scripts/devnet-example.ts [genesis.json] [file:path.db]
// An existing database file is reused: the run continues from its current round (it moves to a
// fresh round first when this round's reward was already called) and prints what it did.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseCli } from "../src/cli/args.ts";
import { createDevnet } from "../src/edge/ledger/devnet.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../src/edge/ledger/genesis.ts";

const { positionals } = parseCli({
  entry: "devnet-example",
  usage: "bun scripts/devnet-example.ts [genesis.json] [file:path.db]",
  summary: "Starts a devnet from a genesis file and drives it through two rounds of reward and a claim.",
  options: {},
  optionHelp: {},
  positionals:
    "genesis.json (default src/edge/ledger/genesis/default.json), then a libSQL URL (default file:.data/devnet-example.db)",
  env: [],
});
const genesisPath = positionals[0] ?? "src/edge/ledger/genesis/default.json";
const url = positionals[1] ?? "file:.data/devnet-example.db";
if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
const genesis = JSON.parse(readFileSync(genesisPath, "utf8"));
const devnet = await createDevnet({ url, genesis });
const [gateway, orch1, , , delegator] = deriveAccounts(DEFAULT_MNEMONIC, 8).map((a) => a.address);
if (!gateway || !orch1 || !delegator) throw new Error("genesis needs at least 5 accounts");

const log = (record: Record<string, string>) => console.log(JSON.stringify(record));
const show = async (label: string) =>
  log({
    label,
    round: String(await devnet.currentRound()),
    orchestratorStake: String(await devnet.transcoderTotalStake(orch1)),
    delegatorPendingStake: String(await devnet.pendingStake(delegator)),
  });

/** Initializes the current round unless someone already did, and says which it was. */
async function initialize() {
  const round = String(await devnet.currentRound());
  if (await devnet.currentRoundInitialized()) return log({ label: "round already initialized", round });
  await devnet.initializeRound(gateway!);
  log({ label: "initialized round", round });
}

await show("start");
await initialize();
// reward() is callable once per round: on a database an earlier run left in a rewarded round,
// move the clock to the next round first.
if ((await devnet.getTranscoder(orch1)).lastRewardRound === (await devnet.currentRound())) {
  const from = String(await devnet.currentRound());
  const to = String(await devnet.advanceRound());
  log({ label: "reward already called this round: advanced a round", from, round: to });
  await initialize();
}
await devnet.reward(orch1);
await show("after reward");
await devnet.advanceRound(); // the clock moves…
await initialize(); // …and anyone initializes the new round
await devnet.reward(orch1);
await show("next round, after reward");
await devnet.claimEarnings(delegator, await devnet.currentRound());
log({ label: "claimed", bonded: String((await devnet.getDelegator(delegator)).bondedAmount) });
await devnet.close();
