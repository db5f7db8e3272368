import { afterAll, beforeAll, expect, test } from "bun:test";
import { type LocalNetwork, startNetwork } from "../helpers/network.ts";

// With API_KEYS=required, consumer routes refuse requests without a valid key; the admin issues
// and revokes keys with the admin token; each key has its own per-minute rate limit.

const ADMIN = "admin-token-for-e2e-000000000001";
let net: LocalNetwork;
beforeAll(async () => {
  net = await startNetwork({ RUNNERS: "0", API_KEYS: "required", ADMIN_TOKEN: ADMIN });
}, 180_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

test("keys: required, issued by the admin, rate limited, revocable", async () => {
  const LIMIT = 3;
  const get = (path: string, key?: string) =>
    fetch(`${net.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  const noKey = await get("/v1/jobs/job_missing");
  expect(noKey.status).toBe(401);
  expect(((await noKey.json()) as { code: string }).code).toBe("API_KEY_REQUIRED");
  expect((await get("/v1/jobs/job_missing", "lpk_not-a-key")).status).toBe(401);

  const issue = (auth: string) =>
    fetch(`${net.url}/v1/admin/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "e2e", rateLimitPerMinute: LIMIT }),
    });
  expect((await issue("wrong-admin-token-0000000000000")).status).toBe(401);

  const res = await issue(ADMIN);
  expect(res.status).toBe(201);
  const { id, key } = (await res.json()) as { id: string; key: string };
  // The edge counts each key's requests in one-minute windows on its own (wall) clock, so this
  // run may cross one window boundary, which restarts the count once: the first 429 then comes
  // after 3 to 6 admitted requests, never sooner or later. The exact window arithmetic is tested
  // with a manual clock in test/integration/jobs/apikeys.test.ts.
  const statuses: number[] = [];
  let limited: Response | undefined;
  while (statuses.length <= 2 * LIMIT && !limited) {
    // A valid key gets through authentication: the job is simply unknown.
    const r = await get("/v1/jobs/job_missing", key);
    statuses.push(r.status);
    if (r.status === 429) limited = r;
  }
  const admitted = statuses.indexOf(429);
  expect(admitted).toBeGreaterThanOrEqual(LIMIT);
  expect(admitted).toBeLessThanOrEqual(2 * LIMIT);
  expect(statuses.slice(0, admitted).every((s) => s === 404)).toBe(true);
  const problem = (await limited!.json()) as {
    code: string;
    details?: { retryAfterSec: number; limit: number };
  };
  expect(problem.code).toBe("RATE_LIMITED");
  expect(problem.details?.limit).toBe(LIMIT);
  expect(problem.details?.retryAfterSec).toBeGreaterThan(0);
  expect(problem.details?.retryAfterSec).toBeLessThanOrEqual(60);

  const revoked = await fetch(`${net.url}/v1/admin/keys/${id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(revoked.status).toBe(204);
  const after = await get("/v1/jobs/job_missing", key);
  expect([after.status, ((await after.json()) as { code: string }).code]).toEqual([401, "API_KEY_INVALID"]);
});
