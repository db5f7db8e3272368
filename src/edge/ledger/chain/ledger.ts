// The chain ledger: the Ledger interface against the deployed contracts, over viem. Addresses come
// from the Controller; writes are simulated in the pending block first (a revert sends nothing and
// becomes the same LedgerError code as on the devnet), then sent, mined and decoded.
import {
  type Abi,
  type Account,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  defineChain,
  type Hex,
  http,
  type Log,
  type PublicClient,
  type Transport,
  WaitForTransactionReceiptTimeoutError,
  zeroAddress,
} from "viem";
import { treasuryShare } from "../../../protocol/earnings.ts";
import { createReward } from "../../../protocol/minter.ts";
import { encodeAuxData } from "../../../protocol/ticket.ts";
import type { Address, Ticket } from "../../../protocol/types.ts";
import type { Db } from "../../db/client.ts";
import { LedgerError } from "../errors.ts";
import { revertError } from "../reasons.ts";
import type { Ledger, LedgerEvent, LedgerEventName, PoolMember, TxResult } from "../types.ts";
import {
  bondingManagerAbi,
  livepeerTokenAbi,
  minterAbi,
  rewardCallerAbi,
  roundsManagerAbi,
  serviceRegistryAbi,
  ticketBrokerAbi,
} from "./abi.ts";
import {
  ARBITRUM_CONTROLLER,
  type ContractName,
  type ProtocolAddresses,
  resolveAddresses,
} from "./contracts.ts";
import { createEventStore } from "./events.ts";
import {
  byName,
  DELEGATOR_FIELDS,
  DELEGATOR_STATUS,
  EARNINGS_POOL_FIELDS,
  LEDGER_EVENTS,
  TRANSCODER_FIELDS,
} from "./fields.ts";
import {
  type BondCaller,
  bondHints,
  claimedBondedAmount,
  type Delegate,
  type Hint,
  NO_HINT,
  type Pool,
  rebondHint,
  rewardHint,
  transcoderHint,
  transferBondHints,
  unbondHint,
} from "./hints.ts";
import { createNonceQueue, nonceTaken } from "./nonces.ts";

interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** The smallest raise nodes accept for a replacement is 10%; 12.5% and a wei clears it. */
const bump = (x: bigint) => x + x / 8n + 1n;
const min = (a: bigint, b: bigint | undefined) => (b !== undefined && b < a ? b : a);

export interface ChainLedgerOptions {
  /** JSON-RPC URL (ignored when `transport` is given). */
  url?: string;
  transport?: Transport;
  chain?: Chain;
  /** Controller whose registry names the contracts; Arbitrum One's by default. */
  controller?: Address;
  /** Accounts this ledger may sign for (local keys, or addresses the node itself signs for). */
  accounts?: Account[];
  /** Blocks a receipt must be buried under before a write returns (default 0). */
  confirmations?: number;
  pollingIntervalMs?: number;
  /** First block scanned by getEvents (the deployment's block). */
  fromBlock?: bigint;
  /**
   * Where read events and the read cursor are kept (libSQL): getEvents then reads only new blocks,
   * across restarts. Without it every getEvents scans from `fromBlock`.
   */
  db?: Db;
  /** Epoch milliseconds, for the cursor's timestamp. */
  now?: () => number;
  /** EIP-1559 caps for every write, wei per gas (the node's estimate when absent). */
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  /**
   * A write from a local key with no receipt after this long is sent again at the same nonce with
   * fees 12.5% higher (within the caps), and so on until one is mined; 0 or absent: never.
   */
  replaceAfterMs?: number;
}

export interface ChainLedger extends Ledger {
  readonly kind: "chain";
  readonly addresses: ProtocolAddresses;
  readonly chainId: number;
  /** The read client, for building transactions a user's own wallet signs (services/staking/tx.ts). */
  readonly client: PublicClient;
  /**
   * Whether the deployed BondingManager has delegated reward calling (livepeer/protocol#648): builds
   * older than the upgrade lack it, and then setRewardCaller / rewardForTranscoder fail with
   * LEDGER_FEATURE_MISSING before anything is sent.
   */
  rewardCallerSupported(): Promise<boolean>;
  /** The pool hints its own writes send, for transactions a user's wallet signs (services/staking). */
  readonly hints: ChainHints;
}

