// The chain ledger (createChainLedger on viem) against the devnet: the named scenarios again, with
// every action and observation of the chain side going through the Ledger interface on anvil.
import { describe, expect, test } from "bun:test";
import { artifactsMissing, titleWithSkipReason } from "../helpers/contracts/artifacts.ts";
import { playScenario, SCENARIOS } from "./scenarios.ts";

// Redemptions and fees, the transferBond claim check, and a panic: the decoding paths that matter;
// ties at the bottom of the pool and bonds to the zero address: the pool hints the ledger sends.
const COVERED = [0, 1, 2, 3, 4];

const missing = artifactsMissing();
if (missing) console.warn(`chain ledger conformance skipped: ${missing}`);

describe.skipIf(missing !== undefined)(
  titleWithSkipReason("chain ledger = devnet (named scenarios on anvil)"),
  () => {
    for (const s of COVERED.map((i) => SCENARIOS[i]!)) {
      test(s.name, async () => {
        const seen = await playScenario(s, "ledger");
        for (const m of s.mustSee) expect(seen).toContain(m);
      }, 180_000);
    }
  },
);
