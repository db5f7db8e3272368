import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The README's "drive a devnet from a script" example must keep working as written, and again on
// the database file an earlier run left (it continues from that file's round).

type Line = Record<string, string>;

async function runExample(dbUrl: string): Promise<Line[]> {
  const proc = Bun.spawn(
    [process.execPath, "scripts/devnet-example.ts", "src/edge/ledger/genesis/default.json", dbUrl],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  return out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
}

/** reward() grows the stakes twice over two rounds, and claiming bonds exactly the pending stake. */
function expectAccrual(lines: Line[]) {
  const byLabel = Object.fromEntries(lines.map((l) => [l.label, l]));
  const start = byLabel.start!;
  const afterReward = byLabel["after reward"]!;
  const next = byLabel["next round, after reward"]!;
  expect(BigInt(afterReward.orchestratorStake!)).toBeGreaterThan(BigInt(start.orchestratorStake!));
  expect(BigInt(afterReward.delegatorPendingStake!)).toBeGreaterThan(BigInt(start.delegatorPendingStake!));
  expect(BigInt(next.round!)).toBe(BigInt(afterReward.round!) + 1n);
  expect(BigInt(next.delegatorPendingStake!)).toBeGreaterThan(BigInt(afterReward.delegatorPendingStake!));
  expect(byLabel.claimed!.bonded).toBe(next.delegatorPendingStake!);
  return byLabel;
}

test("scripts/devnet-example.ts runs twice on one database file, the second run from where the first stopped", async () => {
  const dir = mkdtempSync(join(tmpdir(), "devnet-example-"));
  try {
    const dbUrl = `file:${dir}/nested/x.db`; // the script creates the directory
    const first = expectAccrual(await runExample(dbUrl));
    expect(first["reward already called this round: advanced a round"]).toBeUndefined();

    const second = expectAccrual(await runExample(dbUrl));
    // It starts where the first run ended: same round, same stakes (claimed into the bond).
    expect(second.start!.round).toBe(first["next round, after reward"]!.round!);
    expect(second.start!.orchestratorStake).toBe(first["next round, after reward"]!.orchestratorStake!);
    // That round's reward was called by the first run, so it moves on a round and says so.
    const advanced = second["reward already called this round: advanced a round"]!;
    expect(advanced.from).toBe(second.start!.round!);
    expect(BigInt(advanced.round!)).toBe(BigInt(advanced.from!) + 1n);
    expect(second["after reward"]!.round).toBe(advanced.round!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
