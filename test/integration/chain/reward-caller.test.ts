// The chain ledger against a BondingManager built before delegated reward calling
// (livepeer/protocol#648), as the compiled artifacts are: it finds the functions missing by a call
// (not by a guess), refuses setRewardCaller / rewardForTranscoder with LEDGER_FEATURE_MISSING before
// anything is sent, and reads no reward caller. The feature itself runs on the real contracts in
// test/integration/devnet/reward-caller.test.ts wherever the artifacts have it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { zeroAddress } from "viem";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import { defaultGenesis } from "../../../src/edge/ledger/genesis.ts";
import type { Address } from "../../../src/protocol/types.ts";
import {
  artifactsMissing,
  rewardCallerMissing,
  titleWithSkipReason,
} from "../../helpers/contracts/artifacts.ts";
import { type ChainWorld, startChainWorld } from "../../helpers/contracts/chain-world.ts";

const missing = artifactsMissing();
// Where the artifacts have the upgrade, the other file runs it on the chain and this one has nothing to show.
const upgraded = missing === undefined && rewardCallerMissing() === undefined;
const skip = missing !== undefined || upgraded;

describe.skipIf(skip)(
  titleWithSkipReason(
    `chain ledger on a BondingManager without delegated reward calling${upgraded ? " (skipped: these artifacts have it)" : ""}`,
  ),
  () => {
    let chain: ChainWorld;
    beforeAll(async () => {
      chain = await startChainWorld(defaultGenesis());
    }, 300_000); // deploying the contracts on a loaded machine
    afterAll(async () => {
      await chain?.close();
    });

    test("the missing functions are detected, refused before sending, and read as no caller", async () => {
      const ledger = chain.ledger;
      const orch = chain.accounts[1]!.address as Address;
      const caller = chain.accounts[5]!.address as Address;
      expect(await ledger.rewardCallerSupported()).toBe(false);
      const nonces = async () =>
        Promise.all([orch, caller].map((address) => chain.anvil.client.getTransactionCount({ address })));
      const before = await nonces();
      for (const write of [
        () => ledger.setRewardCaller(orch, caller),
        () => ledger.rewardForTranscoder(caller, orch),
      ]) {
        let err: unknown;
        try {
          await write();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(LedgerError);
        expect((err as LedgerError).code).toBe("LEDGER_FEATURE_MISSING");
        expect((err as LedgerError).message.toLowerCase()).toContain(
          chain.deployed.addresses.BondingManager.toLowerCase(),
        );
      }
      expect(await nonces()).toEqual(before);
      expect(await ledger.transcoderToRewardCaller(orch)).toBe(zeroAddress);
      // The orchestrator's own reward() is unaffected.
      const tx = await ledger.reward(orch);
      expect(tx.events.find((e) => e.name === "Reward")?.args.transcoder).toBe(orch);
    });
  },
);
