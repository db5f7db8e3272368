// The devnet against the real contracts on anvil, scenario by scenario: every step must give the
// same outcome, events and observables on both (test/conformance/harness/run.ts).
import { describe, expect, test } from "bun:test";
import { artifactsMissing, titleWithSkipReason } from "../helpers/contracts/artifacts.ts";
import { playScenario, SCENARIOS } from "./scenarios.ts";

const missing = artifactsMissing();
if (missing) console.warn(`conformance scenarios skipped: ${missing}`);

describe.skipIf(missing !== undefined)(titleWithSkipReason("devnet = contracts (named scenarios)"), () => {
  for (const s of SCENARIOS) {
    test(s.name, async () => {
      const seen = await playScenario(s);
      for (const m of s.mustSee) expect(seen).toContain(m);
    }, 180_000);
  }
});
