// TicketBroker: sender funds (deposit, reserve), unlock / withdraw, and winning-ticket redemption.

import { eq } from "drizzle-orm";
import { recipientRandHash } from "../../../protocol/commit-reveal.ts";
import { verifyTicketSignature } from "../../../protocol/signature.ts";
import { encodeAuxData, ticketHash } from "../../../protocol/ticket.ts";
import type { Hex, Ticket } from "../../../protocol/types.ts";
import { isWinningTicket } from "../../../protocol/win.ts";
import * as schema from "../../db/schema/devnet.ts";
import { LedgerError, solidityPanic } from "../errors.ts";
import { key, MINTER_ADDRESS, ZERO_ADDRESS } from "./addresses.ts";
import type { Ctx } from "./context.ts";
import { updateTranscoderWithFees } from "./earnings.ts";
import { requireInitialized } from "./rounds.ts";
import { isActive } from "./stake.ts";
import type { Sender, Store } from "./store.ts";
import { transferEth } from "./tokens.ts";

/** The reserve round-total row uses this claimant key. */
export const ROUND_TOTAL = "*";

export function remainingReserve(s: Sender): bigint {
  return s.reserveClaimed > s.reserveFundsAdded ? 0n : s.reserveFundsAdded - s.reserveClaimed;
}

const unlockInProgress = (s: Sender) => s.withdrawRound > 0n;
const isLocked = (s: Sender, round: bigint) => s.withdrawRound === 0n || round < s.withdrawRound;

async function cancelUnlockOf(ctx: Ctx, addr: string, s: Sender): Promise<void> {
  if (!unlockInProgress(s)) throw new LedgerError("SENDER_NOT_UNLOCKING", "no unlock request in progress");
  s.withdrawRound = 0n;
  ctx.store.emit("UnlockCancelled", { sender: addr });
}

async function addDeposit(ctx: Ctx, addr: string, amount: bigint): Promise<void> {
  const s = await ctx.store.sender(addr);
  s.deposit += amount;
  if (unlockInProgress(s)) await cancelUnlockOf(ctx, addr, s);
  ctx.store.emit("DepositFunded", { sender: addr, amount });
}

async function addReserve(ctx: Ctx, addr: string, amount: bigint): Promise<void> {
  const s = await ctx.store.sender(addr);
  s.reserveFundsAdded += amount;
  ctx.store.emit("ReserveFunded", { reserveHolder: addr, amount });
  if (unlockInProgress(s)) await cancelUnlockOf(ctx, addr, s);
}

export async function fundDeposit(ctx: Ctx, caller: string, amount: bigint): Promise<void> {
  if (amount < 0n) throw new LedgerError("INVALID_AMOUNT", "amount must not be negative");
  await transferEth(ctx.store, caller, MINTER_ADDRESS, amount);
  await addDeposit(ctx, caller, amount);
}

export async function fundReserve(ctx: Ctx, caller: string, amount: bigint): Promise<void> {
  if (amount < 0n) throw new LedgerError("INVALID_AMOUNT", "amount must not be negative");
  await transferEth(ctx.store, caller, MINTER_ADDRESS, amount);
  await addReserve(ctx, caller, amount);
}

export async function fundDepositAndReserve(ctx: Ctx, caller: string, deposit: bigint, reserve: bigint) {
  if (deposit < 0n || reserve < 0n) throw new LedgerError("INVALID_AMOUNT", "amount must not be negative");
  await transferEth(ctx.store, caller, MINTER_ADDRESS, deposit + reserve);
  // processDeposit wraps processReserve: the deposit is added first, its event comes last.
  const s = await ctx.store.sender(caller);
  s.deposit += deposit;
  if (unlockInProgress(s)) await cancelUnlockOf(ctx, caller, s);
  await addReserve(ctx, caller, reserve);
  ctx.store.emit("DepositFunded", { sender: caller, amount: deposit });
}

