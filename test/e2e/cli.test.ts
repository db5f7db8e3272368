import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encryptKeystore } from "../../src/cli/lpx/keystore.ts";
import { genesisAccount, genesisKey, ROOT, tempDir } from "../helpers/edge.ts";
import { type LocalNetwork, makeClip, makePng, startNetwork } from "../helpers/network.ts";

// The CLI run as a process against `npm start` (one edge, gateway + orchestrators, a runner, the
// devnet with short rounds): reads, signed writes with a key from the environment or a keystore,
// orchestrator settings, sender funding and unlock, jobs with a progress bar, and tails.

const MAIN = join(ROOT, "src/cli/lpx/main.ts");
const ETHER = 10n ** 18n;
const tmp = tempDir("lpx-cli-");
let net: LocalNetwork;
const addr = (i: number) => genesisAccount(i).address.toLowerCase();
const [o1, o3, d6] = [addr(1), addr(3), addr(6)];

interface Run {
  code: number | null;
  out: string;
  err: string;
}

async function lpx(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: tmp.dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LPX_EDGE_URL: net.url, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out, err };
}

const api = async <T>(path: string) => (await (await fetch(`${net.url}${path}`)).json()) as T;
/** Waits (polling the API) for a round that is initialized, in its first half, and rewarded by orchestrator 1. */
async function settledRound(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await api<{
      currentRound: string;
      initialized: boolean;
      blockNumber: string;
      startBlock: string;
      roundLength: string;
    }>("/v1/protocol/round");
    const o = await api<{ lastRewardRound: string }>(`/v1/protocol/orchestrators/${o1}`);
    // In the round's first half: far from the lock window at its end, which refuses cut changes.
    const early = (BigInt(r.blockNumber) - BigInt(r.startBlock)) * 2n < BigInt(r.roundLength);
    if (r.initialized && early && o.lastRewardRound === r.currentRound) return;
    if (Date.now() > deadline) throw new Error("the round never settled");
    await Bun.sleep(100);
  }
}

const ok = (r: Run) => {
  expect({ code: r.code, err: r.code === 0 ? "" : r.err }).toEqual({ code: 0, err: "" });
  return r.out;
};

beforeAll(async () => {
  net = await startNetwork({
    RUNNERS: "1",
    RUNNER_ORCHESTRATORS: "3",
    RUNNER_CAPACITY: "2",
    ROUND_SECONDS: "12",
    BLOCK_MS: "200",
  });
}, 120_000);
afterAll(async () => {
  await net?.stop();
  tmp.cleanup();
}, 30_000);

