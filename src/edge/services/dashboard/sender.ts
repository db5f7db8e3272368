import { eq } from "drizzle-orm";
import type { Address } from "../../../protocol/types.ts";
import { consumerJobs } from "../../db/schema/jobs.ts";
import { gatewayBalances, gatewayNonces } from "../../db/schema/payments.ts";
import type { AppDeps } from "../../deps.ts";
import type { LedgerEvent, SenderInfo } from "../../ledger/types.ts";

export interface SenderPerOrchestrator {
  orchestrator: string;
  ticketsSent: number;
  /** Σ tickets × EV per ticket: what the tickets were worth. */
  evSent: bigint;
  /** Fees for work received, as the gateway computed them. */
  spent: bigint;
  /** EV sent minus fees: the credit the gateway believes it holds there. */
  balance: bigint;
}

export interface SenderView {
  address: string;
  info: SenderInfo;
  unlocking: boolean;
  currentRound: bigint;
  ethBalance: bigint;
  /** Only when this edge is the sender's gateway. */
  local: boolean;
  perOrchestrator: SenderPerOrchestrator[];
  ticketsSent: number;
  evSent: bigint;
  spent: bigint;
  /** Consumer jobs this gateway paid for: done, failed, units of work and fees. */
  jobs: { succeeded: number; failed: number; units: bigint; fees: bigint };
  /** The broker's events for this sender (funding, unlock, withdrawal, tickets), newest first. */
  events: LedgerEvent[];
}

const BROKER_EVENTS = new Set([
  "DepositFunded",
  "ReserveFunded",
  "Unlock",
  "UnlockCancelled",
  "Withdrawal",
  "WinningTicketRedeemed",
  "ReserveClaimed",
]);
const EVENT_LIMIT = 50;

/** A ticket sender: its broker state on the ledger, and what this gateway sent and got for it. */
export async function senderView(deps: AppDeps, address: Address): Promise<SenderView> {
  const addr = address.toLowerCase() as Address;
  const local = deps.keys.sender?.address.toLowerCase() === addr;
  const l = deps.ledger;
  const [info, unlocking, currentRound, ethBalance, events] = await Promise.all([
    l.getSenderInfo(addr),
    l.isUnlockInProgress(addr),
    l.currentRound(),
    l.ethBalanceOf(addr),
    l.getEvents({ address: addr }),
  ]);
  const view: SenderView = {
    address: addr,
    info,
    unlocking,
    currentRound,
    ethBalance,
    local,
    perOrchestrator: [],
    ticketsSent: 0,
    evSent: 0n,
    spent: 0n,
    jobs: { succeeded: 0, failed: 0, units: 0n, fees: 0n },
    events: events
      .filter((e) => BROKER_EVENTS.has(e.name) && String(e.args.sender ?? "").toLowerCase() === addr)
      .reverse()
      .slice(0, EVENT_LIMIT),
  };
  if (!local) return view;
  const [nonces, balances, jobs] = await Promise.all([
    deps.db.select().from(gatewayNonces),
    deps.db.select().from(gatewayBalances).where(eq(gatewayBalances.sender, addr)),
    deps.db
      .select({ status: consumerJobs.status, units: consumerJobs.units, fee: consumerJobs.fee })
      .from(consumerJobs),
  ]);
  const per = new Map<string, SenderPerOrchestrator>();
  const row = (o: string) => {
    let r = per.get(o);
    if (!r) {
      r = { orchestrator: o, ticketsSent: 0, evSent: 0n, spent: 0n, balance: 0n };
      per.set(o, r);
    }
    return r;
  };
  for (const n of nonces) {
    const r = row(n.orchestrator.toLowerCase());
    r.ticketsSent += n.lastNonce;
  }
  for (const b of balances) {
    const r = row(b.orchestrator.toLowerCase());
    r.evSent = BigInt(b.sentEv);
    r.spent = BigInt(b.spent);
    r.balance = BigInt(b.balance);
  }
  view.perOrchestrator = [...per.values()].sort((a, b) => (a.evSent < b.evSent ? 1 : -1));
  for (const r of view.perOrchestrator) {
    view.ticketsSent += r.ticketsSent;
    view.evSent += r.evSent;
    view.spent += r.spent;
  }
  for (const j of jobs) {
    if (j.status === "succeeded") {
      view.jobs.succeeded++;
      view.jobs.units += BigInt(j.units ?? "0");
      view.jobs.fees += BigInt(j.fee ?? "0");
    } else if (j.status === "failed") view.jobs.failed++;
  }
  return view;
}
