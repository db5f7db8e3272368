// Writes the genesis state (clock, params, scalars, balances) in one transaction, once per file.
import { eq } from "drizzle-orm";
import { keccak256, toHex } from "viem";
import type { DbHandle } from "../../db/client.ts";
import { devnetBalances, devnetState } from "../../db/schema/devnet.ts";
import { retryBusy, writeTx } from "../../db/tx.ts";
import type { Genesis } from "../genesis.ts";
import { PARAM_KEYS } from "./context.ts";

export interface ClockOptions {
  nowMs: number;
  roundSeconds: number;
  blockMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function roundLengthFor(genesis: Genesis, c: ClockOptions): bigint {
  if (c.roundSeconds <= 0) return genesis.params.roundLength;
  const ms = c.roundSeconds * 1000;
  if (!Number.isInteger(c.blockMs) || c.blockMs <= 0 || ms % c.blockMs !== 0) {
    throw new RangeError(`roundSeconds*1000 (${ms}) must be a multiple of blockMs (${c.blockMs})`);
  }
  return BigInt(ms / c.blockMs);
}

/**
 * Creates the genesis state unless the file already has one. Returns true when this call
 * created it (the caller then replays the genesis actions and marks it complete).
 */
export async function writeGenesisState(
  handle: DbHandle,
  genesis: Genesis,
  c: ClockOptions,
): Promise<boolean> {
  const roundLength = roundLengthFor(genesis, c);
  return writeTx(handle.db, async (tx) => {
    const [existing] = await tx.select().from(devnetState).where(eq(devnetState.key, "genesisId"));
    if (existing) return false;
    const nonce = crypto.getRandomValues(new Uint8Array(16));
    const canonical = JSON.stringify(genesis, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    const genesisId = keccak256(toHex(`${canonical}|${c.nowMs}|${toHex(nonce)}`));
    let supply = 0n;
    for (const a of genesis.accounts) supply += a.lpt;
    const p = genesis.params;
    const state: Record<string, string> = {
      genesisId,
      genesisTime: String(c.nowMs),
      // Round 1 starts at genesis; round 0 is never used (the contracts' lastInitializedRound starts at 0).
      blockOffset: roundLength.toString(),
      roundSeconds: String(c.roundSeconds),
      blockMs: String(c.blockMs),
      roundLength: roundLength.toString(),
      genesisComplete: "0",
      txCounter: "0",
      poolSeq: "0",
      lastInitializedRound: "0",
      currentRoundTotalActiveStake: "0",
      nextRoundTotalActiveStake: "0",
      inflation: p.inflation.toString(),
      currentMintableTokens: "0",
      currentMintedTokens: "0",
      treasuryRewardCutRate: p.treasuryRewardCutRate.toString(),
      nextRoundTreasuryRewardCutRate: p.treasuryRewardCutRate.toString(),
      totalSupply: supply.toString(),
      totalEth: genesis.accounts.reduce((s, a) => s + a.eth, 0n).toString(),
    };
    for (const k of PARAM_KEYS) state[`param.${k}`] = p[k].toString();
    await tx.insert(devnetState).values(Object.entries(state).map(([key, value]) => ({ key, value })));
    await tx
      .insert(devnetBalances)
      .values(genesis.accounts.map((a) => ({ address: a.address.toLowerCase(), lpt: a.lpt, eth: a.eth })));
    return true;
  });
}

export async function markGenesisComplete(handle: DbHandle): Promise<void> {
  await retryBusy(() =>
    handle.db.update(devnetState).set({ value: "1" }).where(eq(devnetState.key, "genesisComplete")),
  );
}

/** Another process is replaying the genesis actions: wait until it is done. */
export async function waitForGenesis(handle: DbHandle, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await handle.db.select().from(devnetState).where(eq(devnetState.key, "genesisComplete"));
    if (row?.value === "1") return;
    if (Date.now() > deadline)
      throw new Error("devnet genesis was not completed by the process that started it");
    await sleep(50);
  }
}
