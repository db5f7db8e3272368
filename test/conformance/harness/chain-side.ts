// The real contracts on anvil as one side of a conformance run. A write is first simulated
// (a revert mines nothing and yields its reason), then sent and mined in its own block.
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  decodeEventLog,
  type Hex,
  maxUint256,
} from "viem";
import type { HDAccount } from "viem/accounts";
import {
  type DeployedProtocol,
  deployProtocol,
  type ProtocolParams,
} from "../../../src/edge/ledger/chain/deploy.ts";
import {
  byName,
  DELEGATOR_FIELDS,
  DELEGATOR_STATUS,
  EARNINGS_POOL_FIELDS,
  LEDGER_EVENTS,
  TRANSCODER_FIELDS,
} from "../../../src/edge/ledger/chain/fields.ts";
import type { Address } from "../../../src/protocol/types.ts";
import type { Anvil } from "../../helpers/contracts/anvil.ts";
import { loadArtifacts } from "../../helpers/contracts/artifacts.ts";
import { type Action, type NormEvent, normEvent, type Outcome } from "./actions.ts";
import { type Reader, snapshot } from "./observe.ts";
import type { Side, Snapshot } from "./side.ts";
import { buildTicket } from "./tickets.ts";

const ZERO = "0x0000000000000000000000000000000000000000" as Address;

/** A revert's reason: the Error(string) text, `panic:0x..` for a panic, or `revert` without data. */
export function chainReason(e: unknown): string {
  if (e instanceof BaseError) {
    const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (r instanceof ContractFunctionRevertedError) {
      if (r.data?.errorName === "Panic") {
        const code = (r.data.args ?? [])[0];
        return `panic:0x${typeof code === "bigint" ? code.toString(16) : String(code)}`;
      }
      if (r.reason !== undefined) return r.reason;
      return "revert";
    }
  }
  throw e;
}

export interface ChainSide extends Side {
  deployed: DeployedProtocol;
  /** The block the next transaction will be mined in. */
  nextBlock(): Promise<bigint>;
}

/**
 * Deploys the protocol on `anvil` (genesis balances minted, every account's LPT approved to the
 * BondingManager) and initializes round 1 in block `roundLength`, as the devnet's genesis does.
 */
