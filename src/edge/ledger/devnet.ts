// The devnet ledger: the protocol's contracts (RoundsManager, BondingManager, Minter, TicketBroker,
// ServiceRegistry, LivepeerToken) as a state machine on libSQL. Every write is one transaction.
import type { Address, Hex, Ticket } from "../../protocol/types.ts";
import { type DbHandle, openDb } from "../db/client.ts";
import type { Clock } from "../deps.ts";
import { key, out } from "./devnet/addresses.ts";
import * as bonding from "./devnet/bonding.ts";
import { markGenesisComplete, waitForGenesis, writeGenesisState } from "./devnet/genesis-state.ts";
import { Mutex } from "./devnet/mutex.ts";
import * as rewardCallers from "./devnet/reward-caller.ts";
import * as rounds from "./devnet/rounds.ts";
import { setServiceURI } from "./devnet/service-registry.ts";
import * as broker from "./devnet/ticket-broker.ts";
import { type DevnetTotals, totals } from "./devnet/totals.ts";
import * as orchestrators from "./devnet/transcoders.ts";
import { type DevnetEnv, read, write } from "./devnet/tx.ts";
import * as views from "./devnet/views.ts";
import { type Genesis, type GenesisAction, type GenesisInput, loadGenesis } from "./genesis.ts";
import type { DevnetControl, Ledger } from "./types.ts";

export { MINTER_ADDRESS, TREASURY_ADDRESS } from "./devnet/addresses.ts";
export type { DevnetTotals } from "./devnet/totals.ts";

export interface DevnetOptions {
  /** `file:…` or `:memory:`. */
  url: string;
  /** A genesis object (validated here) or one already validated with loadGenesis. */
  genesis: GenesisInput | Genesis;
  /** Wall clock in ms; Date.now by default. */
  clock?: Clock;
  /** > 0: a round lasts this many seconds of the clock; 0 (default): only advanceRound/advanceBlocks move it. */
  roundSeconds?: number;
  /** Block time in ms in wall-clock mode (default 1000). */
  blockMs?: number;
  /** Share an already open database instead of opening `url`. */
  handle?: DbHandle;
}

export interface Devnet extends Ledger, DevnetControl {
  readonly kind: "devnet";
  readonly url: string;
  /** The validated genesis this instance was started with (the file's own, if it already existed). */
  readonly genesis: Genesis;
  /** Sums of every balance and protocol holding, for conservation checks and dashboards. */
  totals(): Promise<DevnetTotals>;
}

const isValidated = (g: GenesisInput | Genesis): g is Genesis =>
  Array.isArray((g as Genesis).accounts) && typeof (g as Genesis).params?.roundLength === "bigint";

/**
 * Opens (or creates) a devnet on `url`. A new file gets the genesis state, round 1 initialized,
 * and the genesis actions replayed through the methods below; an existing file is reused as is.
 *
 * @example
 * const devnet = await createDevnet({ url: "file:devnet.db", genesis: defaultGenesis() });
 * await devnet.advanceRound();
 * await devnet.initializeRound(gateway);
 */
