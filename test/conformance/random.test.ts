// Seeded random sequences applied to the devnet and to the contracts on anvil: zero divergences.
// A few short seeds here; `npm run conformance` replays many long ones.
import { describe, expect, test } from "bun:test";
import { artifactsMissing, titleWithSkipReason } from "../helpers/contracts/artifacts.ts";
import { runSeed } from "./random.ts";

const missing = artifactsMissing();
if (missing) console.warn(`conformance seeds skipped: ${missing}`);

describe.skipIf(missing !== undefined)(
  titleWithSkipReason("devnet = contracts (seeded random sequences)"),
  () => {
    for (const [seed, seats] of [
      [11, 3n],
      [12, 100n],
    ] as const) {
      test(`seed ${seed}, ${seats} seats, 40 steps`, async () => {
        const r = await runSeed(seed, 40, seats);
        expect(r.ok + r.reverted).toBeGreaterThan(40);
        expect(r.ok).toBeGreaterThan(0);
      }, 180_000);
    }
  },
);
