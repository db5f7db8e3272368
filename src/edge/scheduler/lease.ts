import { sql } from "drizzle-orm";
import { retryBusy } from "../db/tx.ts";
import type { AppDeps } from "../deps.ts";

/**
 * Takes or renews the named lease for `holder` until now + ttl. One atomic upsert: it wins
 * when the lease is free, expired, or already ours, so two edges on one database never both
 * hold it. Returns whether `holder` holds it now.
 */
export async function acquireLease(
  deps: AppDeps,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const now = deps.clock.now();
  const result = await retryBusy(() =>
    deps.db.run(sql`
    INSERT INTO edge_leases (name, holder, expires_at, acquired_at)
    VALUES (${name}, ${holder}, ${now + ttlMs}, ${now})
    ON CONFLICT(name) DO UPDATE SET
      holder = excluded.holder,
      expires_at = excluded.expires_at,
      acquired_at = CASE WHEN edge_leases.holder = excluded.holder THEN edge_leases.acquired_at ELSE excluded.acquired_at END
    WHERE edge_leases.holder = excluded.holder OR edge_leases.expires_at < ${now}`),
  );
  return result.rowsAffected === 1;
}

/** Gives the lease up early (at shutdown) so another edge takes over without waiting for expiry. */
export async function releaseLease(deps: AppDeps, name: string, holder: string): Promise<void> {
  await retryBusy(() =>
    deps.db.run(sql`DELETE FROM edge_leases WHERE name = ${name} AND holder = ${holder}`),
  );
}
