import type { OrchestratorInfo } from "../../wire/go/gen/net/lp_rpc_pb.ts";
import type { AppDeps } from "../deps.ts";
import { type GoCandidate, invalidateGoInfo } from "./discovery.ts";
import { orchestratorRpc } from "./grpc.ts";
import { adoptInfo, endSession, type GoSession, openSession } from "./session.ts";

// The go-livepeer sessions of HTTP-pushed streams, kept across segments as go-livepeer's gateway
// keeps a stream's session: one per (manifest id, orchestrator URL), opened on the discovery
// answer itself (so a stream costs one GetOrchestrator), updated by every result's fresh info, and
// ended (EndTranscodingSession) when the stream goes idle, when the failover rules drop it, or at
// shutdown. One-shot consumer jobs do not come here.

export interface StreamGoSession {
  candidate: GoCandidate;
  session: GoSession;
  /** Clock time of the last segment sent on it. */
  lastUsed: number;
}

/** The process's stream sessions (on deps.services.push). */
export interface GoStreamSessions {
  /** manifest id → orchestrator URL → session; map order is least recently used first. */
  byStream: Map<string, Map<string, StreamGoSession>>;
  /** Discovery answers already made into a session: their auth token is that session's alone. */
  taken: WeakSet<OrchestratorInfo>;
}

/** Sessions idle this long are ended (go-livepeer drops an idle pushed stream after a minute). */
export const STREAM_SESSION_IDLE_MS = 60_000;

export function createGoStreamSessions(): GoStreamSessions {
  return { byStream: new Map(), taken: new WeakSet() };
}

/** The stream's most recently used session, when it has one. */
export function streamSession(deps: AppDeps, manifestId: string): StreamGoSession | undefined {
  const byUrl = deps.services.push.go.byStream.get(manifestId);
  if (!byUrl) return undefined;
  let last: StreamGoSession | undefined;
  for (const s of byUrl.values()) if (!last || s.lastUsed >= last.lastUsed) last = s;
  return last;
}

/**
 * The stream's session at the candidate: the kept one, else a new one on the candidate's
 * discovery answer (taken out of the discovery cache, so no other stream shares its auth token),
 * else a new GetOrchestrator.
 */
export async function takeStreamSession(
  deps: AppDeps,
  manifestId: string,
  cand: GoCandidate,
  timeoutMs?: number,
): Promise<GoSession> {
  const state = deps.services.push.go;
  const kept = state.byStream.get(manifestId)?.get(cand.url);
  if (kept) return kept.session;
  let session: GoSession;
  if (!state.taken.has(cand.info)) {
    state.taken.add(cand.info);
    invalidateGoInfo(deps, cand.url);
    session = adoptInfo(
      deps,
      {
        url: cand.url,
        rpc: orchestratorRpc(cand.url),
        price: null,
        credit: 0n,
        capabilities: cand.capabilities,
      },
      cand.info,
    );
  } else {
    session = await openSession(deps, cand.url, cand.capabilities, timeoutMs);
  }
  const byUrl = state.byStream.get(manifestId) ?? new Map<string, StreamGoSession>();
  state.byStream.set(manifestId, byUrl);
  byUrl.set(cand.url, { candidate: cand, session, lastUsed: deps.clock.now() });
  return session;
}

/** Marks the session used now (it stays open for the stream's next segment). */
export function touchStreamSession(deps: AppDeps, manifestId: string, url: string): void {
  const s = deps.services.push.go.byStream.get(manifestId)?.get(url);
  if (s) s.lastUsed = deps.clock.now();
}

/** Forgets the session and ends it at the orchestrator (the failover rules dropped it). */
export async function dropStreamSession(deps: AppDeps, manifestId: string, url: string): Promise<void> {
  const byUrl = deps.services.push.go.byStream.get(manifestId);
  const s = byUrl?.get(url);
  if (!byUrl || !s) return;
  byUrl.delete(url);
  if (byUrl.size === 0) deps.services.push.go.byStream.delete(manifestId);
  await endQuietly(deps, s.session);
}

/**
 * Ends the sessions idle longer than STREAM_SESSION_IDLE_MS (every one with `all`), but not those
 * of `except`: the stream whose segment has just arrived is not idle.
 */
export async function endIdleStreamSessions(
  deps: AppDeps,
  opts: { all?: boolean; except?: string } = {},
): Promise<number> {
  const { all = false, except } = opts;
  const now = deps.clock.now();
  const ending: GoSession[] = [];
  const byStream = deps.services.push.go.byStream;
  for (const [manifestId, byUrl] of byStream) {
    if (manifestId === except) continue;
    for (const [url, s] of byUrl) {
      if (!all && now - s.lastUsed <= STREAM_SESSION_IDLE_MS) continue;
      byUrl.delete(url);
      ending.push(s.session);
    }
    if (byUrl.size === 0) byStream.delete(manifestId);
  }
  await Promise.all(ending.map((s) => endQuietly(deps, s)));
  return ending.length;
}

async function endQuietly(deps: AppDeps, s: GoSession): Promise<void> {
  await endSession(s).catch((err: unknown) =>
    deps.logger.info("go-livepeer session end failed", { url: s.url, error: String(err) }),
  );
}
