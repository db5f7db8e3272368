// A Ledger (the devnet, or the chain ledger on anvil) as one side of a conformance run. The devnet's
// block follows the chain's: `syncBlock` moves it to the block the chain's next transaction is mined in.
import type { HDAccount } from "viem/accounts";
import {
  createDevnet,
  type Devnet,
  MINTER_ADDRESS,
  TREASURY_ADDRESS,
} from "../../../src/edge/ledger/devnet.ts";
import { LedgerError } from "../../../src/edge/ledger/errors.ts";
import type { GenesisInput } from "../../../src/edge/ledger/genesis.ts";
import { REVERT_CODES } from "../../../src/edge/ledger/reasons.ts";
import type { Ledger, LedgerEvent } from "../../../src/edge/ledger/types.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { type Action, normEvent, type Outcome } from "./actions.ts";
import { type Reader, snapshot } from "./observe.ts";
import type { Side, Snapshot } from "./side.ts";
import { buildTicket } from "./tickets.ts";

const ZERO = "0x0000000000000000000000000000000000000000" as Address;
export const DEVNET_NAMES: Record<string, string> = {
  [MINTER_ADDRESS.toLowerCase()]: "minter",
  [TREASURY_ADDRESS.toLowerCase()]: "treasury",
};

/** A revert's reason: the contract's string, or `panic:0x..` for a Solidity panic. */
export function devnetReason(e: unknown): string {
  if (e instanceof LedgerError) {
    const panic = e.details?.panic;
    if (typeof panic === "string") return `panic:${panic}`;
    // The code must be the one the chain ledger decodes the same reason into.
    const expected = REVERT_CODES[e.message];
    if (expected && expected !== e.code && e.code !== "TICKET_RECIPIENT_INVALID") {
      throw new Error(`"${e.message}" carries ${e.code}; the chain ledger maps it to ${expected}`);
    }
    return e.message;
  }
  throw e;
}

const minterOf = (names: Record<string, string>) =>
  Object.entries(names).find(([, label]) => label === "minter")![0] as Address;

export interface DevnetSide extends Side {
  devnet: Devnet;
  syncBlock(block: bigint): Promise<void>;
}

export async function devnetSide(genesis: GenesisInput, accounts: HDAccount[]): Promise<DevnetSide> {
  const devnet = await createDevnet({ url: ":memory:", genesis });
  return {
    ...ledgerSide("devnet", devnet, accounts, DEVNET_NAMES),
    devnet,
    async syncBlock(block) {
      const now = await devnet.blockNumber();
      if (block < now) throw new Error(`devnet is ahead of the chain: ${now} > ${block}`);
      if (block > now) await devnet.advanceBlocks(block - now);
    },
  };
}