export async function unlock(ctx: Ctx, caller: string): Promise<void> {
  const s = await ctx.store.sender(caller);
  if (s.deposit === 0n && remainingReserve(s) === 0n) {
    throw new LedgerError("SENDER_NO_FUNDS", "sender deposit and reserve are zero");
  }
  if (unlockInProgress(s)) throw new LedgerError("SENDER_UNLOCK_PENDING", "unlock already initiated");
  s.withdrawRound = ctx.round + ctx.params.unlockPeriod;
  ctx.store.emit("Unlock", { sender: caller, startRound: ctx.round, endRound: s.withdrawRound });
}

export async function cancelUnlock(ctx: Ctx, caller: string): Promise<void> {
  await cancelUnlockOf(ctx, caller, await ctx.store.sender(caller));
}

export async function withdraw(ctx: Ctx, caller: string): Promise<void> {
  const s = await ctx.store.sender(caller);
  const deposit = s.deposit;
  const reserve = remainingReserve(s);
  if (deposit === 0n && reserve === 0n)
    throw new LedgerError("SENDER_NO_FUNDS", "sender deposit and reserve are zero");
  if (!unlockInProgress(s)) throw new LedgerError("SENDER_NOT_UNLOCKING", "no unlock request in progress");
  if (isLocked(s, ctx.round)) throw new LedgerError("SENDER_UNLOCK_PENDING", "account is locked");
  s.deposit = 0n;
  // clearReserve: the reserve is emptied; claims of past rounds stay recorded.
  s.reserveFundsAdded = 0n;
  s.reserveClaimed = 0n;
  await transferEth(ctx.store, MINTER_ADDRESS, caller, deposit + reserve);
  ctx.store.emit("Withdrawal", { sender: caller, deposit, reserve });
}

/**
 * claimableReserve: (fundsRemaining + claimedThisRound) / poolSize - claimedByClaimant. The
 * subtraction is checked: once the pool grew after a claimant took its whole share, the view and
 * any redemption that needs the reserve revert with an arithmetic panic, as on chain.
 */
export async function claimableReserve(ctx: Ctx, holder: string, claimant: string): Promise<bigint> {
  const { store, round } = ctx;
  if (!(await isActive(ctx, claimant))) return 0n;
  const poolSize = BigInt((await store.poolMembers()).length);
  if (poolSize === 0n) return 0n;
  const s = await store.sender(holder);
  const claimedRound = await store.reserveClaim(holder, round, ROUND_TOTAL);
  const claimedBy = await store.reserveClaim(holder, round, claimant);
  const share = (remainingReserve(s) + claimedRound) / poolSize;
  if (share < claimedBy) throw solidityPanic("0x11", "TicketBroker.claimableReserve");
  return share - claimedBy;
}

async function claimFromReserve(ctx: Ctx, holder: string, claimant: string, amount: bigint): Promise<bigint> {
  const { store, round } = ctx;
  const claimable = await claimableReserve(ctx, holder, claimant);
  const claim = amount > claimable ? claimable : amount;
  if (claim > 0n) {
    const s = await store.sender(holder);
    const total = await store.reserveClaim(holder, round, ROUND_TOTAL);
    store.setReserveClaim(holder, round, ROUND_TOTAL, total + claim);
    const mine = await store.reserveClaim(holder, round, claimant);
    store.setReserveClaim(holder, round, claimant, mine + claim);
    s.reserveClaimed += claim;
    store.emit("ReserveClaimed", { reserveHolder: holder, claimant, amount: claim });
  }
  return claim;
}

async function blockHashForRound(store: Store, round: bigint): Promise<Hex | undefined> {
  const [row] = await store.db
    .select()
    .from(schema.devnetRounds)
    .where(eq(schema.devnetRounds.round, Number(round)));
  return row?.blockHash as Hex | undefined;
}

/**
 * redeemWinningTicket as the fixed TicketBroker checks it: validity, then the all-or-nothing door
 * (`deposit + remaining reserve >= faceValue`), then payment from the deposit first and the
 * reserve up to the recipient's allocation (which can settle for less: protocol#663), credited
 * as fees of the CURRENT round.
 */
