/**
 * claimEarnings after 1 round vs after 10,000 rounds without a claim (LIP-36: the cost must not
 * depend on the rounds elapsed). 100 delegators of one orchestrator claim once each; in the long
 * case the orchestrator called reward in every 20th of the 10,000 rounds (500 pools on file).
 *   npx bun run bench/devnet/claim-earnings.bench.ts
 */
import type { Devnet } from "../../src/edge/ledger/devnet.ts";
import { benchDevnet, LPT, timeEach } from "./common.ts";

const DELEGATORS = 100;
const ROUNDS = 10_000n;
const REWARD_EVERY = 20n;

async function setup() {
  const n = DELEGATORS + 2;
  return benchDevnet(n, {}, [
    { method: "bond", caller: { account: 1 }, args: [(10_000n * LPT).toString(), { account: 1 }] },
    { method: "transcoder", caller: { account: 1 }, args: ["100000", "500000"] },
    ...Array.from({ length: DELEGATORS }, (_, i) => ({
      method: "bond" as const,
      caller: { account: i + 2 },
      args: [(100n * LPT).toString(), { account: 1 }],
    })),
    { method: "advanceRound", args: [] },
    { method: "initializeRound", caller: { account: 0 }, args: [] },
  ]);
}

async function claimAll(devnet: Devnet, addr: `0x${string}`[]): Promise<number> {
  return timeEach(addr.slice(2).map((a) => () => devnet.claimEarnings(a, 0n)));
}

const short = await setup();
await short.devnet.reward(short.addr[1]!);
await short.devnet.advanceRound();
await short.devnet.initializeRound(short.addr[0]!);
const oneRound = await claimAll(short.devnet, short.addr);
await short.close();

const long = await setup();
const t0 = performance.now();
const start = await long.devnet.currentRound();
const roundLength = await long.devnet.roundLength();
for (let r = start; r < start + ROUNDS; r += REWARD_EVERY) {
  await long.devnet.reward(long.addr[1]!);
  await long.devnet.advanceBlocks(REWARD_EVERY * roundLength);
  await long.devnet.initializeRound(long.addr[0]!);
}
const setupMs = performance.now() - t0;
const elapsed = (await long.devnet.currentRound()) - start;
const manyRounds = await claimAll(long.devnet, long.addr);
const pending = await long.devnet.getDelegator(long.addr[2]!);
await long.close();

console.log(`claimEarnings after 1 round:            ${oneRound.toFixed(3)} ms/claim (${DELEGATORS} claims)`);
console.log(
  `claimEarnings after ${elapsed} rounds:        ${manyRounds.toFixed(3)} ms/claim (${DELEGATORS} claims; setup ${(setupMs / 1000).toFixed(1)} s)`,
);
console.log(`ratio 10,000 rounds / 1 round:            ${(manyRounds / oneRound).toFixed(2)}x`);
console.log(
  `(a delegator's bonded amount after the long claim: ${Number(pending.bondedAmount / 10n ** 15n) / 1000} LPT)`,
);
