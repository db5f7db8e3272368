// The devnet against the real contracts on anvil, scenario by scenario: every step must give the
// same outcome, events and observables on both (test/conformance/harness/run.ts).
import { describe, expect, test } from "bun:test";
import { artifactsMissing } from "../helpers/contracts/artifacts.ts";
import { startPair } from "./harness/run.ts";
import { SCENARIOS } from "./scenarios.ts";

const missing = artifactsMissing();
if (missing) console.warn(`conformance scenarios skipped: ${missing}`);

describe.skipIf(missing !== undefined)("devnet = contracts (named scenarios)", () => {
  for (const s of SCENARIOS) {
    test(s.name, async () => {
      const pair = await startPair({ accounts: s.accounts, numActiveTranscoders: s.seats });
      try {
        let ok = 0;
        for (const a of s.steps) if ((await pair.step(a)).ok) ok++;
        expect(ok).toBeGreaterThan(0);
      } finally {
        await pair.close();
      }
    });
  }
});
