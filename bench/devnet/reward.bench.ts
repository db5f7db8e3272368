/**
 * reward() for 100 active orchestrators in one round, against the same call with 1 active
 * orchestrator and against a minimal write transaction (advanceBlocks(0)) on the same file.
 *   npx bun run bench/devnet/reward.bench.ts
 */
import { benchDevnet, LPT, timeEach } from "./common.ts";

async function network(active: number) {
  return benchDevnet(active + 1, { numActiveTranscoders: String(active) }, [
    ...Array.from({ length: active }, (_, i) => [
      {
        method: "bond" as const,
        caller: { account: i + 1 },
        args: [((1000n + BigInt(i)) * LPT).toString(), { account: i + 1 }],
      },
      { method: "transcoder" as const, caller: { account: i + 1 }, args: ["100000", "500000"] },
    ]).flat(),
    { method: "advanceRound", args: [] },
    { method: "initializeRound", caller: { account: 0 }, args: [] },
  ]);
}

const big = await network(100);
const noop = await timeEach(Array.from({ length: 100 }, () => () => big.devnet.advanceBlocks(0n)));
const t0 = performance.now();
const per100 = await timeEach(big.addr.slice(1).map((a) => () => big.devnet.reward(a)));
const total100 = performance.now() - t0;
const minted = await big.devnet.currentMintedTokens();
const mintable = await big.devnet.currentMintableTokens();
await big.close();

const one = await network(1);
let oneMs = 0;
const ROUNDS = 20;
for (let i = 0; i < ROUNDS; i++) {
  const t = performance.now();
  await one.devnet.reward(one.addr[1]!);
  oneMs += performance.now() - t;
  await one.devnet.advanceRound();
  await one.devnet.initializeRound(one.addr[0]!);
}
const perOne = oneMs / ROUNDS;
await one.close();

console.log(
  `reward() x100 active orchestrators, one round: ${total100.toFixed(1)} ms total, ${per100.toFixed(3)} ms/call`,
);
console.log(`reward() with 1 active orchestrator:           ${perOne.toFixed(3)} ms/call (${ROUNDS} rounds)`);
console.log(`ratio per call, 100 active / 1 active:         ${(per100 / perOne).toFixed(2)}x`);
console.log(`minimal write transaction (advanceBlocks(0)):  ${noop.toFixed(3)} ms/call`);
console.log(`ratio reward / minimal write:                  ${(per100 / noop).toFixed(2)}x`);
console.log(`minted ${minted} of mintable ${mintable} (never more)`);