describe("lpx against a running edge", () => {
  test("the bin entries name an executable file with a bun shebang", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ "livepeer-edge": "src/cli/lpx/main.ts", lpx: "src/cli/lpx/main.ts" });
    expect(readFileSync(MAIN, "utf8").startsWith("#!/usr/bin/env bun\n")).toBe(true);
    expect(statSync(MAIN).mode & 0o111).not.toBe(0);
  });

  test("reads: round, active set, an orchestrator's reward history, a delegator; --json is the API's JSON", async () => {
    const round = JSON.parse(ok(await lpx(["round", "--json"]))) as {
      currentRound: string;
      roundLength: string;
    };
    expect(round.roundLength).toBe((await api<{ roundLength: string }>("/v1/protocol/round")).roundLength);
    expect(ok(await lpx(["round"]))).toMatch(/^Round \d+: (initialized|NOT initialized)/);

    const set = ok(await lpx(["orchestrators"]));
    expect(set).toContain("Active set: 3 orchestrators");
    for (const o of [o1, o3]) expect(set).toMatch(new RegExp(`${o} +[\\d,.]+ LPT .*\\(hosted here\\)`));

    const one = ok(await lpx(["orchestrator", o1]));
    expect(one).toContain(`Orchestrator ${o1} (active), hosted by this edge`);
    expect(one).toMatch(/Stake [\d,.]+ LPT, reward cut 10%, fee share 50%/);
    expect(one).toContain("Reward history (newest first):");

    const d = ok(await lpx(["delegator", d6]));
    expect(d).toMatch(new RegExp(`^Delegator ${d6}: Bonded to 0x[0-9a-f]{40}`));
    expect(d).toMatch(/Bonded [\d,.]+ LPT; pending stake [\d,.]+ LPT, pending fees [\d,.]+ ETH/);
  });

  test("bad input and missing keys are one clear line and exit 2; a key is never a flag", async () => {
    const flag = await lpx(["bond", "1", o1, "--key", genesisKey(6)]);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Unknown option '--key'");
    const noKey = await lpx(["bond", "1", o1]);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toBe(
      "lpx: this command signs: set LPX_KEYSTORE (+ LPX_KEYSTORE_PASSWORD) or LPX_PRIVATE_KEY\n",
    );
    const amount = await lpx(["bond", "ten", o1], { LPX_PRIVATE_KEY: genesisKey(6) });
    expect(amount.code).toBe(2);
    expect(amount.err).toContain('amount must be an amount of LPT such as 100 or 0.5 (got "ten")');
    const address = await lpx(["orchestrator", "0x12"]);
    expect(address.code).toBe(2);
    expect((await lpx(["frobnicate"])).err).toContain('unknown command "frobnicate"');
    const down = await lpx(["round"], { LPX_EDGE_URL: "http://127.0.0.1:1" });
    expect(down.code).toBe(1);
    expect(down.err).toContain("cannot reach the edge at http://127.0.0.1:1");
  });

  test("bond with the key from the environment: the Bond event and the delegator's bond grow by the amount", async () => {
    await settledRound();
    const before = await api<{ bondedAmount: string; pendingStake: string }>(`/v1/protocol/delegators/${d6}`);
    const r = ok(await lpx(["bond", "10", o1, "--json"], { LPX_PRIVATE_KEY: genesisKey(6) }));
    const tx = JSON.parse(r) as { caller: string; events: { name: string; args: Record<string, string> }[] };
    expect(tx.caller).toBe(d6);
    const bond = tx.events.find((e) => e.name === "Bond");
    expect(bond?.args.additionalAmount).toBe((10n * ETHER).toString());
    const after = await api<{ bondedAmount: string; delegateAddress: string }>(
      `/v1/protocol/delegators/${d6}`,
    );
    expect(after.delegateAddress).toBe(o1);
    expect(BigInt(after.bondedAmount)).toBeGreaterThanOrEqual(BigInt(before.pendingStake) + 10n * ETHER);
  });

  test("unbond with a keystore key: an unbonding lock of the amount appears; a wrong password is refused", async () => {
    const file = join(tmp.dir, "d6.json");
    writeFileSync(file, JSON.stringify(encryptKeystore(genesisKey(6), "correct horse", 1 << 12)));
    const wrong = await lpx(["unbond", "1", "--force"], {
      LPX_KEYSTORE: file,
      LPX_KEYSTORE_PASSWORD: "nope",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toBe("lpx: keystore: wrong password (the MAC does not match)\n");
    // The bond above moved d6 to orchestrator 1: it is Pending until the next round starts.
    while ((await api<{ status: string }>(`/v1/protocol/delegators/${d6}`)).status !== "Bonded") {
      await Bun.sleep(200);
    }
    await settledRound();
    const r = ok(await lpx(["unbond", "1"], { LPX_KEYSTORE: file, LPX_KEYSTORE_PASSWORD: "correct horse" }));
    expect(r).toMatch(new RegExp(`^unbond 1 LPT: applied in round \\d+ as ${d6} \\(tx 0x[0-9a-f]+\\)`));
    const d = JSON.parse(ok(await lpx(["delegator", d6, "--json"]))) as {
      unbondingLocks: { amount: string }[];
    };
    expect(d.unbondingLocks.map((l) => l.amount)).toContain(ETHER.toString());
  });

  test("orchestrator settings and sender funding, then unlock", async () => {
    await settledRound();
    ok(await lpx(["set-cuts", "12.5", "40"], { LPX_PRIVATE_KEY: genesisKey(3) }));
    const o = await api<{ rewardCut: string; feeShare: string }>(`/v1/protocol/orchestrators/${o3}`);
    expect([o.rewardCut, o.feeShare]).toEqual(["125000", "400000"]);

    expect(ok(await lpx(["fund", "0.5", "0.25"], { LPX_PRIVATE_KEY: genesisKey(6) }))).toContain(
      "fund deposit 0.5 ETH and reserve 0.25 ETH: applied",
    );
    const s = JSON.parse(ok(await lpx(["sender", d6, "--json"]))) as {
      deposit: string;
      reserve: { fundsRemaining: string };
    };
    expect([s.deposit, s.reserve.fundsRemaining]).toEqual([(ETHER / 2n).toString(), (ETHER / 4n).toString()]);
    ok(await lpx(["unlock"], { LPX_PRIVATE_KEY: genesisKey(6) }));
    expect(ok(await lpx(["sender", d6]))).toMatch(/Unlocking: withdrawable from round \d+/);
  });

  test("tail rewards prints the next reward() of a hosted orchestrator", async () => {
    const r = ok(await lpx(["tail", "rewards", "--count", "1", "--interval", "200"]));
    expect(r).toMatch(/^round \d+: 0x[0-9a-f]{40} reward\(\) [\d,.]+ LPT \(tx 0x[0-9a-f]+\)\n$/);
  }, 60_000);

  test("a transcode job with a progress bar, and tail jobs sees an AI job go through", async () => {
    const clip = join(tmp.dir, "clip.ts");
    await makeClip(clip, { width: 320, height: 180, seconds: 1 });
    const r = await lpx(["job", "transcode", clip, "--interval", "200"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^job job_\S+ succeeded on 0x[0-9a-f]{40} for [\d,.]+ ETH/);
    expect(r.out).toContain("output ");
    expect(r.err).toMatch(/transcode job_\S+ \[[^\]]+\] 100% succeeded/);

    const png = join(tmp.dir, "red.png");
    await makePng(png, "red");
    // The tail says on stderr when its first poll (history, not news) is done; then the job runs.
    const tail = Bun.spawn(
      [process.execPath, MAIN, "tail", "jobs", "--count", "1", "--interval", "200", "--json"],
      {
        cwd: tmp.dir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LPX_EDGE_URL: net.url },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const reader = tail.stderr.getReader();
    let said = "";
    while (!said.includes("lpx: following jobs")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`tail ended: ${said}`);
      said += new TextDecoder().decode(value);
    }
    const job = await lpx(["job", "image-to-text", png, "--interval", "200", "--json"]);
    const done = JSON.parse(ok(job)) as { id: string; status: string };
    expect(done.status).toBe("succeeded");
    const [tailOut, code] = await Promise.all([new Response(tail.stdout).text(), tail.exited]);
    expect(code).toBe(0);
    const line = JSON.parse(tailOut.trim()) as { id: string; capability: string; status: string };
    expect(line).toMatchObject({ id: done.id, capability: "image-to-text" });
  }, 120_000);
});
