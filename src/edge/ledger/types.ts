import type { Address, Hex, Ticket } from "../../protocol/types.ts";

/**
 * The protocol state the edge reads and writes. Implemented by the devnet ledger (libSQL, the
 * embedded default) and by the chain ledger (viem against the deployed contracts).
 * Names and argument order mirror the contracts; state-changing calls take the caller first.
 * A revert throws LedgerError (./errors.ts) with a stable code; nothing is applied.
 */
export interface Ledger extends LedgerViews, LedgerWrites {
  readonly kind: "devnet" | "chain";
  /** The chain id the chain ledger's RPC answered with (absent on the devnet). */
  readonly chainId?: number;
  close(): Promise<void>;
}

/** Receipt of one applied transaction. `ref` is the tx hash on chain, a synthetic id on devnet. */
export interface TxResult {
  ref: Hex;
  round: bigint;
  block: bigint;
  events: LedgerEvent[];
}

/** One contract event, with the contract's event name and field names. */
export interface LedgerEvent {
  id: bigint;
  name: LedgerEventName;
  round: bigint;
  block: bigint;
  ref: Hex;
  args: Record<string, string | bigint | boolean>;
}

export type LedgerEventName =
  | "Bond"
  | "Unbond"
  | "Rebond"
  | "TransferBond"
  | "WithdrawStake"
  | "WithdrawFees"
  | "EarningsClaimed"
  | "Reward"
  | "TreasuryReward"
  | "TranscoderUpdate"
  | "TranscoderActivated"
  | "TranscoderDeactivated"
  | "NewRound"
  | "SetCurrentRewardTokens"
  | "DepositFunded"
  | "ReserveFunded"
  | "ReserveClaimed"
  | "WinningTicketRedeemed"
  | "WinningTicketTransfer"
  | "Unlock"
  | "UnlockCancelled"
  | "Withdrawal"
  | "ServiceURIUpdate"
  | "RewardCallerSet";

export interface LedgerWrites {
  // RoundsManager
  initializeRound(caller: Address): Promise<TxResult>;
  // BondingManager: staking
  bond(caller: Address, amount: bigint, to: Address): Promise<TxResult>;
  unbond(caller: Address, amount: bigint): Promise<TxResult>;
  rebond(caller: Address, lockId: bigint): Promise<TxResult>;
  rebondFromUnbonded(caller: Address, to: Address, lockId: bigint): Promise<TxResult>;
  withdrawStake(caller: Address, lockId: bigint): Promise<TxResult>;
  withdrawFees(caller: Address, recipient: Address, amount: bigint): Promise<TxResult>;
  claimEarnings(caller: Address, endRound: bigint): Promise<TxResult>;
  transferBond(caller: Address, receiver: Address, amount: bigint): Promise<TxResult>;
  // BondingManager: orchestrators
  transcoder(caller: Address, rewardCut: bigint, feeShare: bigint): Promise<TxResult>;
  reward(caller: Address): Promise<TxResult>;
  /** Names the one address that may call reward for `caller` (the zero address clears it). */
  setRewardCaller(caller: Address, rewardCaller: Address): Promise<TxResult>;
  /** reward() for `transcoder`, by its reward caller; minted, recorded and guarded as its own call. */
  rewardForTranscoder(caller: Address, transcoder: Address): Promise<TxResult>;
  // ServiceRegistry
  setServiceURI(caller: Address, uri: string): Promise<TxResult>;
  // TicketBroker
  fundDeposit(caller: Address, amount: bigint): Promise<TxResult>;
  fundReserve(caller: Address, amount: bigint): Promise<TxResult>;
  fundDepositAndReserve(caller: Address, deposit: bigint, reserve: bigint): Promise<TxResult>;
  unlock(caller: Address): Promise<TxResult>;
  cancelUnlock(caller: Address): Promise<TxResult>;
  withdraw(caller: Address): Promise<TxResult>;
  redeemWinningTicket(caller: Address, ticket: Ticket, sig: Hex, recipientRand: bigint): Promise<TxResult>;
}

