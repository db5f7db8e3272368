// `npm run chain`, then `LEDGER=chain npm start`, then `npm run example`, as the README says, each as
// its own process: the real contracts deployed and seeded on anvil, the local network on them, the
// example's jobs paid with tickets that win, and the scheduler redeeming them at the TicketBroker.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { createPublicClient, http, parseAbiItem } from "viem";
import { readLocalChain } from "../../../src/edge/entry/local-chain.ts";
import { artifactsMissing, titleWithSkipReason } from "../../helpers/contracts/artifacts.ts";
import { ROOT } from "../../helpers/edge.ts";
import { type LocalNetwork, startNetwork } from "../../helpers/network.ts";

const missing = artifactsMissing();
if (missing) console.warn(`npm run chain test skipped: ${missing}`);

const dataDir = mkdtempSync(join(tmpdir(), "lp-chain-net-"));
let chain: Subprocess | undefined;
let net: LocalNetwork | undefined;
afterAll(async () => {
  await net?.stop();
  chain?.kill("SIGTERM");
  await chain?.exited;
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

test("npm run chain without the artifacts says what it needs and exits 1", () => {
  const empty = mkdtempSync(join(tmpdir(), "lp-no-artifacts-"));
  try {
    const p = Bun.spawnSync([process.execPath, "scripts/chain.ts", "--port", "0"], {
      cwd: ROOT,
      env: { ...process.env, LIVEPEER_PROTOCOL_ARTIFACTS: empty, DATA_DIR: join(empty, "data") },
    });
    expect(p.exitCode).toBe(1);
    expect(p.stderr.toString()).toContain("LIVEPEER_PROTOCOL_ARTIFACTS");
    expect(p.stderr.toString()).toContain("BondingManager");
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

describe.skipIf(missing !== undefined)(
  titleWithSkipReason("npm run chain, LEDGER=chain npm start, npm run example"),
  () => {
    test("the example is paid and its winning tickets are redeemed on chain", async () => {
      const proc = Bun.spawn(
        // Rounds of 150 blocks (30 s): a winner is redeemed once its params expire (40 blocks) and
        // before its validity ends two rounds after creation, so a loaded machine whose scheduler
        // runs late still has most of a round in hand (with 40-block rounds it had 8 s).
        [process.execPath, "scripts/chain.ts", "--port", "0", "--block-ms", "200", "--round-length", "150"],
        { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdout: "pipe", stderr: "inherit" },
      );
      // It prints its summary and a "chain ready" line once deployed and seeded.
      chain = proc;
      const reader = proc.stdout.getReader();
      let out = "";
      while (!out.includes('"chain ready"')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`npm run chain exited (${await proc.exited}): ${out}`);
        out += new TextDecoder().decode(value);
      }
      reader.releaseLock();
      void proc.stdout.pipeTo(new WritableStream()).catch(() => undefined);
      const local = readLocalChain(dataDir)!;
      expect(out).toContain(local.controller);
      expect(out).toContain("LEDGER=chain npm start");

      net = await startNetwork(
        {
          LEDGER: "chain",
          RUNNERS: "1",
          RUNNER_ORCHESTRATORS: "3",
          RUNNER_CAPACITY: "2",
          // Face value = EV: every ticket wins.
          TICKET_MAX_FACE_VALUE: "1000000000000",
          SCHEDULER_INTERVAL_MS: "300",
        },
        { dataDir },
      );

      const { EDGE_URL: _, ...env } = process.env;
      const example = Bun.spawn([process.execPath, "scripts/example.ts", "--url", net.url], {
        cwd: ROOT,
        env,
        stdout: "pipe",
        stderr: "pipe",
      });
      const [exampleOut, exampleErr, code] = await Promise.all([
        new Response(example.stdout).text(),
        new Response(example.stderr).text(),
        example.exited,
      ]);
      expect({ code, err: exampleErr }).toEqual({ code: 0, err: "" });
      expect(exampleOut).toMatch(/Transcode \(3-rendition ladder\): job job_\S+ succeeded/);
      expect(exampleOut).toMatch(/AI image-to-text \(tiny colour classifier\): job job_\S+ succeeded/);
      // The two jobs may land on different hosted orchestrators.
      const paid = [...exampleOut.matchAll(/job job_\S+ succeeded on (0x[0-9a-f]{40})/g)].map((m) => m[1]!);
      expect(paid).toHaveLength(2);

      // Read straight from the chain: the TicketBroker's own events, not the edge's records.
      const client = createPublicClient({ transport: http(local.rpcUrl, { retryCount: 0 }) });
      const redeemed = parseAbiItem(
        "event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)",
      );
      const rewardEvent = parseAbiItem("event Reward(address indexed transcoder, uint256 amount)");
      const logs = async () =>
        client.getLogs({
          address: local.addresses.TicketBroker as `0x${string}`,
          event: redeemed,
          fromBlock: 0n,
        });
      // Winners are redeemed once their params expire (40 blocks of 200 ms); a safety net, not a
      // speed check.
      const deadline = Date.now() + 120_000;
      let found = await logs();
      while (found.length < 2 && Date.now() < deadline) {
        await Bun.sleep(250);
        found = await logs();
      }
      expect(found.length).toBeGreaterThanOrEqual(2);
      for (const l of found) {
        expect(paid).toContain(l.args.recipient!.toLowerCase());
        expect(l.args.faceValue).toBe(1_000_000_000_000n);
      }
      // The scheduler called reward() for the hosted orchestrators on chain too.
      const rewards = await client.getLogs({
        address: local.addresses.BondingManager as `0x${string}`,
        event: rewardEvent,
        fromBlock: 0n,
      });
      const rewarded = rewards.map((r) => r.args.transcoder!.toLowerCase());
      for (const o of paid) expect(rewarded).toContain(o);
    }, 300_000);
  },
);