/**
 * The (prev, next) pairs of each `...WithHint` write, worked out from a walk of the pool as it stands
 * (hints.ts). They only save gas: where a read fails the pair is (0, 0) and the contract walks.
 */
export interface ChainHints {
  bond(caller: Address, amount: bigint, to: Address): Promise<{ oldDelegate: Hint; currDelegate: Hint }>;
  unbond(caller: Address, amount: bigint): Promise<Hint>;
  rebond(caller: Address, lockId: bigint): Promise<Hint>;
  rebondFromUnbonded(caller: Address, to: Address, lockId: bigint): Promise<Hint>;
  transferBond(
    caller: Address,
    receiver: Address,
    amount: bigint,
  ): Promise<{ oldDelegate: Hint; newDelegate: Hint }>;
  transcoder(caller: Address): Promise<Hint>;
  /** rewardWithHint / rewardForTranscoderWithHint for `transcoder`. */
  reward(transcoder: Address): Promise<Hint>;
}

export const ABIS: Record<ContractName, Abi> = {
  BondingManager: [...bondingManagerAbi, ...rewardCallerAbi],
  RoundsManager: roundsManagerAbi,
  TicketBroker: ticketBrokerAbi,
  ServiceRegistry: serviceRegistryAbi,
  Minter: minterAbi,
  LivepeerToken: livepeerTokenAbi,
};
const EVENT_ABIS: Abi[] = [
  bondingManagerAbi,
  rewardCallerAbi,
  roundsManagerAbi,
  ticketBrokerAbi,
  serviceRegistryAbi,
  minterAbi,
];

/** Decodes a failed call into the stable LedgerError; anything else is rethrown as it is. */
export function toLedgerError(e: unknown, call: string): unknown {
  if (!(e instanceof BaseError)) return e;
  const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
  if (!(r instanceof ContractFunctionRevertedError)) return e;
  const panic = r.data?.errorName === "Panic" ? (r.data.args?.[0] as bigint | undefined) : undefined;
  return revertError(r.reason, panic, call);
}

/** A stable, ordered id for a log: block number and log index. */
const eventId = (block: bigint, logIndex: number) => (block << 24n) | BigInt(logIndex);