export async function createDevnet(options: DevnetOptions): Promise<Devnet> {
  const genesis = isValidated(options.genesis) ? options.genesis : loadGenesis(options.genesis);
  const clock = options.clock ?? { now: () => Date.now() };
  const handle = options.handle ?? (await openDb(options.url));
  const env: DevnetEnv = { handle, clock, mutex: new Mutex(), reads: { waiting: undefined } };
  const k = key;

  const devnet: Devnet = {
    kind: "devnet",
    url: options.url,
    genesis,
    close: async () => {
      if (!options.handle) handle.close();
    },

    // RoundsManager
    initializeRound: (_caller) => write(env, (ctx) => rounds.initializeRound(ctx)),
    // BondingManager
    bond: (caller, amount, to) => write(env, (ctx) => bonding.bond(ctx, k(caller), amount, k(to))),
    unbond: (caller, amount) =>
      write(env, async (ctx) => void (await bonding.unbond(ctx, k(caller), amount))),
    rebond: (caller, lockId) => write(env, (ctx) => bonding.rebond(ctx, k(caller), lockId)),
    rebondFromUnbonded: (caller, to, lockId) =>
      write(env, (ctx) => bonding.rebondFromUnbonded(ctx, k(caller), k(to), lockId)),
    withdrawStake: (caller, lockId) => write(env, (ctx) => bonding.withdrawStake(ctx, k(caller), lockId)),
    withdrawFees: (caller, recipient, amount) =>
      write(env, (ctx) => bonding.withdrawFees(ctx, k(caller), k(recipient), amount)),
    claimEarnings: (caller, _endRound) => write(env, (ctx) => bonding.claimEarnings(ctx, k(caller))),
    transferBond: (caller, receiver, amount) =>
      write(env, (ctx) => bonding.transferBond(ctx, k(caller), k(receiver), amount)),
    transcoder: (caller, rewardCut, feeShare) =>
      write(env, (ctx) => orchestrators.transcoder(ctx, k(caller), rewardCut, feeShare)),
    reward: (caller) => write(env, (ctx) => orchestrators.reward(ctx, k(caller))),
    setRewardCaller: (caller, rewardCaller) =>
      write(env, async (ctx) => rewardCallers.setRewardCaller(ctx, k(caller), k(rewardCaller))),
    rewardForTranscoder: (caller, transcoder) =>
      write(env, (ctx) => rewardCallers.rewardForTranscoder(ctx, k(caller), k(transcoder))),
    // ServiceRegistry
    setServiceURI: (caller, uri) => write(env, async (ctx) => setServiceURI(ctx, k(caller), uri)),
    // TicketBroker
    fundDeposit: (caller, amount) => write(env, (ctx) => broker.fundDeposit(ctx, k(caller), amount)),
    fundReserve: (caller, amount) => write(env, (ctx) => broker.fundReserve(ctx, k(caller), amount)),
    fundDepositAndReserve: (caller, deposit, reserve) =>
      write(env, (ctx) => broker.fundDepositAndReserve(ctx, k(caller), deposit, reserve)),
    unlock: (caller) => write(env, (ctx) => broker.unlock(ctx, k(caller))),
    cancelUnlock: (caller) => write(env, (ctx) => broker.cancelUnlock(ctx, k(caller))),
    withdraw: (caller) => write(env, (ctx) => broker.withdraw(ctx, k(caller))),
    redeemWinningTicket: (_caller: Address, ticket: Ticket, sig: Hex, recipientRand: bigint) =>
      write(env, (ctx) => broker.redeemWinningTicket(ctx, ticket, sig, recipientRand)),

    // Views: RoundsManager
    blockNumber: () => read(env, async (ctx) => ctx.block),
    currentRound: () => read(env, async (ctx) => ctx.round),
    currentRoundStartBlock: () => read(env, async (ctx) => rounds.roundStartBlock(ctx)),
    currentRoundInitialized: () => read(env, async (ctx) => rounds.isRoundInitialized(ctx)),
    currentRoundLocked: () => read(env, async (ctx) => rounds.isRoundLocked(ctx)),
    lastInitializedRound: () => read(env, async (ctx) => ctx.store.big("lastInitializedRound")),
    blockHashForRound: (round) => read(env, (ctx) => views.blockHashForRound(ctx, round)),
    roundLength: () => read(env, async (ctx) => ctx.clock.roundLength),
    // Views: BondingManager
    pendingStake: (address) => read(env, async (ctx) => (await views.pendingOf(ctx, address)).stake),
    pendingFees: (address) => read(env, async (ctx) => (await views.pendingOf(ctx, address)).fees),
    getDelegator: (address) => read(env, (ctx) => views.getDelegator(ctx, address)),
    getDelegatorUnbondingLocks: (address) =>
      read(env, (ctx) => views.getDelegatorUnbondingLocks(ctx, address)),
    getTranscoder: (address) => read(env, (ctx) => views.getTranscoder(ctx, address)),
    getTranscoderEarningsPoolForRound: (address, round) =>
      read(env, (ctx) => views.getEarningsPool(ctx, address, round)),
    transcoderTotalStake: (address) =>
      read(env, async (ctx) => (await ctx.store.delegator(k(address))).delegatedAmount),
    isActiveTranscoder: (address) =>
      read(env, async (ctx) => {
        const t = await ctx.store.transcoder(k(address));
        return t.activationRound <= ctx.round && ctx.round < t.deactivationRound;
      }),
    transcoderToRewardCaller: (transcoder) =>
      read(env, async (ctx) => out(await ctx.store.rewardCaller(k(transcoder)))),
    getTranscoderPoolSize: () => read(env, async (ctx) => BigInt((await ctx.store.poolMembers()).length)),
    getTranscoderPoolMaxSize: () => read(env, async (ctx) => ctx.params.numActiveTranscoders),
    getTranscoderPool: () => read(env, (ctx) => views.transcoderPool(ctx)),
    getActiveSet: () => read(env, (ctx) => views.activeSet(ctx)),
    currentRoundTotalActiveStake: () =>
      read(env, async (ctx) => ctx.store.big("currentRoundTotalActiveStake")),
    nextRoundTotalActiveStake: () => read(env, async (ctx) => ctx.store.big("nextRoundTotalActiveStake")),
    getTotalBonded: () => read(env, async (ctx) => ctx.store.big("currentRoundTotalActiveStake")),
    unbondingPeriod: () => read(env, async (ctx) => ctx.params.unbondingPeriod),
    // Views: TicketBroker
    getSenderInfo: (address) => read(env, (ctx) => views.getSenderInfo(ctx, address)),
    claimableReserve: (holder, claimant) =>
      read(env, (ctx) => broker.claimableReserve(ctx, k(holder), k(claimant))),
    usedTickets: (hash) => read(env, (ctx) => views.usedTicket(ctx, hash)),
    isUnlockInProgress: (address) =>
      read(env, async (ctx) => (await ctx.store.sender(k(address))).withdrawRound > 0n),
    ticketValidityPeriod: () => read(env, async (ctx) => ctx.params.ticketValidityPeriod),
    // Views: ServiceRegistry, tokens, Minter, events
    getServiceURI: (address) => read(env, (ctx) => views.getServiceURI(ctx, address)),
    balanceOf: (address) => read(env, async (ctx) => (await ctx.store.balance(k(address))).lpt),
    ethBalanceOf: (address) => read(env, async (ctx) => (await ctx.store.balance(k(address))).eth),
    totalSupply: () => read(env, async (ctx) => ctx.store.big("totalSupply")),
    inflation: () => read(env, async (ctx) => ctx.store.big("inflation")),
    inflationChange: () => read(env, async (ctx) => ctx.params.inflationChange),
    targetBondingRate: () => read(env, async (ctx) => ctx.params.targetBondingRate),
    currentMintableTokens: () => read(env, async (ctx) => ctx.store.big("currentMintableTokens")),
    currentMintedTokens: () => read(env, async (ctx) => ctx.store.big("currentMintedTokens")),
    getEvents: (filter) => read(env, (ctx) => views.getEvents(ctx, filter)),

    // Clock control
    advanceRound: async () => {
      let round = 0n;
      await write(env, async (ctx) => {
        const len = ctx.clock.roundLength;
        ctx.store.set("blockOffset", ctx.clock.blockOffset + (len - (ctx.block % len)));
        round = ctx.round + 1n;
      });
      return round;
    },
    advanceBlocks: async (n) => {
      if (n < 0n) throw new RangeError("advanceBlocks: n must not be negative");
      let block = 0n;
      await write(env, async (ctx) => {
        ctx.store.set("blockOffset", ctx.clock.blockOffset + n);
        block = ctx.block + n;
      });
      return block;
    },
    totals: () => read(env, (ctx) => totals(ctx)),
  };

  const created = await writeGenesisState(handle, genesis, {
    nowMs: clock.now(),
    roundSeconds: options.roundSeconds ?? 0,
    blockMs: options.blockMs ?? 1000,
  });
  if (created) {
    await devnet.initializeRound(genesis.accounts[0]!.address);
    for (const [i, action] of genesis.actions.entries()) {
      try {
        await replay(devnet, action);
      } catch (e) {
        throw new Error(`genesis action ${i} (${action.method}) failed: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    await markGenesisComplete(handle);
  } else {
    await waitForGenesis(handle);
  }
  return devnet;
}

/** Replays one genesis action through the ledger's own method. */
async function replay(devnet: Devnet, a: GenesisAction): Promise<void> {
  const caller = a.caller as Address;
  const args = a.args as never[];
  if (a.method === "advanceRound") {
    await devnet.advanceRound();
    return;
  }
  if (a.method === "advanceBlocks") {
    await devnet.advanceBlocks(a.args[0] as bigint);
    return;
  }
  const fn = devnet[a.method] as (caller: Address, ...rest: never[]) => Promise<unknown>;
  await fn(caller, ...args);
}