export interface LedgerViews {
  // RoundsManager
  blockNumber(): Promise<bigint>;
  currentRound(): Promise<bigint>;
  currentRoundStartBlock(): Promise<bigint>;
  currentRoundInitialized(): Promise<boolean>;
  currentRoundLocked(): Promise<boolean>;
  lastInitializedRound(): Promise<bigint>;
  blockHashForRound(round: bigint): Promise<Hex>;
  roundLength(): Promise<bigint>;
  // BondingManager
  pendingStake(address: Address): Promise<bigint>;
  pendingFees(address: Address): Promise<bigint>;
  getDelegator(address: Address): Promise<DelegatorInfo>;
  getDelegatorUnbondingLocks(address: Address): Promise<UnbondingLock[]>;
  getTranscoder(address: Address): Promise<TranscoderInfo>;
  getTranscoderEarningsPoolForRound(address: Address, round: bigint): Promise<EarningsPoolInfo>;
  transcoderTotalStake(address: Address): Promise<bigint>;
  isActiveTranscoder(address: Address): Promise<boolean>;
  getTranscoderPoolSize(): Promise<bigint>;
  /** The address `transcoder` lets call reward for it (the zero address: none). */
  transcoderToRewardCaller(transcoder: Address): Promise<Address>;
  getTranscoderPoolMaxSize(): Promise<bigint>;
  /** The transcoder pool (next round's active set), highest stake first. */
  getTranscoderPool(): Promise<PoolMember[]>;
  /** The current round's active set (activationRound <= N < deactivationRound), highest stake first. */
  getActiveSet(): Promise<PoolMember[]>;
  currentRoundTotalActiveStake(): Promise<bigint>;
  nextRoundTotalActiveStake(): Promise<bigint>;
  getTotalBonded(): Promise<bigint>;
  unbondingPeriod(): Promise<bigint>;
  // TicketBroker
  getSenderInfo(address: Address): Promise<SenderInfo>;
  claimableReserve(holder: Address, claimant: Address): Promise<bigint>;
  usedTickets(hash: Hex): Promise<boolean>;
  isUnlockInProgress(address: Address): Promise<boolean>;
  ticketValidityPeriod(): Promise<bigint>;
  // ServiceRegistry
  getServiceURI(address: Address): Promise<string>;
  // Tokens
  balanceOf(address: Address): Promise<bigint>;
  ethBalanceOf(address: Address): Promise<bigint>;
  totalSupply(): Promise<bigint>;
  // Minter
  inflation(): Promise<bigint>;
  inflationChange(): Promise<bigint>;
  targetBondingRate(): Promise<bigint>;
  currentMintableTokens(): Promise<bigint>;
  currentMintedTokens(): Promise<bigint>;
  // Event log, oldest first; `fromId` is exclusive.
  getEvents(filter?: EventFilter): Promise<LedgerEvent[]>;
}

export interface EventFilter {
  name?: LedgerEventName;
  /** Matches events whose args hold this address in any address-valued field. */
  address?: Address;
  fromId?: bigint;
  limit?: number;
}

export type DelegatorStatus = "Pending" | "Bonded" | "Unbonded";

export interface DelegatorInfo {
  bondedAmount: bigint;
  fees: bigint;
  delegateAddress: Address;
  delegatedAmount: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
  nextUnbondingLockId: bigint;
  status: DelegatorStatus;
}

export interface UnbondingLock {
  id: bigint;
  amount: bigint;
  withdrawRound: bigint;
}

export interface TranscoderInfo {
  lastRewardRound: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  lastActiveStakeUpdateRound: bigint;
  activationRound: bigint;
  deactivationRound: bigint;
  activeCumulativeRewards: bigint;
  cumulativeRewards: bigint;
  cumulativeFees: bigint;
  lastFeeRound: bigint;
}

export interface EarningsPoolInfo {
  totalStake: bigint;
  transcoderRewardCut: bigint;
  transcoderFeeShare: bigint;
  cumulativeRewardFactor: bigint;
  cumulativeFeeFactor: bigint;
}

export interface PoolMember {
  address: Address;
  totalStake: bigint;
}

export interface SenderInfo {
  sender: { deposit: bigint; withdrawRound: bigint };
  reserve: { fundsRemaining: bigint; claimedInCurrentRound: bigint };
}

/** Devnet-only clock control; the chain ledger does not implement it. */
export interface DevnetControl {
  /** Moves the clock to the first block of the next round (does not initialize it). */
  advanceRound(): Promise<bigint>;
  /** Moves the clock forward by n blocks. */
  advanceBlocks(n: bigint): Promise<bigint>;
}
