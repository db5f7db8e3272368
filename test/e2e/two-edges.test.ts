import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type DbHandle, openDb } from "../../src/edge/db/client.ts";
import { rewardCalls } from "../../src/edge/db/schema/edge.ts";
import { createDevnet, type Devnet } from "../../src/edge/ledger/devnet.ts";
import { defaultGenesis } from "../../src/edge/ledger/genesis.ts";
import {
  type EdgeProcess,
  genesisAccount,
  genesisKey,
  json,
  startEdgeProcess,
  tempDir,
} from "../helpers/edge.ts";

// Two real edge processes on one database file, both hosting orchestrators 1, 2 and 3, their
// schedulers ticking every 100 ms. The test starts each new devnet round itself (rounds advance
// only on request) and waits until that round's reward calls are recorded, so no round can end
// before a slow machine's schedulers acted in it. The database lease lets one act at a time; the
// record must show exactly one reward() per orchestrator per round.
const tmp = tempDir("edge-two-");
const procs: EdgeProcess[] = [];
let handle: DbHandle | undefined;
let devnet: Devnet | undefined;
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await devnet?.close();
  handle?.close();
  tmp.cleanup();
});

const ORCHS = [1, 2, 3].map((i) => genesisAccount(i).address.toLowerCase());

test("two edges on one database: each orchestrator gets exactly one reward call per round", async () => {
  const dbUrl = `file:${join(tmp.dir, "shared.db")}`;
  const env = {
    DATABASE_URL: dbUrl,
    ROLES: "orchestrator",
    ROUND_SECONDS: "0",
    BLOCK_MS: "100",
    SCHEDULER_INTERVAL_MS: "100",
    ORCHESTRATOR_KEYS: [1, 2, 3].map(genesisKey).join(","),
  };
  // Started together: they also race to write the devnet genesis.
  procs.push(...(await Promise.all([startEdgeProcess("bun", env), startEdgeProcess("bun", env)])));
  const [a, b] = procs as [EdgeProcess, EdgeProcess];
  const roundOf = async (p: EdgeProcess) =>
    BigInt((await json<{ currentRound: string }>(await fetch(`${p.url}/v1/protocol/round`))).currentRound);
  const db = await openDb(dbUrl, { migrate: false });
  handle = db;
  // This process's handle on the shared devnet: the only thing that moves its rounds.
  const chain = await createDevnet({ url: dbUrl, handle: db, genesis: defaultGenesis() });
  devnet = chain;
  const succeededIn = async (round: bigint) =>
    (await db.db.select().from(rewardCalls)).filter(
      (c) => BigInt(c.round) === round && c.status === "succeeded" && ORCHS.includes(c.orchestrator),
    ).length;
  const r0 = await roundOf(a);
  // Three rounds, each started here and left only once every orchestrator's reward is recorded.
  for (let r = r0 + 1n; r <= r0 + 3n; r++) {
    expect(await chain.advanceRound()).toBe(r);
    expect(await roundOf(b)).toBe(r);
    const deadline = Date.now() + 60_000;
    while ((await succeededIn(r)) < ORCHS.length && Date.now() < deadline) await Bun.sleep(50);
    expect(await succeededIn(r)).toBe(ORCHS.length);
  }
  const rEnd = await roundOf(a);
  expect(rEnd).toBe(r0 + 3n);
  // Both schedulers ran: one led, the other ticked as a follower.
  const ticks = async (p: EdgeProcess, outcome: string) => {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    return Number(
      text.match(new RegExp(`livepeer_scheduler_ticks_total\\{outcome="${outcome}"\\} (\\d+)`))?.[1] ?? 0,
    );
  };
  const led = [
    (await ticks(a, "led")) + (await ticks(a, "partial")),
    (await ticks(b, "led")) + (await ticks(b, "partial")),
  ];
  const followed = [await ticks(a, "follower"), await ticks(b, "follower")];
  expect(led[0]! + led[1]!).toBeGreaterThan(0);
  expect(followed[0]! + followed[1]!).toBeGreaterThan(0);
  expect((await Promise.all(procs.map((p) => p.stop()))).every((code) => code === 0)).toBe(true);
  procs.length = 0;

  const rewards = (await chain.getEvents({ name: "Reward" })).filter((e) =>
    ORCHS.includes(String(e.args.transcoder).toLowerCase()),
  );
  const calls = await db.db.select().from(rewardCalls);
  for (let r = r0 + 1n; r <= rEnd; r++) {
    for (const o of ORCHS) {
      const events = rewards.filter((e) => e.round === r && String(e.args.transcoder).toLowerCase() === o);
      expect({ round: r, o, events: events.length }).toEqual({ round: r, o, events: 1 });
      const rows = calls.filter((c) => BigInt(c.round) === r && c.orchestrator === o);
      expect(rows).toHaveLength(1);
      // One attempt, succeeded: no edge ever tried a second reward() for the same round.
      expect(rows[0]).toMatchObject({ status: "succeeded", attempts: 1, ref: events[0]!.ref });
    }
  }
  expect(calls.every((c) => c.status === "succeeded" && c.attempts === 1)).toBe(true);
}, 180_000);
