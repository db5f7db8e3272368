import type { Address, Hex } from "viem";
import { ticketEV } from "../../protocol/win.ts";
import { hexOf } from "../../wire/go/bytes.ts";
import type { AuthToken, Capabilities, OrchestratorInfo } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import { paymentToProto, priceFromProto, ticketParamsFromProto } from "../../wire/go/payment.ts";
import type { OrchestratorInfoJson } from "../../wire/orchestrator-info.ts";
import { type PriceInfo, ticketParamsToJson } from "../../wire/payment.ts";
import type { AppDeps } from "../deps.ts";
import { checkOfferedParams } from "../services/gateway/limits.ts";
import { type CreatedPayment, createPayment, recordPaymentResult } from "../services/gateway/sender.ts";
import {
  endTranscodingSession,
  getOrchestrator,
  type OrchestratorRpc,
  orchestratorRpc,
  REFRESH_TIMEOUT_MS,
} from "./grpc.ts";

// A session with one go-livepeer orchestrator, as go-livepeer's gateway keeps it: it adopts every
// fresh OrchestratorInfo (discovery, each /segment result, each refresh), so each payment uses the
// newest ticket params (nonces restart at 1 per recipient_rand_hash, kept in the gateway's nonce
// table); the first payment fixes the price; the credit the orchestrator holds for this session's
// manifest (the auth token's session id) is mirrored here. Balances, nonces and spend caps are the
// JSON path's own (services/gateway/sender.ts).

/** An orchestrator answer this gateway will not work with, in go-livepeer's terms. */
export class GoSessionError extends Error {
  override readonly name = "GoSessionError";
}

export interface GoSession {
  /** Where discovery reached it (gRPC host:port). */
  url: string;
  rpc: OrchestratorRpc;
  info: OrchestratorInfo;
  /** Ticket recipient: the account credited, and the key of the gateway's balance rows. */
  recipient: Address;
  /** The account that signs results: OrchestratorInfo.address, else the recipient. */
  signer: Address;
  /** Fixed by the first payment. */
  price: PriceInfo | null;
  /** What the orchestrator holds for this session's manifest, by this gateway's count. */
  credit: bigint;
  /** Clock time the current info was adopted. */
  adoptedAt: number;
  capabilities: Capabilities;
  /** Tickets sent on this session so far, with their face value and EV (the job's books). */
  sent?: { tickets: number; faceValue: bigint; ev: bigint };
}

const ZERO32 = `0x${"00".repeat(32)}` as Hex;

/** Ticket params and price as the JSON path's payment code takes them. */
function payable(
  s: GoSession,
): Pick<OrchestratorInfoJson, "address" | "ticketParams" | "expirationParams" | "priceInfo"> {
  const tp = s.info.ticketParams!;
  const params = ticketParamsFromProto(tp);
  const e = tp.expirationParams;
  const price = priceFromProto(s.info.priceInfo);
  return {
    address: s.recipient,
    ticketParams: ticketParamsToJson(params),
    expirationParams: {
      creationRound: (e?.creationRound ?? 0n).toString(),
      creationRoundBlockHash:
        e && e.creationRoundBlockHash.length === 32 ? hexOf(e.creationRoundBlockHash) : ZERO32,
    },
    priceInfo: { pricePerUnit: price.pricePerUnit.toString(), pixelsPerUnit: price.pixelsPerUnit.toString() },
  };
}

/**
 * Takes a fresh OrchestratorInfo into the session. Ignored by go-livepeer, and refused here: an
 * empty transcoder, no auth token, no ticket params; a price that more than doubled since the
 * session's first payment drops the orchestrator.
 */
export function adoptInfo(
  deps: AppDeps,
  s: Omit<GoSession, "info" | "recipient" | "signer" | "adoptedAt"> & Partial<GoSession>,
  info: OrchestratorInfo,
): GoSession {
  if (!info.transcoder) throw new GoSessionError("orchestrator info has no transcoder URL");
  if (!info.authToken) throw new GoSessionError("orchestrator info has no auth token");
  if (!info.ticketParams) throw new GoSessionError("orchestrator info has no ticket params");
  const params = ticketParamsFromProto(info.ticketParams);
  checkOfferedParams(deps, { ticketParams: ticketParamsToJson(params) });
  const price = priceFromProto(info.priceInfo);
  if (
    s.price &&
    price.pricePerUnit * s.price.pixelsPerUnit > 2n * s.price.pricePerUnit * price.pixelsPerUnit
  ) {
    throw new GoSessionError("orchestrator price more than doubled within the session");
  }
  const signer = info.address.length === 20 ? (hexOf(info.address) as Address) : params.recipient;
  const next = s as GoSession;
  // The orchestrator keeps credit per auth-token session id: a new id starts from nothing there.
  if (next.info?.authToken && next.info.authToken.sessionId !== info.authToken.sessionId) next.credit = 0n;
  next.info = info;
  next.recipient = params.recipient;
  next.signer = signer;
  next.adoptedAt = deps.clock.now();
  return next;
}

