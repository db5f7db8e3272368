// Long conformance runs: `npm run conformance -- [firstSeed] [seeds] [steps]` replays `seeds`
// seeds of `steps` random actions each, alternating 3 and 100 active seats, against the devnet
// and the contracts on anvil, and stops at the first divergence. CONFORMANCE_VIA=ledger sends the
// chain side through createChainLedger instead of raw contract calls.
import { artifactsMissing } from "../helpers/contracts/artifacts.ts";
import { runSeed } from "./random.ts";

const missing = artifactsMissing();
if (missing) {
  console.error(missing);
  process.exit(2);
}
const [first = 1, count = 20, steps = 300] = process.argv.slice(2).map(Number);
for (let seed = first; seed < first + count; seed++) {
  const seats = seed % 2 === 0 ? 100n : 3n;
  const started = performance.now();
  try {
    const r = await runSeed(
      seed,
      steps,
      seats,
      process.env.CONFORMANCE_VIA === "ledger" ? "ledger" : "contracts",
    );
    const s = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`seed ${seed} (${seats} seats): ${r.ok} applied, ${r.reverted} reverted on both, ${s} s`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
console.log(`${count} seeds, zero divergences`);
