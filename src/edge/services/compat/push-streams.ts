import type { VideoProfile } from "../../../wire/jobs.ts";
import { createGoStreamSessions, type GoStreamSessions } from "../../go-gateway/stream-sessions.ts";

// The HTTP-push streams this gateway has seen: each one's profiles, kept while segments keep
// coming. go-livepeer drops an idle pushed stream after a minute; so does this.

export interface PushStream {
  profiles: VideoProfile[];
  lastUsed: number;
}

/** The process's pushed streams (on deps.services, built once at bootstrap). */
export interface PushStreams {
  streams: Map<string, PushStream>;
  /** The streams' go-livepeer sessions, kept across segments. */
  go: GoStreamSessions;
}

/** Streams idle this long are forgotten (go-livepeer's httpPushTimeout). */
export const PUSH_IDLE_MS = 60_000;
/** At most this many streams are remembered; the longest idle goes first. */
export const MAX_PUSH_STREAMS = 10_000;

export function createPushStreams(): PushStreams {
  return { streams: new Map(), go: createGoStreamSessions() };
}

/** The stream's profiles when it is still remembered, else undefined. */
export function streamProfiles(
  state: PushStreams,
  manifestId: string,
  now: number,
): VideoProfile[] | undefined {
  const s = state.streams.get(manifestId);
  if (!s) return undefined;
  if (now - s.lastUsed > PUSH_IDLE_MS) {
    state.streams.delete(manifestId);
    return undefined;
  }
  return s.profiles;
}

/** Records the stream's profiles and activity, dropping idle streams beyond the bound. */
export function touchStream(
  state: PushStreams,
  manifestId: string,
  profiles: VideoProfile[],
  now: number,
): void {
  state.streams.delete(manifestId);
  state.streams.set(manifestId, { profiles, lastUsed: now });
  // Map order is insertion order: the first entries are the longest idle.
  for (const [id, s] of state.streams) {
    if (state.streams.size <= MAX_PUSH_STREAMS && now - s.lastUsed <= PUSH_IDLE_MS) break;
    state.streams.delete(id);
  }
}
