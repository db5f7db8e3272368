import { afterEach, expect, test } from "bun:test";
import { apiKeys } from "../../../src/edge/db/schema/jobs.ts";
import {
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
} from "../../../src/edge/services/apikeys/keys.ts";
import { JobError } from "../../../src/edge/services/jobs/errors.ts";
import { sha256Hex } from "../../../src/edge/services/jobs/ids.ts";
import { type JobsTestEnv, jobsTestEnv, manualClock } from "../../helpers/jobs.ts";

let env: JobsTestEnv | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return "ok";
  } catch (err) {
    return err instanceof JobError ? err.code : String(err);
  }
};

test("keys are stored hashed, verify while live, and stop working when revoked", async () => {
  env = await jobsTestEnv();
  const issued = await issueApiKey(env.deps, { name: "app" });
  const rows = await env.deps.db.select().from(apiKeys);
  expect(rows.length).toBe(1);
  expect(rows[0]?.hash).toBe(await sha256Hex(issued.key));
  expect(JSON.stringify(rows)).not.toContain(issued.key);
  expect((await verifyApiKey(env.deps, issued.key)).id).toBe(issued.id);
  expect(await code(verifyApiKey(env.deps, `${issued.key}x`))).toBe("API_KEY_INVALID");
  expect(await revokeApiKey(env.deps, issued.id)).toBe(true);
  expect(await revokeApiKey(env.deps, issued.id)).toBe(false);
  expect(await code(verifyApiKey(env.deps, issued.key))).toBe("API_KEY_INVALID");
  expect((await listApiKeys(env.deps))[0]?.revokedAt).not.toBeNull();
});

test("each key has its own per-minute limit, counted in the database", async () => {
  const clock = manualClock(1_700_000_000_000 - (1_700_000_000_000 % 60_000));
  env = await jobsTestEnv({}, { clock });
  const a = await issueApiKey(env.deps, { name: "a", rateLimitPerMinute: 3 });
  const b = await issueApiKey(env.deps, { name: "b", rateLimitPerMinute: 3 });
  const results = await Promise.all([1, 2, 3, 4, 5].map(() => code(verifyApiKey(env!.deps, a.key))));
  expect(results.filter((r) => r === "ok").length).toBe(3);
  expect(results.filter((r) => r === "RATE_LIMITED").length).toBe(2);
  expect(await code(verifyApiKey(env.deps, b.key))).toBe("ok");
  clock.advance(60_000);
  expect(await code(verifyApiKey(env.deps, a.key))).toBe("ok");
});
