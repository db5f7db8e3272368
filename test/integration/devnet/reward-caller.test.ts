// Delegated reward calling (BondingManager.setRewardCaller / rewardForTranscoder, livepeer/protocol#648)
// through the Ledger interface: on the devnet always, and on the real contracts on anvil where the
// artifacts have the upgrade (the current ones predate it: that variant is skipped, its title says why).
// Network as in rewards.test.ts: O1 = acct1 (self 3,000, cut 10%), O2 = acct2 (self 4,000), D = acct4
// (1,000 to O1), C = acct5 (O1's reward caller), S = acct6 (a stranger). Genesis ends in round 2.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { zeroAddress } from "viem";
import { createDevnet } from "../../../src/edge/ledger/devnet.ts";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import type { GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import type { Ledger, TxResult } from "../../../src/edge/ledger/types.ts";
import type { Address } from "../../../src/protocol/types.ts";
import { rewardCallerMissing } from "../../helpers/contracts/artifacts.ts";
import { LPT, testGenesis } from "../../helpers/devnet.ts";
import { type LedgerKind, type LedgerWorld, ledgerWorld } from "../../helpers/ledgers.ts";

const network: GenesisInput = testGenesis({
  actions: [
    { method: "bond", caller: { account: 1 }, args: [(3000n * LPT).toString(), { account: 1 }] },
    { method: "transcoder", caller: { account: 1 }, args: ["100000", "500000"] },
    { method: "bond", caller: { account: 2 }, args: [(4000n * LPT).toString(), { account: 2 }] },
    { method: "transcoder", caller: { account: 2 }, args: ["250000", "750000"] },
    { method: "bond", caller: { account: 4 }, args: [(1000n * LPT).toString(), { account: 1 }] },
    { method: "advanceRound", args: [] },
    { method: "initializeRound", caller: { account: 0 }, args: [] },
  ],
});

async function revertCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LedgerError) return e.code;
    throw e;
  }
  throw new Error("expected a revert");
}

const rewardOf = (tx: TxResult) => tx.events.find((e) => e.name === "Reward");