export async function redeemWinningTicket(
  ctx: Ctx,
  ticket: Ticket,
  sig: Hex,
  recipientRand: bigint,
): Promise<void> {
  requireInitialized(ctx);
  const { store, round } = ctx;
  if (ticket.recipient.toLowerCase() === ZERO_ADDRESS) {
    throw new LedgerError("TICKET_RECIPIENT_INVALID", "ticket recipient is null address");
  }
  if (ticket.sender.toLowerCase() === ZERO_ADDRESS) {
    throw new LedgerError("TICKET_SENDER_INVALID", "ticket sender is null address");
  }
  const recipient = key(ticket.recipient);
  const senderAddr = key(ticket.sender);
  if (ticket.creationRound < 0n || ticket.creationRound >= 2n ** 53n) {
    throw new LedgerError("TICKET_AUX_INVALID", "ticket creationRound does not have a block hash");
  }
  const hash = await blockHashForRound(store, ticket.creationRound);
  if (hash === undefined || encodeAuxData(ticket.creationRound, ticket.creationRoundBlockHash) === "0x") {
    throw new LedgerError("TICKET_AUX_INVALID", "ticket creationRound does not have a block hash");
  }
  if (hash.toLowerCase() !== ticket.creationRoundBlockHash.toLowerCase()) {
    throw new LedgerError("TICKET_AUX_INVALID", "ticket creationRoundBlockHash invalid for creationRound");
  }
  if (ticket.creationRound + ctx.params.ticketValidityPeriod <= round) {
    throw new LedgerError("TICKET_EXPIRED", "ticket is expired");
  }
  if (recipientRandHash(recipientRand).toLowerCase() !== ticket.recipientRandHash.toLowerCase()) {
    throw new LedgerError("TICKET_RAND_INVALID", "recipientRand does not match recipientRandHash");
  }
  const th = ticketHash(ticket);
  if (await store.isUsed(th)) throw new LedgerError("TICKET_USED", "ticket is used");
  if (!verifyTicketSignature(ticket, sig, ticket.sender).ok) {
    throw new LedgerError("TICKET_SIG_INVALID", "invalid signature over ticket hash");
  }
  if (!isWinningTicket(sig, recipientRand, ticket.winProb)) {
    throw new LedgerError("TICKET_NOT_WINNING", "ticket did not win");
  }

  const s = await store.sender(senderAddr);
  if (!isLocked(s, round)) throw new LedgerError("SENDER_UNLOCKED", "sender is unlocked");
  const reserve = remainingReserve(s);
  // The protocol#657 guard comes before the older zero-funds check.
  if (s.deposit + reserve < ticket.faceValue) {
    throw new LedgerError(
      "TICKET_UNDERFUNDED",
      "sender deposit and reserve insufficient to cover ticket face value",
    );
  }
  if (s.deposit === 0n && reserve === 0n) {
    throw new LedgerError("SENDER_NO_FUNDS", "sender deposit and reserve are zero");
  }
  store.markUsed(th, round, ctx.ref);

  let amount: bigint;
  if (ticket.faceValue > s.deposit) {
    const fromDeposit = s.deposit;
    s.deposit = 0n;
    amount =
      fromDeposit + (await claimFromReserve(ctx, senderAddr, recipient, ticket.faceValue - fromDeposit));
  } else {
    amount = ticket.faceValue;
    s.deposit -= ticket.faceValue;
  }
  if (amount > 0n) {
    const d = await store.delegator(recipient);
    if (!(d.delegateAddress === recipient && d.bondedAmount > 0n)) {
      throw new LedgerError("TICKET_RECIPIENT_INVALID", "transcoder must be registered");
    }
    await updateTranscoderWithFees(ctx, recipient, amount);
    store.emit("WinningTicketTransfer", { sender: senderAddr, recipient, amount });
  }
  store.emit("WinningTicketRedeemed", {
    sender: senderAddr,
    recipient,
    faceValue: ticket.faceValue,
    winProb: ticket.winProb,
    senderNonce: ticket.senderNonce,
    recipientRand,
    auxData: encodeAuxData(ticket.creationRound, ticket.creationRoundBlockHash),
  });
}