/** Opens a session: GetOrchestrator at `url` with the capabilities asked for, then adopts the info. */
export async function openSession(
  deps: AppDeps,
  url: string,
  capabilities: Capabilities,
  timeoutMs?: number,
): Promise<GoSession> {
  const sender = deps.keys.sender;
  if (!sender) throw new GoSessionError("the gateway has no sender key configured");
  const rpc = orchestratorRpc(url);
  try {
    const info = await getOrchestrator(rpc, sender, capabilities, timeoutMs);
    return adoptInfo(deps, { url, rpc, price: null, credit: 0n, capabilities }, info);
  } catch (err) {
    rpc.close();
    throw err;
  }
}

/** Whether the session must refresh first: the auth token 90 % through its life, or the params expired. */
export async function needsRefresh(deps: AppDeps, s: GoSession): Promise<boolean> {
  const token = s.info.authToken as AuthToken;
  const expiresMs = Number(token.expiration) * 1000;
  const now = deps.clock.now();
  if (now >= s.adoptedAt + 0.9 * (expiresMs - s.adoptedAt)) return true;
  const block = await deps.ledger.blockNumber();
  const expirationBlock = ticketParamsFromProto(s.info.ticketParams!).expirationBlock;
  return expirationBlock - block <= 1n;
}

/** Refreshes the session at its transcoder URL (2.5 s), adopting the new info. */
export async function refreshSession(deps: AppDeps, s: GoSession): Promise<GoSession> {
  const sender = deps.keys.sender!;
  const rpc = orchestratorRpc(s.info.transcoder);
  try {
    const info = await getOrchestrator(rpc, sender, s.capabilities, REFRESH_TIMEOUT_MS);
    return adoptInfo(deps, s, info);
  } finally {
    rpc.close();
  }
}

export interface StagedPayment {
  created: CreatedPayment;
  /** The Livepeer-Payment protobuf. */
  proto: ReturnType<typeof paymentToProto>;
  staged: bigint;
}

/**
 * Pays for `fee` wei of work as go-livepeer's gateway does: it stages max(fee, ticket EV) and
 * sends ceil((staged − credit) / EV) tickets on the newest params, with expected_price set to the
 * newest price. The first payment fixes the session's price.
 */
export async function stagePayment(deps: AppDeps, s: GoSession, fee: bigint): Promise<StagedPayment> {
  const info = payable(s);
  const ev = ticketEV(BigInt(info.ticketParams.faceValue), BigInt(info.ticketParams.winProb));
  const staged = fee > ev ? fee : ev;
  const created = await createPayment(deps, info, staged, { minTickets: 0, credit: s.credit });
  s.price ??= priceFromProto(s.info.priceInfo);
  s.credit += created.totalEv;
  s.sent ??= { tickets: 0, faceValue: 0n, ev: 0n };
  const sent = s.sent;
  sent.tickets += created.tickets;
  sent.faceValue += created.payment.ticketParams.faceValue * BigInt(created.tickets);
  sent.ev += created.totalEv;
  return { created, proto: paymentToProto(created.payment), staged };
}

/** Books what the orchestrator charged (0 when it refused the work) against the staged payment. */
export async function settlePayment(
  deps: AppDeps,
  s: GoSession,
  p: StagedPayment,
  charged: bigint,
  accepted: boolean,
): Promise<void> {
  if (!accepted) s.credit -= p.created.totalEv;
  else s.credit -= charged;
  await recordPaymentResult(deps, p.created, {
    accepted: accepted ? p.created.tickets : 0,
    errors: [],
    charged: accepted ? charged : 0n,
  });
}

/** Ends a one-shot session (EndTranscodingSession with its auth token) and drops its connection. */
export async function endSession(s: GoSession): Promise<void> {
  try {
    if (s.info.authToken) await endTranscodingSession(s.rpc, s.info.authToken);
  } finally {
    s.rpc.close();
  }
}
