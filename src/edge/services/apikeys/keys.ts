import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { apiKeys } from "../../db/schema/jobs.ts";
import type { AppDeps } from "../../deps.ts";
import { JobError } from "../jobs/errors.ts";
import { newId, sha256Hex } from "../jobs/ids.ts";
import { writeTx } from "../jobs/tx.ts";

// Consumer API keys: the plaintext is shown once at issue; only its SHA-256 is stored.

const KEY_PREFIX = "lpk_";
const WINDOW_MS = 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  rateLimitPerMinute: number;
  createdAt: number;
  revokedAt: number | null;
}

export interface IssuedKey extends ApiKeyView {
  /** The key itself; returned only here, never stored. */
  key: string;
}

function view(row: typeof apiKeys.$inferSelect): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    rateLimitPerMinute: row.rateLimitPerMinute,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}

/** Issues a key with 32 random bytes; the rate limit defaults to config.api.rateLimitPerMinute. */
export async function issueApiKey(
  deps: AppDeps,
  input: { name: string; rateLimitPerMinute?: number },
): Promise<IssuedKey> {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const key = KEY_PREFIX + Array.from(secret, (b) => b.toString(16).padStart(2, "0")).join("");
  const row = {
    id: newId("key"),
    hash: await sha256Hex(key),
    prefix: key.slice(0, KEY_PREFIX.length + 8),
    name: input.name,
    rateLimitPerMinute: input.rateLimitPerMinute ?? deps.config.api.rateLimitPerMinute,
    windowStart: 0,
    windowCount: 0,
    createdAt: deps.clock.now(),
    revokedAt: null,
  };
  await writeTx(deps.db, (tx) => tx.insert(apiKeys).values(row));
  return { ...view(row), key };
}

/** Revokes a key; true when it existed and was live. */
export async function revokeApiKey(deps: AppDeps, id: string): Promise<boolean> {
  const rows = await writeTx(deps.db, (tx) =>
    tx
      .update(apiKeys)
      .set({ revokedAt: deps.clock.now() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id }),
  );
  return rows.length > 0;
}

export async function listApiKeys(deps: AppDeps): Promise<ApiKeyView[]> {
  const rows = await deps.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  return rows.map(view);
}

/**
 * Verifies a presented key and counts the request against its one-minute window, in one
 * statement so concurrent requests (and edges sharing the database) cannot over-admit.
 * Throws API_KEY_INVALID for an unknown or revoked key, RATE_LIMITED past the limit.
 */
export async function verifyApiKey(deps: AppDeps, key: string): Promise<ApiKeyView> {
  const hash = await sha256Hex(key);
  const now = deps.clock.now();
  const window = now - (now % WINDOW_MS);
  const rows = await writeTx(deps.db, (tx) =>
    tx
      .update(apiKeys)
      .set({
        windowCount: sql`CASE WHEN ${apiKeys.windowStart} = ${window} THEN ${apiKeys.windowCount} + 1 ELSE 1 END`,
        windowStart: window,
      })
      .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
      .returning(),
  );
  const row = rows[0];
  if (!row) throw new JobError("API_KEY_INVALID", "unknown or revoked API key");
  if (row.windowCount > row.rateLimitPerMinute) {
    const retryAfterSec = Math.ceil((window + WINDOW_MS - now) / 1000);
    throw new JobError(
      "RATE_LIMITED",
      `rate limit of ${row.rateLimitPerMinute} requests per minute reached`,
      {
        details: { retryAfterSec, limit: row.rateLimitPerMinute },
      },
    );
  }
  return view(row);
}
