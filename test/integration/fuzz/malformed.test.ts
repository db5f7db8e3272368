import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  bodyFaults,
  diffSnapshots,
  type Finding,
  FUZZ_SEED,
  type FuzzEdge,
  formatFindings,
  makeFuzzEdge,
  malformedRequests,
  type Operation,
  operationsOf,
  paramFaults,
  probe,
} from "../../helpers/fuzz.ts";

// Every operation of the generated OpenAPI document gets malformed requests derived from its own
// schemas (fast-check, fixed seed): each must be answered 4xx problem+json with a stable code, and
// leave every table, the ledger's event log and the blob store exactly as they were.

const RUNS_PER_OPERATION = 8;

// Built at load time so each operation of the document becomes a test named after it.
const edge: FuzzEdge = await makeFuzzEdge();
const ops: Operation[] = operationsOf(edge.doc);
afterAll(() => edge.close());

/** Valid credentials where a route needs them, so the malformed part is what gets judged. */
const authFor = (op: Operation): Record<string, string> =>
  op.path.startsWith("/runner/") && !op.path.endsWith("/register")
    ? edge.runnerAuth
    : op.path.startsWith("/runner/")
      ? { authorization: edge.runnerAuth.authorization! }
      : op.path.startsWith("/v1/admin/")
        ? edge.adminAuth
        : {};

test("the document lists every route group and the snapshot sees a write", async () => {
  const paths = new Set(ops.map((o) => o.path.split("/").slice(0, 3).join("/")));
  for (const group of [
    "/v1/orchestrator",
    "/v1/protocol",
    "/v1/staking",
    "/runner/v1",
    "/v1/transcode",
    "/v1/ai",
    "/v1/jobs",
    "/v1/admin",
  ]) {
    expect(paths.has(group)).toBe(true);
  }
  expect(ops.length).toBeGreaterThanOrEqual(35);
  // Control: a valid write shows up in the snapshot diff, so "no difference" below means something.
  const before = await edge.snapshot();
  const res = await edge.app.request("/v1/admin/keys", {
    method: "POST",
    headers: { ...edge.adminAuth, "content-type": "application/json" },
    body: JSON.stringify({ name: "control" }),
  });
  expect(res.status).toBe(201);
  expect(diffSnapshots(before, await edge.snapshot())).toEqual(["table api_keys: 0 -> 1 rows"]);
});

let sent = 0;
describe("malformed requests, every operation (fast-check, fixed seed)", () => {
  for (const [i, op] of ops.entries())
    test(op.key, async () => {
      const ctx = { doc: edge.doc, authFor };
      const reqs = [
        ...fc.sample(malformedRequests(ctx, op), { seed: FUZZ_SEED + i, numRuns: RUNS_PER_OPERATION }),
        ...bodyFaults(edge.doc, op, authFor(op)),
        ...paramFaults(edge.doc, op, authFor(op)),
      ];
      const findings: Finding[] = [];
      for (const r of reqs) {
        sent++;
        const f = await probe(edge, op.key, r);
        if (f) findings.push(f);
      }
      expect(formatFindings(findings)).toBe("");
    });
});

test("a bounded run: a few hundred requests, every operation probed", () => {
  expect(sent).toBeGreaterThanOrEqual(ops.length * 8);
  expect(sent).toBeLessThanOrEqual(1_000);
});
