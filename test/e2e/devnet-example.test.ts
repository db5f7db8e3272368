import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The README's "drive a devnet from a script" example must keep working as written.
test("scripts/devnet-example.ts runs on the default genesis and accrues the delegator's reward share", async () => {
  const dir = mkdtempSync(join(tmpdir(), "devnet-example-"));
  try {
    const proc = Bun.spawn(
      [
        process.execPath,
        "scripts/devnet-example.ts",
        "src/edge/ledger/genesis/default.json",
        `file:${dir}/x.db`,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, string>);
    const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
    const genesis = byLabel.genesis!;
    const afterReward = byLabel["after reward"]!;
    const next = byLabel["next round, after reward"]!;
    // reward() grows the orchestrator's stake and the delegator's pending stake, twice over two rounds.
    expect(BigInt(afterReward.orchestratorStake!)).toBeGreaterThan(BigInt(genesis.orchestratorStake!));
    expect(BigInt(afterReward.delegatorPendingStake!)).toBeGreaterThan(
      BigInt(genesis.delegatorPendingStake!),
    );
    expect(BigInt(next.round!)).toBe(BigInt(afterReward.round!) + 1n);
    expect(BigInt(next.delegatorPendingStake!)).toBeGreaterThan(BigInt(afterReward.delegatorPendingStake!));
    // Claiming writes exactly the pending stake into the bond.
    expect(byLabel.claimed!.bonded).toBe(next.delegatorPendingStake!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