export async function createChainLedger(options: ChainLedgerOptions): Promise<ChainLedger> {
  const transport = options.transport ?? http(options.url, { retryCount: 0 });
  const pollingInterval = options.pollingIntervalMs ?? 1000;
  const client = createPublicClient({
    transport,
    pollingInterval,
    ...(options.chain ? { chain: options.chain } : {}),
  }) as PublicClient;
  const chainId = await client.getChainId();
  // Local keys sign for a chain id: the one the RPC answers with unless the caller names a chain.
  const chain =
    options.chain ??
    defineChain({
      id: chainId,
      name: `chain ${chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: options.url ? [options.url] : [] } },
    });
  const nonces = createNonceQueue(client);
  const replaceAfterMs = options.replaceAfterMs ?? 0;
  /** The node's estimate, within the configured caps; undefined where the chain has no EIP-1559. */
  async function currentFees(): Promise<Fees | undefined> {
    const est = await client.estimateFeesPerGas({ chain }).catch(() => undefined);
    if (!est?.maxFeePerGas) {
      if (options.maxFeePerGas === undefined) return undefined;
      const tip = options.maxPriorityFeePerGas ?? 0n;
      return { maxFeePerGas: options.maxFeePerGas, maxPriorityFeePerGas: min(tip, options.maxFeePerGas) };
    }
    const maxFeePerGas = min(est.maxFeePerGas, options.maxFeePerGas);
    const tip = min(est.maxPriorityFeePerGas ?? 0n, options.maxPriorityFeePerGas);
    return { maxFeePerGas, maxPriorityFeePerGas: min(tip, maxFeePerGas) };
  }
  /** The replacement's fees, or undefined when the caps leave no room for the raise nodes want. */
  function raised(f: Fees): Fees | undefined {
    const maxFeePerGas = bump(f.maxFeePerGas);
    const maxPriorityFeePerGas = bump(f.maxPriorityFeePerGas);
    if (options.maxFeePerGas !== undefined && maxFeePerGas > options.maxFeePerGas) return undefined;
    if (options.maxPriorityFeePerGas !== undefined && maxPriorityFeePerGas > options.maxPriorityFeePerGas)
      return undefined;
    return { maxFeePerGas, maxPriorityFeePerGas };
  }
  const addresses = await resolveAddresses(client, options.controller ?? ARBITRUM_CONTROLLER);
  const store = options.db
    ? createEventStore({
        client,
        db: options.db,
        source: `${chainId}:${(options.controller ?? ARBITRUM_CONTROLLER).toLowerCase()}`,
        addresses: Object.values(addresses),
        fromBlock: options.fromBlock ?? 0n,
        confirmations: options.confirmations ?? 0,
        decode: (logs) => decodeWithRounds(logs),
        now: options.now ?? (() => Date.now()),
      })
    : undefined;
  const accounts = new Map((options.accounts ?? []).map((a) => [a.address.toLowerCase(), a]));
  const confirmations = options.confirmations ?? 0;

  const read = async <T>(
    c: ContractName,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<T> => {
    try {
      return (await client.readContract({
        address: addresses[c],
        abi: ABIS[c],
        functionName,
        args,
      } as never)) as T;
    } catch (e) {
      throw toLedgerError(e, functionName);
    }
  };
  const currentRound = () => read<bigint>("RoundsManager", "currentRound");
  // The round at a block: RoundsManager.currentRound as of that block (on Arbitrum it counts L1
  // blocks, so it cannot be worked out from the log's own block number). Blocks are immutable once
  // read at a confirmed depth; the cache is per ledger and bounded.
  const roundsAt = new Map<bigint, bigint>();
  async function roundAt(block: bigint): Promise<bigint> {
    const hit = roundsAt.get(block);
    if (hit !== undefined) return hit;
    let round: bigint;
    try {
      round = (await client.readContract({
        address: addresses.RoundsManager,
        abi: roundsManagerAbi,
        functionName: "currentRound",
        blockNumber: block,
      } as never)) as bigint;
    } catch (e) {
      throw toLedgerError(e, "currentRound");
    }
    if (roundsAt.size >= 4096) roundsAt.clear();
    roundsAt.set(block, round);
    return round;
  }
  async function decodeWithRounds(logs: Log[]): Promise<LedgerEvent[]> {
    const events = decodeLogs(logs, 0n);
    for (const e of events) e.round = await roundAt(e.block);
    return events;
  }

  function decodeLogs(logs: Log[], round: bigint): LedgerEvent[] {
    const protocol = new Set(Object.values(addresses).map((a) => a.toLowerCase()));
    const out: LedgerEvent[] = [];
    for (const log of logs) {
      if (!protocol.has(log.address.toLowerCase())) continue;
      for (const abi of EVENT_ABIS) {
        try {
          const ev = decodeEventLog({ abi, data: log.data, topics: log.topics }) as unknown as {
            eventName: string;
            args: Record<string, string | bigint | boolean>;
          };
          if (LEDGER_EVENTS.has(ev.eventName)) {
            out.push({
              id: eventId(log.blockNumber ?? 0n, log.logIndex ?? 0),
              name: ev.eventName as LedgerEventName,
              round,
              block: log.blockNumber ?? 0n,
              ref: (log.transactionHash ?? "0x") as Hex,
              args: ev.args,
            });
          }
          break;
        } catch {
          // another contract's event
        }
      }
    }
    return out;
  }

  async function send(
    caller: Address,
    c: ContractName,
    functionName: string,
    args: readonly unknown[],
    value = 0n,
  ): Promise<TxResult> {
    const account = accounts.get(caller.toLowerCase());
    if (!account) throw new LedgerError("LEDGER_NO_KEY", `no signing key for ${caller}`);
    const req = { address: addresses[c], abi: ABIS[c], functionName, args, account, value };
    try {
      // The pending block is where the transaction will run (the latest one may be a round earlier).
      await client.simulateContract({ ...req, blockTag: "pending" } as never);
    } catch (e) {
      throw toLedgerError(e, functionName);
    }
    const wallet = createWalletClient({ transport, account, chain });
    let fees = await currentFees();
    // The send estimates gas against the latest state, which another process may have changed
    // since the simulation (two edges initializing the same round): its revert gets the same code.
    const write = (nonce: number | undefined, f: Fees | undefined) =>
      (
        wallet.writeContract({
          ...req,
          ...(f ?? {}),
          chain,
          ...(nonce !== undefined ? { nonce } : {}),
        } as never) as Promise<Hex>
      ).catch((e: unknown) => {
        throw toLedgerError(e, functionName);
      });
    // json-rpc accounts are signed for by the node, which keeps their nonces itself.
    let nonce: number | undefined;
    let hash =
      account.type === "local"
        ? await nonces.withNonce(account.address, (n) => {
            nonce = n;
            return write(n, fees);
          })
        : await write(undefined, fees);
    let receipt: Awaited<ReturnType<typeof client.waitForTransactionReceipt>> | undefined;
    while (!receipt) {
      // Only a local key with explicit fees can be replaced; anything else waits as long as it takes.
      const next = nonce !== undefined && fees && replaceAfterMs > 0 ? raised(fees) : undefined;
      try {
        receipt = await client.waitForTransactionReceipt({
          hash,
          confirmations,
          pollingInterval,
          ...(next ? { timeout: replaceAfterMs } : {}),
        });
      } catch (e) {
        if (!(e instanceof WaitForTransactionReceiptTimeoutError) || !next) throw e;
        try {
          hash = await write(nonce, next);
          fees = next;
        } catch (err) {
          // Mined meanwhile: the nonce is spent, so the wait below finds the receipt.
          if (!nonceTaken(err)) throw err;
          fees = undefined;
        }
      }
    }
    if (receipt.status !== "success") {
      // Replay the call on the state before its block for the revert reason, as a simulation gives it.
      try {
        await client.simulateContract({ ...req, blockNumber: receipt.blockNumber - 1n } as never);
      } catch (e) {
        const decoded = toLedgerError(e, functionName);
        if (decoded instanceof LedgerError) throw decoded;
      }
      throw new LedgerError(
        "LEDGER_ERROR",
        `${functionName} reverted when mined (${receipt.transactionHash})`,
      );
    }
    hash = receipt.transactionHash;
    const round = await roundAt(receipt.blockNumber);
    return { ref: hash, round, block: receipt.blockNumber, events: decodeLogs(receipt.logs, round) };
  }

  const bm = "BondingManager" as const;
  const tb = "TicketBroker" as const;

  async function poolWalk(): Promise<PoolMember[]> {
    const out: PoolMember[] = [];
    let cur = await read<Address>(bm, "getFirstTranscoderInPool");
    while (cur !== zeroAddress) {
      out.push({ address: cur, totalStake: await read<bigint>(bm, "transcoderTotalStake", [cur]) });
      cur = await read<Address>(bm, "getNextTranscoderInPool", [cur]);
    }
    return out;
  }

  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const poolNow = async (): Promise<Pool> => ({
    members: await poolWalk(),
    maxSize: await read<bigint>(bm, "getTranscoderPoolMaxSize"),
  });
  async function delegateOf(a: Address): Promise<Delegate> {
    const d = await ledger.getDelegator(a);
    return {
      address: a,
      totalStake: d.delegatedAmount,
      registered: same(d.delegateAddress, a) && d.bondedAmount > 0n,
    };
  }
  async function callerOf(a: Address): Promise<BondCaller> {
    const [d, round] = await Promise.all([ledger.getDelegator(a), currentRound()]);
    const pending = d.lastClaimRound < round ? await ledger.pendingStake(a) : d.bondedAmount;
    return {
      address: a,
      bondedAmount: claimedBondedAmount(d, pending, round),
      delegateAddress: d.delegateAddress,
      status: d.status,
    };
  }
  /**
   * Hints are read from the latest block and only save gas: a pair gone stale by the time the call
   * is mined makes the contract walk the list as with no hint. A read that fails sends no hint.
   */
  const hinted = async <T>(compute: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await compute();
    } catch {
      return fallback;
    }
  };
  /** The stake reward() adds: the minted share of the round's mintable tokens, less the treasury cut. */
  async function rewardHintFor(transcoder: Address): Promise<Hint> {
    return hinted(async () => {
      const round = await currentRound();
      const t = await ledger.getTranscoder(transcoder);
      const stakeRound = min(round, t.lastActiveStakeUpdateRound);
      const [pool, active, mintable, minted, cut, stake, members] = await Promise.all([
        ledger.getTranscoderEarningsPoolForRound(transcoder, stakeRound),
        read<bigint>(bm, "currentRoundTotalActiveStake"),
        read<bigint>("Minter", "currentMintableTokens"),
        read<bigint>("Minter", "currentMintedTokens"),
        read<bigint>(bm, "treasuryRewardCutRate"),
        read<bigint>(bm, "transcoderTotalStake", [transcoder]),
        poolNow(),
      ]);
      const total = createReward(
        { currentMintableTokens: mintable, currentMintedTokens: minted },
        pool.totalStake,
        active,
      ).amount;
      return rewardHint(members, transcoder, stake, total - treasuryShare(total, cut));
    }, NO_HINT);
  }
  const pair = (h: Hint) => [h.prev, h.next] as const;

  // An unknown selector reverts with no data on a BondingManager that predates the upgrade (it has
  // no fallback), where the mapping's getter answers on one that has it. Only a yes is kept: the
  // proxy may be pointed at a newer target while the edge runs.
  let rewardCallerKnown = false;
  async function rewardCallerSupported(): Promise<boolean> {
    if (rewardCallerKnown) return true;
    try {
      await client.readContract({
        address: addresses[bm],
        abi: rewardCallerAbi,
        functionName: "transcoderToRewardCaller",
        args: [zeroAddress],
      });
      rewardCallerKnown = true;
    } catch (e) {
      const missing =
        e instanceof BaseError &&
        e.walk(
          (x) => x instanceof ContractFunctionRevertedError || x instanceof ContractFunctionZeroDataError,
        );
      if (!missing) throw e;
    }
    return rewardCallerKnown;
  }
  async function requireRewardCaller(call: string): Promise<void> {
    if (await rewardCallerSupported()) return;
    throw new LedgerError(
      "LEDGER_FEATURE_MISSING",
      `${call}: the BondingManager at ${addresses[bm]} predates delegated reward calling (livepeer/protocol#648)`,
    );
  }

  const hints: ChainHints = {
    bond: (caller, amount, to) =>
      hinted(
        async () => {
          const who = await callerOf(caller);
          const old = same(who.delegateAddress, zeroAddress)
            ? undefined
            : await delegateOf(who.delegateAddress);
          return bondHints(await poolNow(), who, amount, await delegateOf(to), old);
        },
        { oldDelegate: NO_HINT, currDelegate: NO_HINT },
      ),
    unbond: (caller, amount) =>
      hinted(async () => {
        const who = await callerOf(caller);
        return unbondHint(await poolNow(), who, amount, await delegateOf(who.delegateAddress));
      }, NO_HINT),
    rebond: (caller, lockId) =>
      hinted(async () => {
        const d = await ledger.getDelegator(caller);
        const lock = await read<readonly bigint[]>(bm, "getDelegatorUnbondingLock", [caller, lockId]);
        return rebondHint(await poolNow(), await delegateOf(d.delegateAddress), lock[0]!);
      }, NO_HINT),
    rebondFromUnbonded: (caller, to, lockId) =>
      hinted(async () => {
        const lock = await read<readonly bigint[]>(bm, "getDelegatorUnbondingLock", [caller, lockId]);
        return rebondHint(await poolNow(), await delegateOf(to), lock[0]!, same(caller, to));
      }, NO_HINT),
    transferBond: (caller, receiver, amount) =>
      hinted(
        async () => {
          const who = await callerOf(caller);
          const to = await ledger.getDelegator(receiver);
          const receiverDelegate = same(to.delegateAddress, zeroAddress)
            ? undefined
            : await delegateOf(to.delegateAddress);
          return transferBondHints(
            await poolNow(),
            who,
            amount,
            await delegateOf(who.delegateAddress),
            receiverDelegate,
          );
        },
        { oldDelegate: NO_HINT, newDelegate: NO_HINT },
      ),
    transcoder: (caller) =>
      hinted(
        async () =>
          transcoderHint(await poolNow(), caller, await read<bigint>(bm, "transcoderTotalStake", [caller])),
        NO_HINT,
      ),
    reward: rewardHintFor,
  };

  const ledger: ChainLedger = {
    kind: "chain",
    addresses,
    chainId,
    client,
    rewardCallerSupported,
    hints,
    close: async () => {},

    initializeRound: (caller) => send(caller, "RoundsManager", "initializeRound", []),
    bond: async (caller, amount, to) => {
      // bond pulls the LPT with transferFrom: approve the BondingManager for what is missing first.
      const allowed = await read<bigint>("LivepeerToken", "allowance", [caller, addresses[bm]]);
      if (allowed < amount) await send(caller, "LivepeerToken", "approve", [addresses[bm], amount]);
      const h = await hints.bond(caller, amount, to);
      return send(caller, bm, "bondWithHint", [amount, to, ...pair(h.oldDelegate), ...pair(h.currDelegate)]);
    },
    unbond: async (caller, amount) =>
      send(caller, bm, "unbondWithHint", [amount, ...pair(await hints.unbond(caller, amount))]),
    rebond: async (caller, lockId) =>
      send(caller, bm, "rebondWithHint", [lockId, ...pair(await hints.rebond(caller, lockId))]),
    rebondFromUnbonded: async (caller, to, lockId) =>
      send(caller, bm, "rebondFromUnbondedWithHint", [
        to,
        lockId,
        ...pair(await hints.rebondFromUnbonded(caller, to, lockId)),
      ]),
    withdrawStake: (caller, lockId) => send(caller, bm, "withdrawStake", [lockId]),
    withdrawFees: (caller, recipient, amount) => send(caller, bm, "withdrawFees", [recipient, amount]),
    claimEarnings: (caller, endRound) => send(caller, bm, "claimEarnings", [endRound]),
    transferBond: async (caller, receiver, amount) => {
      const h = await hints.transferBond(caller, receiver, amount);
      return send(caller, bm, "transferBond", [
        receiver,
        amount,
        ...pair(h.oldDelegate),
        ...pair(h.newDelegate),
      ]);
    },
    transcoder: async (caller, rewardCut, feeShare) =>
      send(caller, bm, "transcoderWithHint", [rewardCut, feeShare, ...pair(await hints.transcoder(caller))]),
    reward: async (caller) => send(caller, bm, "rewardWithHint", pair(await hints.reward(caller))),
    setRewardCaller: async (caller, rewardCaller) => {
      await requireRewardCaller("setRewardCaller");
      return send(caller, bm, "setRewardCaller", [rewardCaller]);
    },
    rewardForTranscoder: async (caller, transcoder) => {
      await requireRewardCaller("rewardForTranscoder");
      return send(caller, bm, "rewardForTranscoderWithHint", [
        transcoder,
        ...pair(await hints.reward(transcoder)),
      ]);
    },
    setServiceURI: (caller, uri) => send(caller, "ServiceRegistry", "setServiceURI", [uri]),
    fundDeposit: (caller, amount) => send(caller, tb, "fundDeposit", [], amount),
    fundReserve: (caller, amount) => send(caller, tb, "fundReserve", [], amount),
    fundDepositAndReserve: (caller, deposit, reserve) =>
      send(caller, tb, "fundDepositAndReserve", [deposit, reserve], deposit + reserve),
    unlock: (caller) => send(caller, tb, "unlock", []),
    cancelUnlock: (caller) => send(caller, tb, "cancelUnlock", []),
    withdraw: (caller) => send(caller, tb, "withdraw", []),
    redeemWinningTicket: (caller, ticket: Ticket, sig, recipientRand) =>
      send(caller, tb, "redeemWinningTicket", [
        {
          recipient: ticket.recipient,
          sender: ticket.sender,
          faceValue: ticket.faceValue,
          winProb: ticket.winProb,
          senderNonce: ticket.senderNonce,
          recipientRandHash: ticket.recipientRandHash,
          auxData: encodeAuxData(ticket.creationRound, ticket.creationRoundBlockHash),
        },
        sig,
        recipientRand,
      ]),

    blockNumber: () => read("RoundsManager", "blockNum"),
    currentRound,
    currentRoundStartBlock: () => read("RoundsManager", "currentRoundStartBlock"),
    currentRoundInitialized: () => read("RoundsManager", "currentRoundInitialized"),
    currentRoundLocked: () => read("RoundsManager", "currentRoundLocked"),
    lastInitializedRound: () => read("RoundsManager", "lastInitializedRound"),
    blockHashForRound: (round) => read("RoundsManager", "blockHashForRound", [round]),
    roundLength: () => read("RoundsManager", "roundLength"),
    pendingStake: async (a) => read(bm, "pendingStake", [a, await currentRound()]),
    pendingFees: async (a) => read(bm, "pendingFees", [a, await currentRound()]),
    getDelegator: async (a) => {
      const r = await read<readonly unknown[]>(bm, "getDelegator", [a]);
      const d = byName(DELEGATOR_FIELDS, r) as Record<string, never>;
      const status = DELEGATOR_STATUS[Number(await read<number>(bm, "delegatorStatus", [a]))]!;
      return { ...d, status } as Awaited<ReturnType<Ledger["getDelegator"]>>;
    },
    getDelegatorUnbondingLocks: async (a) => {
      const [, , , , , , next] = await read<readonly bigint[]>(bm, "getDelegator", [a]);
      const locks = [];
      for (let id = 0n; id < next!; id++) {
        const [amount, withdrawRound] = await read<readonly bigint[]>(bm, "getDelegatorUnbondingLock", [
          a,
          id,
        ]);
        if (withdrawRound !== 0n) locks.push({ id, amount: amount!, withdrawRound: withdrawRound! });
      }
      return locks;
    },
    getTranscoder: async (a) => {
      const r = await read<readonly bigint[]>(bm, "getTranscoder", [a]);
      return byName(TRANSCODER_FIELDS, r);
    },
    getTranscoderEarningsPoolForRound: async (a, round) => {
      const r = await read<readonly bigint[]>(bm, "getTranscoderEarningsPoolForRound", [a, round]);
      return byName(EARNINGS_POOL_FIELDS, r);
    },
    transcoderTotalStake: (a) => read(bm, "transcoderTotalStake", [a]),
    isActiveTranscoder: (a) => read(bm, "isActiveTranscoder", [a]),
    // No reward caller can be set on a BondingManager without the mapping.
    transcoderToRewardCaller: async (a) =>
      (await rewardCallerSupported()) ? read(bm, "transcoderToRewardCaller", [a]) : zeroAddress,
    getTranscoderPoolSize: () => read(bm, "getTranscoderPoolSize"),
    getTranscoderPoolMaxSize: () => read(bm, "getTranscoderPoolMaxSize"),
    getTranscoderPool: poolWalk,
    // The current round's set: pool members active now, with the stake that counts in this round.
    // (An orchestrator evicted for the next round is still active now but no longer in the pool.)
    getActiveSet: async () => {
      const round = await currentRound();
      // The pool is next round's set. An orchestrator evicted (or resigned) in this round has left
      // it but stays active until its deactivationRound, N + 1 (BondingManager.resignTranscoder
      // via tryToJoinActiveSet, or unbond of all its stake): its TranscoderDeactivated event names it.
      const candidates = new Map<string, Address>();
      for (const m of await poolWalk()) candidates.set(m.address.toLowerCase(), m.address);
      for (const e of await ledger.getEvents({ name: "TranscoderDeactivated" })) {
        if (BigInt(e.args.deactivationRound as bigint) !== round + 1n) continue;
        const a = e.args.transcoder as Address;
        if (!candidates.has(a.toLowerCase())) candidates.set(a.toLowerCase(), a);
      }
      const out: PoolMember[] = [];
      for (const address of candidates.values()) {
        if (!(await read<boolean>(bm, "isActiveTranscoder", [address]))) continue;
        // The stake that counts in this round, as the devnet reads it.
        const t = await ledger.getTranscoder(address);
        const stake =
          t.lastActiveStakeUpdateRound > round
            ? (await ledger.getTranscoderEarningsPoolForRound(address, round)).totalStake
            : await read<bigint>(bm, "transcoderTotalStake", [address]);
        out.push({ address, totalStake: stake });
      }
      return out.sort((x, y) => (x.totalStake === y.totalStake ? 0 : x.totalStake > y.totalStake ? -1 : 1));
    },
    currentRoundTotalActiveStake: () => read(bm, "currentRoundTotalActiveStake"),
    nextRoundTotalActiveStake: () => read(bm, "nextRoundTotalActiveStake"),
    getTotalBonded: () => read(bm, "getTotalBonded"),
    unbondingPeriod: () => read(bm, "unbondingPeriod"),
    getSenderInfo: async (a) => {
      const [sender, reserve] = await read<
        [{ deposit: bigint; withdrawRound: bigint }, Record<string, bigint>]
      >(tb, "getSenderInfo", [a]);
      return {
        sender: { deposit: sender.deposit, withdrawRound: sender.withdrawRound },
        reserve: {
          fundsRemaining: reserve.fundsRemaining!,
          claimedInCurrentRound: reserve.claimedInCurrentRound!,
        },
      };
    },
    claimableReserve: (h, c) => read(tb, "claimableReserve", [h, c]),
    usedTickets: (hash) => read(tb, "usedTickets", [hash]),
    isUnlockInProgress: (a) => read(tb, "isUnlockInProgress", [a]),
    ticketValidityPeriod: () => read(tb, "ticketValidityPeriod"),
    getServiceURI: (a) => read("ServiceRegistry", "getServiceURI", [a]),
    balanceOf: (a) => read("LivepeerToken", "balanceOf", [a]),
    ethBalanceOf: (a) => client.getBalance({ address: a }),
    totalSupply: () => read("LivepeerToken", "totalSupply"),
    inflation: () => read("Minter", "inflation"),
    inflationChange: () => read("Minter", "inflationChange"),
    targetBondingRate: () => read("Minter", "targetBondingRate"),
    currentMintableTokens: () => read("Minter", "currentMintableTokens"),
    currentMintedTokens: () => read("Minter", "currentMintedTokens"),
    // From the libSQL store when there is one (new blocks only), else a scan from `fromBlock`.
    getEvents: async (filter = {}) => {
      let events: LedgerEvent[];
      if (store) {
        await store.sync();
        events = await store.list(filter.name);
      } else {
        const logs = await client.getLogs({
          address: Object.values(addresses),
          fromBlock: options.fromBlock ?? 0n,
          toBlock: "latest",
        });
        events = await decodeWithRounds(logs as Log[]);
      }
      if (filter.name) events = events.filter((e) => e.name === filter.name);
      if (filter.address) {
        const a = filter.address.toLowerCase();
        events = events.filter((e) =>
          Object.values(e.args).some((v) => typeof v === "string" && v.toLowerCase() === a),
        );
      }
      if (filter.fromId !== undefined) events = events.filter((e) => e.id > filter.fromId!);
      return filter.limit !== undefined ? events.slice(0, filter.limit) : events;
    },
  };
  return ledger;
}
