import { afterAll, beforeAll, expect, test } from "bun:test";
import { type LocalNetwork, startNetwork } from "../helpers/network.ts";

// With API_KEYS=required, consumer routes refuse requests without a valid key; the admin issues
// and revokes keys with the admin token; each key has its own per-minute rate limit.

const ADMIN = "admin-token-for-e2e-000000000001";
let net: LocalNetwork;
beforeAll(async () => {
  net = await startNetwork({ RUNNERS: "0", API_KEYS: "required", ADMIN_TOKEN: ADMIN });
}, 90_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

test("keys: required, issued by the admin, rate limited, revocable", async () => {
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
      body: JSON.stringify({ name: "e2e", rateLimitPerMinute: 3 }),
    });
  expect((await issue("wrong-admin-token-0000000000000")).status).toBe(401);

  // The edge counts each key's requests in fixed one-minute windows aligned to the epoch minute
  // (its clock is this machine's): four requests straddling a boundary would start a fresh count.
  // Start them with at least 10 s of the window left, and should a stalled machine still carry
  // them across a boundary, run them again with a fresh key.
  const windowOf = (ms: number) => ms - (ms % 60_000);
  let id = "";
  let key = "";
  let statuses: number[] = [];
  for (let tries = 0; tries < 3; tries++) {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await Bun.sleep(left + 50);
    const res = await issue(ADMIN);
    expect(res.status).toBe(201);
    ({ id, key } = (await res.json()) as { id: string; key: string });
    const before = windowOf(Date.now());
    // A valid key gets through authentication: the job is simply unknown.
    statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("/v1/jobs/job_missing", key)).status);
    if (windowOf(Date.now()) === before) break;
  }
  expect(statuses).toEqual([404, 404, 404, 429]);

  const revoked = await fetch(`${net.url}/v1/admin/keys/${id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(revoked.status).toBe(204);
  const after = await get("/v1/jobs/job_missing", key);
  expect([after.status, ((await after.json()) as { code: string }).code]).toEqual([401, "API_KEY_INVALID"]);
}, 60_000);
