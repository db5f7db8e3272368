import { afterAll, beforeAll, expect, test } from "bun:test";
import { consumerJobs } from "../../../src/edge/db/schema/jobs.ts";
import { json, makeEdge, type TestEdge } from "../../helpers/edge.ts";

// GET /v1/jobs: the caller's own jobs (its API key's), newest first, a page at a time, filtered by
// status. The rows are written straight into the gateway's table so their times and statuses are
// the test's choice; the route reads them as it reads jobs the consumer API made.

const ADMIN = "admin-token-for-jobs-list";
let edge: TestEdge;
let keyA: { id: string; key: string };
let keyB: { id: string; key: string };

async function issueKey(name: string) {
  const res = await edge.app.request("/v1/admin/keys", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return json<{ id: string; key: string }>(res);
}

interface Page {
  jobs: { id: string; status: string; createdAt: string }[];
  nextCursor: string | null;
}

const list = async (key: string, query = "") =>
  edge.app.request(`/v1/jobs${query}`, { headers: { authorization: `Bearer ${key}` } });

// A's jobs: 7 of them, two sharing a creation time (the id breaks the tie); B has one.
const T = 1_800_000_000_000;
const statuses = ["succeeded", "failed", "running", "succeeded", "pending", "failed", "succeeded"] as const;

beforeAll(async () => {
  edge = await makeEdge({ api: { keys: "required", adminToken: ADMIN } });
  keyA = await issueKey("a");
  keyB = await issueKey("b");
  const row = (id: string, apiKeyId: string, status: string, createdAt: number) => ({
    id,
    apiKeyId,
    capability: "image-to-text",
    spec: "{}",
    inputs: "[]",
    status,
    createdAt,
    updatedAt: createdAt,
  });
  await edge.deps.db
    .insert(consumerJobs)
    .values([
      ...statuses.map((s, i) => row(`job_a${i}`, keyA.id, s, T + Math.min(i, 5) * 1000)),
      row("job_b0", keyB.id, "succeeded", T + 500),
    ]);
});
afterAll(() => edge.close());

// Newest first: a5 and a6 share the newest time, a6 > a5 by id.
const newestFirst = ["job_a6", "job_a5", "job_a4", "job_a3", "job_a2", "job_a1", "job_a0"];

test("a key sees only its own jobs, newest first", async () => {
  const res = await list(keyA.key);
  expect(res.status).toBe(200);
  const page = await json<Page>(res);
  expect(page.jobs.map((j) => j.id)).toEqual(newestFirst);
  expect(page.nextCursor).toBeNull();
  const b = await json<Page>(await list(keyB.key));
  expect(b.jobs.map((j) => j.id)).toEqual(["job_b0"]);
});

test("a job of another key is not found, for the job and its outputs alike", async () => {
  const get = (path: string, key: string) =>
    edge.app.request(path, { headers: { authorization: `Bearer ${key}` } });
  expect((await get("/v1/jobs/job_b0", keyB.key)).status).toBe(200);
  for (const path of ["/v1/jobs/job_b0", "/v1/jobs/job_b0/outputs/out"]) {
    const res = await get(path, keyA.key);
    expect(res.status).toBe(404);
    expect((await json<{ code: string }>(res)).code).toBe("JOB_NOT_FOUND");
  }
});

test("limit and cursor walk every job once, in order", async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page = await json<Page>(await list(keyA.key, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`));
    expect(page.jobs.length).toBeLessThanOrEqual(3);
    seen.push(...page.jobs.map((j) => j.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  expect(pages).toBe(3);
  expect(seen).toEqual(newestFirst);
});

test("status filters, and pages within the filter", async () => {
  const page = await json<Page>(await list(keyA.key, "?status=succeeded&limit=2"));
  expect(page.jobs.map((j) => j.id)).toEqual(["job_a6", "job_a3"]);
  const rest = await json<Page>(await list(keyA.key, `?status=succeeded&limit=2&cursor=${page.nextCursor}`));
  expect(rest.jobs.map((j) => j.id)).toEqual(["job_a0"]);
  expect(rest.nextCursor).toBeNull();
  const failed = await json<Page>(await list(keyA.key, "?status=failed"));
  expect(failed.jobs.map((j) => [j.id, j.status])).toEqual([
    ["job_a5", "failed"],
    ["job_a1", "failed"],
  ]);
});

test("bad input is a problem: unknown status, limit out of range, a cursor this API never gave, no key", async () => {
  for (const q of ["?status=done", "?limit=0", "?limit=101", "?cursor=bm90LWEtY3Vyc29y"]) {
    const res = await list(keyA.key, q);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  }
  const noKey = await edge.app.request("/v1/jobs");
  expect(noKey.status).toBe(401);
  expect((await json<{ code: string }>(noKey)).code).toBe("API_KEY_REQUIRED");
});

test("GET /v1/jobs is in the OpenAPI document with its status filter and cursor", async () => {
  const doc = await json<{
    paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
  }>(await edge.app.request("/openapi.json"));
  const params = doc.paths["/v1/jobs"]?.get?.parameters?.map((p) => p.name).sort();
  expect(params).toEqual(["cursor", "limit", "status"]);
});