export async function chainSide(
  anvil: Anvil,
  accounts: HDAccount[],
  params: ProtocolParams,
  lpt: bigint,
): Promise<ChainSide> {
  const addr = accounts.map((a) => a.address.toLowerCase() as Address);
  const d = await deployProtocol(
    loadArtifacts(),
    anvil.wallet(0),
    anvil.client,
    params,
    addr.map((address) => ({ address, lpt })),
  );
  const A = d.addresses;
  const names: Record<string, string> = {
    [A.Minter.toLowerCase()]: "minter",
    [A.Treasury.toLowerCase()]: "treasury",
  };
  const target: Record<string, { address: Address; abi: Abi }> = {
    bm: { address: A.BondingManager, abi: d.abis.BondingManager },
    tb: { address: A.TicketBroker, abi: d.abis.TicketBroker },
    rm: { address: A.RoundsManager, abi: d.abis.RoundsManager },
    mt: { address: A.Minter, abi: d.abis.Minter },
    lpt: { address: A.LivepeerToken, abi: d.abis.LivepeerToken },
  };
  const logAbis: Abi[] = [d.abis.BondingManager, d.abis.TicketBroker, d.abis.RoundsManager, d.abis.Minter];
  const read = async <T>(c: string, fn: string, args: readonly unknown[] = []) =>
    (await anvil.client.readContract({ ...target[c]!, functionName: fn, args } as never)) as T;

  async function send(by: number, c: string, fn: string, args: readonly unknown[], value = 0n) {
    const account = accounts[by]!.address;
    const req = { ...target[c]!, functionName: fn, args, account, value } as never;
    // "pending": the call runs in the block the transaction will be mined in (eth_call at "latest" runs in the last one).
    await anvil.client.simulateContract({ ...(req as object), blockTag: "pending" } as never);
    const hash = await anvil.wallet(by).writeContract({ ...(req as object), gas: 10_000_000n } as never);
    const receipt = await anvil.client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (receipt.status !== "success") throw new Error(`${fn} passed simulation but reverted when mined`);
    const events: NormEvent[] = [];
    for (const log of receipt.logs) {
      for (const abi of logAbis) {
        try {
          const ev = decodeEventLog({ abi, data: log.data, topics: log.topics });
          if (ev.eventName && LEDGER_EVENTS.has(ev.eventName)) {
            events.push(normEvent(ev.eventName, ev.args as unknown as Record<string, unknown>, names));
          }
          break;
        } catch {
          // not this contract's event
        }
      }
    }
    return events;
  }

  const tickets: Hex[] = [];
  const who = (w: number | "zero") => (w === "zero" ? ZERO : addr[w]!);
  const currentRound = () => read<bigint>("rm", "currentRound");

  async function run(a: Action): Promise<NormEvent[]> {
    switch (a.kind) {
      case "bond":
        return send(a.by, "bm", "bond", [a.amount, who(a.to)]);
      case "unbond":
        return send(a.by, "bm", "unbond", [a.amount]);
      case "rebond":
        return send(a.by, "bm", "rebond", [a.lockId]);
      case "rebondFromUnbonded":
        return send(a.by, "bm", "rebondFromUnbonded", [who(a.to), a.lockId]);
      case "transferBond":
        return send(a.by, "bm", "transferBond", [addr[a.to], a.amount, ZERO, ZERO, ZERO, ZERO]);
      case "withdrawStake":
        return send(a.by, "bm", "withdrawStake", [a.lockId]);
      case "withdrawFees":
        return send(a.by, "bm", "withdrawFees", [addr[a.by], a.amount]);
      case "claimEarnings":
        return send(a.by, "bm", "claimEarnings", [await currentRound()]);
      case "transcoder":
        return send(a.by, "bm", "transcoder", [a.rewardCut, a.feeShare]);
      case "reward":
        return send(a.by, "bm", "reward", []);
      case "initializeRound":
        return send(a.by, "rm", "initializeRound", []);
      case "fundDepositAndReserve":
        return send(a.by, "tb", "fundDepositAndReserve", [a.deposit, a.reserve], a.deposit + a.reserve);
      case "unlock":
        return send(a.by, "tb", "unlock", []);
      case "cancelUnlock":
        return send(a.by, "tb", "cancelUnlock", []);
      case "withdraw":
        return send(a.by, "tb", "withdraw", []);
      case "redeem": {
        const round = await currentRound();
        const hash = await read<Hex>("rm", "blockHashForRound", [round]);
        const t = await buildTicket(
          accounts[a.sender]!,
          addr[a.recipient]!,
          a.faceValue,
          a.nonce,
          round,
          hash,
        );
        tickets.push(t.hash);
        const aux = `0x${round.toString(16).padStart(64, "0")}${hash.slice(2)}` as Hex;
        const ticket = {
          recipient: t.ticket.recipient,
          sender: t.ticket.sender,
          faceValue: t.ticket.faceValue,
          winProb: t.ticket.winProb,
          senderNonce: t.ticket.senderNonce,
          recipientRandHash: t.ticket.recipientRandHash,
          auxData: aux,
        };
        return send(a.recipient, "tb", "redeemWinningTicket", [ticket, t.sig, t.rand]);
      }
      case "advanceRound": {
        const len = await read<bigint>("rm", "roundLength");
        const latest = await anvil.blockNumber();
        // The next round's first block becomes the latest; transactions follow it.
        await anvil.mine(len - (latest % len));
        return [];
      }
      case "advanceBlocks":
        await anvil.mine(a.n);
        return [];
    }
  }

  const reader: Reader = {
    reasonOf: chainReason,
    round: currentRound,
    lastInitializedRound: () => read("rm", "lastInitializedRound"),
    delegator: async (a) => {
      const r = await read<readonly unknown[]>("bm", "getDelegator", [a]);
      return byName(DELEGATOR_FIELDS, r);
    },
    status: async (a) => DELEGATOR_STATUS[Number(await read<number>("bm", "delegatorStatus", [a]))]!,
    pendingStake: (a, r) => read("bm", "pendingStake", [a, r]),
    pendingFees: (a, r) => read("bm", "pendingFees", [a, r]),
    lock: async (a, id) => {
      const [amount, withdrawRound] = await read<[bigint, bigint]>("bm", "getDelegatorUnbondingLock", [
        a,
        id,
      ]);
      return { amount, withdrawRound };
    },
    transcoder: async (a) => {
      const r = await read<readonly unknown[]>("bm", "getTranscoder", [a]);
      return byName(TRANSCODER_FIELDS, r);
    },
    earningsPool: async (a, round) => {
      const r = await read<readonly unknown[]>("bm", "getTranscoderEarningsPoolForRound", [a, round]);
      return byName(EARNINGS_POOL_FIELDS, r);
    },
    isActive: (a) => read("bm", "isActiveTranscoder", [a]),
    transcoderTotalStake: (a) => read("bm", "transcoderTotalStake", [a]),
    poolOrder: async () => {
      const out: { address: Address; stake: bigint }[] = [];
      let cur = await read<Address>("bm", "getFirstTranscoderInPool");
      while (cur !== ZERO) {
        out.push({ address: cur, stake: await read<bigint>("bm", "transcoderTotalStake", [cur]) });
        cur = await read<Address>("bm", "getNextTranscoderInPool", [cur]);
      }
      return out;
    },
    scalars: async () => ({
      totalBonded: await read<bigint>("bm", "getTotalBonded"),
      nextRoundTotalActiveStake: await read<bigint>("bm", "nextRoundTotalActiveStake"),
      poolSize: await read<bigint>("bm", "getTranscoderPoolSize"),
      inflation: await read<bigint>("mt", "inflation"),
      currentMintableTokens: await read<bigint>("mt", "currentMintableTokens"),
      currentMintedTokens: await read<bigint>("mt", "currentMintedTokens"),
      totalSupply: await read<bigint>("lpt", "totalSupply"),
      minterEth: await anvil.client.getBalance({ address: A.Minter }),
    }),
    lpt: (a) => read("lpt", "balanceOf", [a]),
    senderInfo: async (a) => {
      const [sender, reserve] = await read<[Record<string, bigint>, Record<string, bigint>]>(
        "tb",
        "getSenderInfo",
        [a],
      );
      return {
        sender: { deposit: sender.deposit, withdrawRound: sender.withdrawRound },
        reserve: {
          fundsRemaining: reserve.fundsRemaining,
          claimedInCurrentRound: reserve.claimedInCurrentRound,
        },
      };
    },
    claimableReserve: (h, c) => read("tb", "claimableReserve", [h, c]),
    usedTicket: (h) => read("tb", "usedTickets", [h]),
  };

  // Approvals and round 1, before the devnet's genesis block.
  for (const i of accounts.keys()) {
    await send(i, "lpt", "approve", [A.BondingManager, maxUint256]);
  }
  const latest = await anvil.blockNumber();
  if (latest >= params.roundLength - 1n)
    throw new Error(`deployment used ${latest} blocks; round 1 must start after it`);
  await anvil.mine(params.roundLength - 1n - latest);
  await send(0, "rm", "initializeRound", []);

  return {
    name: "chain",
    deployed: d,
    nextBlock: async () => (await anvil.blockNumber()) + 1n,
    async apply(a): Promise<Outcome> {
      try {
        return { ok: true, events: await run(a) };
      } catch (e) {
        return { ok: false, reason: chainReason(e) };
      }
    },
    observe: (): Promise<Snapshot> => snapshot(reader, addr, tickets, names),
    close: async () => {},
  };
}
