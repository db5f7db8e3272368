import type { Context } from "hono";
import type { HonoEnv } from "../../deps.ts";
import { verifyApiKey } from "../../services/apikeys/keys.ts";
import { JobError } from "../../services/jobs/errors.ts";

/**
 * The consumer's API key id, or null when keys are off. The key comes as `Authorization: Bearer`
 * or `x-api-key`; an unknown, revoked or over-limit key is refused.
 */
export async function consumerKey(c: Context<HonoEnv>): Promise<string | null> {
  const deps = c.get("deps");
  if (deps.config.api.keys === "off") return null;
  const header = c.req.header("authorization");
  const key = c.req.header("x-api-key") ?? (header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined);
  if (!key) throw new JobError("API_KEY_REQUIRED", "an API key is required (Authorization: Bearer <key>)");
  return (await verifyApiKey(deps, key)).id;
}
