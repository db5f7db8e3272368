// The scheduler with only reward-caller keys (REWARD_CALLER_KEYS): the edge holds no orchestrator key
// at all, and rewards orchestrators 1 and 2 of the default genesis through their callers (accounts 5
// and 6) with rewardForTranscoder. On the devnet always; on the real contracts on anvil where the
// artifacts have delegated reward calling (the current ones predate it: skipped, the title says why).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { loadConfig } from "../../../src/edge/config-load.ts";
import { rewardCalls } from "../../../src/edge/db/schema/edge.ts";
import { defaultGenesis } from "../../../src/edge/ledger/genesis.ts";
import type { Ledger } from "../../../src/edge/ledger/types.ts";
import { tick } from "../../../src/edge/scheduler/tick.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { rewardCallerMissing } from "../../helpers/contracts/artifacts.ts";
import { type ChainWorld, startChainWorld } from "../../helpers/contracts/chain-world.ts";
import { devnetOf, genesisAccount, genesisKey, makeEdge, type TestEdge } from "../../helpers/edge.ts";
import { edgeOn, type LedgerKind } from "../../helpers/ledgers.ts";

const lower = (a: string) => a.toLowerCase() as Address;
const orch1 = lower(genesisAccount(1).address);
const orch2 = lower(genesisAccount(2).address);
const orch3 = lower(genesisAccount(3).address);
const caller1 = lower(genesisAccount(5).address);
const caller2 = lower(genesisAccount(6).address);

function body(kind: LedgerKind): void {
  let edge: TestEdge;
  let chain: ChainWorld | undefined;
  /** Signs for anyone: the devnet itself, or anvil's unlocked accounts (the orchestrators' own keys). */
  let admin: Ledger;

  beforeAll(async () => {
    if (kind === "chain") chain = await startChainWorld(defaultGenesis());
    // The environment as an operator would write it; the config is the loader's.
    const { rewardCallers } = loadConfig({
      REWARD_CALLER_KEYS: `${orch1}=${genesisKey(5)}, ${orch2}=${genesisKey(6)}`,
    });
    edge = await makeEdge({ rewardCallers }, await edgeOn(chain, [genesisAccount(5), genesisAccount(6)]));
    admin = chain ? chain.ledger : edge.deps.ledger;
    // Orchestrator 1 names its caller with its own (cold) key; orchestrator 2 not yet.
    await admin.setRewardCaller(orch1, caller1);
  }, 300_000); // deploying the contracts on a loaded machine
  afterAll(async () => {
    await edge?.close();
    await chain?.close();
  });

  const advanceRound = () => (chain ? chain.advanceRound() : devnetOf(edge).advanceRound());
  const row = async (orchestrator: Address, round: bigint) =>
    (
      await edge.deps.db
        .select()
        .from(rewardCalls)
        .where(and(eq(rewardCalls.orchestrator, orchestrator), eq(rewardCalls.round, Number(round))))
    )[0];

  test("no orchestrator key on the edge: the callers reward, a caller not yet named fails with its code", async () => {
    expect(edge.deps.keys.orchestrators.size).toBe(0);
    expect([...edge.deps.keys.rewardCallers.keys()].sort()).toEqual([orch1, orch2].sort());
    await advanceRound();
    const t = await tick(edge.deps);
    expect(t.errors).toEqual([]);
    const round = await edge.deps.ledger.currentRound();
    expect(t.initialized).toBe(round); // by a reward caller's key, the only ones it has
    expect(t.rewards.map((r) => r.orchestrator).sort()).toEqual([orch1, orch2].sort());
    expect(t.rewards.find((r) => r.orchestrator === orch1)?.status).toBe("succeeded");
    expect(t.rewards.find((r) => r.orchestrator === orch2)).toMatchObject({ status: "failed" });
    expect(await row(orch2, round)).toMatchObject({
      status: "failed",
      errorCode: "CALLER_NOT_REWARD_CALLER",
    });
    const rewarded = await row(orch1, round);
    expect(rewarded?.status).toBe("succeeded");
    const events = (await edge.deps.ledger.getEvents({ name: "Reward" })).filter((e) => e.round === round);
    // Keyed on the orchestrator, never the caller; orchestrator 3 has no caller here and is left alone.
    expect(events.map((e) => lower(e.args.transcoder as string))).toEqual([orch1]);
    expect(String(events[0]!.args.amount)).toBe(rewarded!.amount!);
    expect((await edge.deps.ledger.getTranscoder(orch3)).lastRewardRound).toBeLessThan(round);
    if (chain) {
      const tx = await chain.anvil.client.getTransaction({ hash: rewarded!.ref as `0x${string}` });
      expect(lower(tx.from)).toBe(caller1);
    }
  });

  test("once orchestrator 2 names its caller, the next tick rewards it; a third tick records nothing new", async () => {
    const round = await edge.deps.ledger.currentRound();
    await admin.setRewardCaller(orch2, caller2);
    const t = await tick(edge.deps);
    expect(t.rewards.find((r) => r.orchestrator === orch2)?.status).toBe("succeeded");
    expect(t.rewards.find((r) => r.orchestrator === orch1)).toMatchObject({ status: "skipped" });
    expect(await row(orch2, round)).toMatchObject({ status: "succeeded", attempts: 2, errorCode: null });
    const again = await tick(edge.deps);
    expect(again.rewards.map((r) => r.status)).toEqual(["skipped", "skipped"]);
    const events = (await edge.deps.ledger.getEvents({ name: "Reward" })).filter((e) => e.round === round);
    expect(events.map((e) => lower(e.args.transcoder as string)).sort()).toEqual([orch1, orch2].sort());
  });
}

describe("scheduler with only reward-caller keys [devnet]", () => body("devnet"));

const missing = rewardCallerMissing();
describe.skipIf(missing !== undefined)(
  `scheduler with only reward-caller keys [chain: real contracts on anvil]${missing ? ` (skipped: ${missing})` : ""}`,
  () => body("chain"),
);