function body(kind: LedgerKind): void {
  const w: LedgerWorld = ledgerWorld(kind, network);
  beforeAll(() => w.fresh(), 300_000); // deploying the contracts on a loaded machine
  afterAll(() => w.close());
  const [, o1, o2, , , c, s] = w.addr as Address[];

  test("setRewardCaller records the caller and emits RewardCallerSet(transcoder, rewardCaller)", async () => {
    const ledger = await w.fresh();
    expect(await ledger.transcoderToRewardCaller(o1!)).toBe(zeroAddress);
    const tx = await ledger.setRewardCaller(o1!, c!);
    expect(tx.events.map((e) => [e.name, e.args])).toEqual([
      ["RewardCallerSet", { transcoder: o1!, rewardCaller: c! }],
    ]);
    expect(await ledger.transcoderToRewardCaller(o1!)).toBe(c!);
    expect(await ledger.transcoderToRewardCaller(o2!)).toBe(zeroAddress);
    const logged = await ledger.getEvents({ name: "RewardCallerSet", address: o1! });
    expect(logged.map((e) => e.args)).toEqual([{ transcoder: o1!, rewardCaller: c! }]);
  });

  test("only the registered caller may call: a stranger, the caller for another orchestrator, and a cleared caller revert", async () => {
    const ledger = await w.fresh();
    await ledger.setRewardCaller(o1!, c!);
    expect(await revertCode(ledger.rewardForTranscoder(s!, o1!))).toBe("CALLER_NOT_REWARD_CALLER");
    // O1 itself is not its own reward caller: it calls reward().
    expect(await revertCode(ledger.rewardForTranscoder(o1!, o1!))).toBe("CALLER_NOT_REWARD_CALLER");
    expect(await revertCode(ledger.rewardForTranscoder(c!, o2!))).toBe("CALLER_NOT_REWARD_CALLER");
    await ledger.setRewardCaller(o1!, zeroAddress);
    expect(await ledger.transcoderToRewardCaller(o1!)).toBe(zeroAddress);
    expect(await revertCode(ledger.rewardForTranscoder(c!, o1!))).toBe("CALLER_NOT_REWARD_CALLER");
    // Nothing was minted by the refused calls.
    expect(await ledger.currentMintedTokens()).toBe(0n);
  });

  test("the caller's reward is exactly the orchestrator's own: amount, CRF, stake and events keyed on it", async () => {
    // The orchestrator's own reward() from the genesis state ...
    let ledger = await w.fresh();
    const own = await ledger.reward(o1!);
    const ownPool = await ledger.getTranscoderEarningsPoolForRound(o1!, 2n);
    const ownStake = await ledger.transcoderTotalStake(o1!);
    const ownTranscoder = await ledger.getTranscoder(o1!);
    // ... and its caller's, from the same state.
    ledger = await w.fresh();
    await ledger.setRewardCaller(o1!, c!);
    const viaCaller = await ledger.rewardForTranscoder(c!, o1!);
    // Half the active stake of 8,000 LPT: 2,004 of the 4,008 LPT mintable (rewards.test.ts).
    expect(rewardOf(own)?.args).toEqual({ transcoder: o1!, amount: 2004n * LPT });
    expect(rewardOf(viaCaller)?.args).toEqual(rewardOf(own)?.args);
    expect(await ledger.getTranscoderEarningsPoolForRound(o1!, 2n)).toEqual(ownPool);
    expect(await ledger.transcoderTotalStake(o1!)).toBe(ownStake);
    expect(await ledger.getTranscoder(o1!)).toEqual(ownTranscoder);
    expect((await ledger.getTranscoder(o1!)).lastRewardRound).toBe(2n);
    // The caller is no transcoder: nothing was recorded for it.
    expect((await ledger.getTranscoder(c!)).lastRewardRound).toBe(0n);
    expect(await ledger.balanceOf(c!)).toBe(1_000_000n * LPT);
  });

  test("once per round, shared with the orchestrator's own reward(); again in the next round", async () => {
    const ledger: Ledger = await w.fresh();
    await ledger.setRewardCaller(o1!, c!);
    await ledger.rewardForTranscoder(c!, o1!);
    expect(await revertCode(ledger.rewardForTranscoder(c!, o1!))).toBe("REWARD_ALREADY_CALLED");
    expect(await revertCode(ledger.reward(o1!))).toBe("REWARD_ALREADY_CALLED");
    await w.advanceRound();
    expect(await revertCode(ledger.rewardForTranscoder(c!, o1!))).toBe("ROUND_NOT_INITIALIZED");
    await ledger.initializeRound(w.addr[0]!);
    const next = await ledger.rewardForTranscoder(c!, o1!);
    expect(rewardOf(next)?.args.transcoder).toBe(o1!);
    expect(await ledger.reward(o2!)).toBeDefined(); // O2's own call is untouched
    const rewards = await ledger.getEvents({ name: "Reward", address: o1! });
    expect(rewards.map((e) => e.round)).toEqual([2n, 3n]);
  });

  test("an inactive orchestrator's caller gets the orchestrator's revert", async () => {
    const ledger = await w.fresh();
    await ledger.setRewardCaller(s!, c!);
    expect(await revertCode(ledger.rewardForTranscoder(c!, s!))).toBe("CALLER_NOT_ACTIVE");
  });
}

describe("delegated reward calling [devnet]", () => {
  body("devnet");

  test("the reward caller survives a restart (devnet_reward_callers)", async () => {
    const w = ledgerWorld("devnet", network);
    try {
      const ledger = await w.fresh();
      const [, o1, , , , c] = w.addr as Address[];
      await ledger.setRewardCaller(o1!, c!);
      const url = (ledger as unknown as { url: string }).url;
      const again = await createDevnet({ url, genesis: network });
      try {
        expect(await again.transcoderToRewardCaller(o1!)).toBe(c!);
        expect((await again.rewardForTranscoder(c!, o1!)).events.map((e) => e.name)).toContain("Reward");
      } finally {
        await again.close();
      }
    } finally {
      await w.close();
    }
  });
});

const missing = rewardCallerMissing();
if (missing) console.warn(`delegated reward calling on the real contracts skipped: ${missing}`);
describe.skipIf(missing !== undefined)(
  `delegated reward calling [chain: real contracts on anvil]${missing ? ` (skipped: ${missing})` : ""}`,
  () => body("chain"),
);