/** Any Ledger as a Side; `names` maps its contract addresses to neutral labels. */
export function ledgerSide(
  name: string,
  devnet: Ledger,
  accounts: HDAccount[],
  names: Record<string, string>,
): Side {
  const addr = accounts.map((a) => a.address as Address);
  const who = (w: number | "zero") => (w === "zero" ? ZERO : addr[w]!);
  const tickets: Hex[] = [];
  const norm = (evs: LedgerEvent[]) => evs.map((e) => normEvent(e.name, e.args, names));

  async function run(a: Action) {
    switch (a.kind) {
      case "bond":
        return devnet.bond(addr[a.by]!, a.amount, who(a.to));
      case "unbond":
        return devnet.unbond(addr[a.by]!, a.amount);
      case "rebond":
        return devnet.rebond(addr[a.by]!, a.lockId);
      case "rebondFromUnbonded":
        return devnet.rebondFromUnbonded(addr[a.by]!, who(a.to), a.lockId);
      case "transferBond":
        return devnet.transferBond(addr[a.by]!, addr[a.to]!, a.amount);
      case "withdrawStake":
        return devnet.withdrawStake(addr[a.by]!, a.lockId);
      case "withdrawFees":
        return devnet.withdrawFees(addr[a.by]!, addr[a.by]!, a.amount);
      case "claimEarnings":
        return devnet.claimEarnings(addr[a.by]!, await devnet.currentRound());
      case "transcoder":
        return devnet.transcoder(addr[a.by]!, a.rewardCut, a.feeShare);
      case "reward":
        return devnet.reward(addr[a.by]!);
      case "initializeRound":
        return devnet.initializeRound(addr[a.by]!);
      case "fundDepositAndReserve":
        return devnet.fundDepositAndReserve(addr[a.by]!, a.deposit, a.reserve);
      case "unlock":
        return devnet.unlock(addr[a.by]!);
      case "cancelUnlock":
        return devnet.cancelUnlock(addr[a.by]!);
      case "withdraw":
        return devnet.withdraw(addr[a.by]!);
      case "redeem": {
        const round = await devnet.currentRound();
        const t = await buildTicket(
          accounts[a.sender]!,
          addr[a.recipient]!,
          a.faceValue,
          a.nonce,
          round,
          await devnet.blockHashForRound(round),
        );
        tickets.push(t.hash);
        return devnet.redeemWinningTicket(addr[a.recipient]!, t.ticket, t.sig, t.rand);
      }
      case "advanceRound":
      case "advanceBlocks":
        throw new Error("clock moves are driven by the chain side");
    }
  }

  const reader: Reader = {
    reasonOf: devnetReason,
    round: () => devnet.currentRound(),
    lastInitializedRound: () => devnet.lastInitializedRound(),
    delegator: async (a) => {
      const { status: _s, ...d } = await devnet.getDelegator(a);
      return d;
    },
    status: async (a) => (await devnet.getDelegator(a)).status,
    pendingStake: (a) => devnet.pendingStake(a),
    pendingFees: (a) => devnet.pendingFees(a),
    lock: async (a, id) => {
      const l = (await devnet.getDelegatorUnbondingLocks(a)).find((x) => x.id === id);
      return l ? { amount: l.amount, withdrawRound: l.withdrawRound } : { amount: 0n, withdrawRound: 0n };
    },
    transcoder: async (a) => ({ ...(await devnet.getTranscoder(a)) }),
    earningsPool: async (a, r) => ({ ...(await devnet.getTranscoderEarningsPoolForRound(a, r)) }),
    isActive: (a) => devnet.isActiveTranscoder(a),
    transcoderTotalStake: (a) => devnet.transcoderTotalStake(a),
    poolOrder: async () =>
      (await devnet.getTranscoderPool()).map((m) => ({ address: m.address, stake: m.totalStake })),
    scalars: async () => ({
      totalBonded: await devnet.getTotalBonded(),
      nextRoundTotalActiveStake: await devnet.nextRoundTotalActiveStake(),
      poolSize: await devnet.getTranscoderPoolSize(),
      inflation: await devnet.inflation(),
      currentMintableTokens: await devnet.currentMintableTokens(),
      currentMintedTokens: await devnet.currentMintedTokens(),
      totalSupply: await devnet.totalSupply(),
      minterEth: await devnet.ethBalanceOf(minterOf(names)),
    }),
    lpt: (a) => devnet.balanceOf(a),
    senderInfo: async (a) => ({ ...(await devnet.getSenderInfo(a)) }),
    claimableReserve: (h, c) => devnet.claimableReserve(h, c),
    usedTicket: (h) => devnet.usedTickets(h),
  };

  return {
    name,
    async apply(a): Promise<Outcome> {
      try {
        const res = await run(a);
        return { ok: true, events: norm(res.events) };
      } catch (e) {
        return { ok: false, reason: devnetReason(e) };
      }
    },
    observe: (): Promise<Snapshot> => snapshot(reader, addr, tickets, names),
    close: () => devnet.close(),
  };
}
