import { eq } from "drizzle-orm";
import type { Address } from "../../../protocol/types.ts";
import type { Capabilities } from "../../../wire/capabilities.ts";
import { pipelineSpec } from "../../../wire/pipelines.ts";
import { rawAll } from "../../db/raw.ts";
import { runners } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import type { ServedEntry } from "../tickets/offers.ts";
import { JobError } from "./errors.ts";
import { newId, sha256Hex } from "./ids.ts";
import { writeTx } from "./tx.ts";

export interface RunnerSession {
  id: string;
  orchestrator: Address;
  serves: string[];
  capacity: number;
  /** When the edge last marked the runner seen, as read when the session was authenticated. */
  lastSeenAt?: number;
}

/** The hosted orchestrator a runner token is bound to (tokens are compared by SHA-256). */
export async function orchestratorForToken(deps: AppDeps, token: string): Promise<Address> {
  const hash = await sha256Hex(token);
  for (const o of deps.services.hosted) {
    for (const t of o.config.runnerTokens) if ((await sha256Hex(t)) === hash) return o.account.address;
  }
  throw new JobError("RUNNER_TOKEN_INVALID", "unknown runner token");
}

/** Registers a runner session with its probed capabilities; returns its id. */
export async function registerRunner(
  deps: AppDeps,
  token: string,
  capabilities: Capabilities,
): Promise<RunnerSession> {
  const orchestrator = await orchestratorForToken(deps, token);
  const now = deps.clock.now();
  const session: RunnerSession = {
    id: newId("runner"),
    orchestrator,
    serves: [...new Set(capabilities.capabilities)],
    capacity: Math.max(1, Math.floor(capabilities.capacity)),
  };
  const tokenHash = await sha256Hex(token);
  await writeTx(deps.db, (tx) =>
    tx.insert(runners).values({
      id: session.id,
      tokenHash,
      orchestrator: orchestrator.toLowerCase(),
      capabilities: JSON.stringify(capabilities),
      serves: JSON.stringify(session.serves),
      capacity: session.capacity,
      registeredAt: now,
      lastSeenAt: now,
    }),
  );
  deps.logger.info("runner registered", { runner: session.id, orchestrator, serves: session.serves });
  return session;
}

/**
 * Records which of a runner's registered models are loaded now (`loaded`: indices in registration
 * order; the rest are cold). Written only when it changed: every lease poll reports it.
 */
export async function noteLoadedModels(
  deps: AppDeps,
  runnerId: string,
  loaded: ReadonlySet<number>,
): Promise<void> {
  const row = (await rawAll(deps.db, "select capabilities from runners where id = ? limit 1", [runnerId]))[0];
  if (!row) return;
  const caps = JSON.parse(String(row[0])) as Capabilities;
  let changed = false;
  const models = caps.models.map((m, i) => {
    const now = loaded.has(i);
    if (m.loaded === now) return m;
    changed = true;
    return { ...m, loaded: now };
  });
  if (!changed) return;
  const text = JSON.stringify({ ...caps, models });
  await writeTx(deps.db, (tx) =>
    tx.update(runners).set({ capabilities: text }).where(eq(runners.id, runnerId)),
  );
}

/**
 * Authenticates a runner call: the token must be the one the session registered with. Plain SQL:
 * every runner call (polls, heartbeats, uploads, completions) runs this.
 */
export async function authRunner(deps: AppDeps, token: string, runnerId: string): Promise<RunnerSession> {
  const row = (
    await rawAll(
      deps.db,
      "select id, token_hash, orchestrator, serves, capacity, last_seen_at from runners where id = ? limit 1",
      [runnerId],
    )
  )[0];
  if (!row) throw new JobError("RUNNER_NOT_FOUND", "unknown runner session; register again");
  // A token that matched once is remembered with its hash (only tokens that matched a session,
  // so the map holds at most the configured ones): no digest per runner call.
  const known = deps.services.jobs.tokenHashes;
  const hash = known.get(token) ?? (await sha256Hex(token));
  if (String(row[1]) !== hash) throw new JobError("RUNNER_TOKEN_INVALID", "runner token mismatch");
  known.set(token, hash);
  return {
    id: String(row[0]),
    orchestrator: String(row[2]) as Address,
    serves: JSON.parse(String(row[3])) as string[],
    capacity: Number(row[4]),
    lastSeenAt: Number(row[5]),
  };
}

/** Marks a runner as seen (long polls and heartbeats). */
export async function touchRunner(deps: AppDeps, runnerId: string): Promise<void> {
  const now = deps.clock.now();
  await writeTx(deps.db, (tx) => tx.update(runners).set({ lastSeenAt: now }).where(eq(runners.id, runnerId)));
}

/**
 * A runner seen within this long is not marked seen again: liveness is judged over RUNNER_LIVE_MS,
 * so a write transaction per long poll bought nothing.
 */
export const RUNNER_TOUCH_MS = 10_000;

/** Marks the runner seen unless its session says it was seen within RUNNER_TOUCH_MS. */
export async function touchRunnerIfStale(deps: AppDeps, runner: RunnerSession): Promise<void> {
  if (runner.lastSeenAt !== undefined && deps.clock.now() - runner.lastSeenAt < RUNNER_TOUCH_MS) return;
  await touchRunner(deps, runner.id);
}

/** A runner not seen (registration, poll or heartbeat) for this long counts as gone. */
export const RUNNER_LIVE_MS = 120_000;

/**
 * Capabilities of the runners attached to an orchestrator and seen within `withinMs`: pipelines
 * with their model ids (and each model's manifest price), and transcode.
 */
export async function liveCapabilities(
  deps: AppDeps,
  orchestrator: string,
  withinMs = RUNNER_LIVE_MS,
): Promise<ServedEntry[]> {
  // Plain SQL: a paid job's price check reads this on every submit.
  const rows = (
    await rawAll(deps.db, "select capabilities from runners where orchestrator = ? and last_seen_at >= ?", [
      orchestrator.toLowerCase(),
      deps.clock.now() - withinMs,
    ])
  ).map((r) => ({ capabilities: String(r[0]) }));
  const out: ServedEntry[] = [];
  for (const r of rows) {
    const caps = JSON.parse(r.capabilities) as Capabilities;
    // Only what the registry knows can be priced and checked, so only that is advertised; an AI
    // pipeline only when the runner registered a model for it (no model, no result to sell).
    const withModel = new Set(caps.models.map((m) => m.pipeline));
    for (const c of caps.capabilities) {
      const spec = pipelineSpec(c);
      if (spec && (spec.kind !== "ai" || withModel.has(c))) out.push({ capability: c });
    }
    for (const m of caps.models) {
      if (!pipelineSpec(m.pipeline)) continue;
      const price = m.price && {
        pricePerUnit: BigInt(m.price.pricePerUnit),
        pixelsPerUnit: BigInt(m.price.pixelsPerUnit),
      };
      // Warm: loaded on the runner now, as it last reported (the manifest's flag for runners that
      // report no load state).
      const warm = m.loaded ?? m.warm;
      out.push({ capability: m.pipeline, modelId: m.modelId, warm, ...(price ? { price } : {}) });
    }
  }
  return out;
}
