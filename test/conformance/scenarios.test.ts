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
        const seen = new Set<string>();
        for (const a of s.steps) {
          const o = await pair.step(a);
          if (o.ok) for (const e of o.events) seen.add(e.name);
          else seen.add(o.reason);
        }
        for (const m of s.mustSee) expect(seen).toContain(m);
      } finally {
        await pair.close();
      }
    }, 180_000);
  }
});
