import { afterAll, expect, test } from "bun:test";
import { genesisAccount } from "../../helpers/edge.ts";
import {
  checkAnswer,
  diffSnapshots,
  type Finding,
  type FuzzEdge,
  formatFindings,
  makeFuzzEdge,
  probe,
  refusedServiceRequests,
  refusedStakingWrites,
  toRequest,
} from "../../helpers/fuzz.ts";

// Well-formed requests the services must refuse: they pass the schemas, so they reach payments,
// jobs, the runner queue and the ledger. Each must be a 4xx problem and change nothing.

const edge: FuzzEdge = await makeFuzzEdge();
afterAll(() => edge.close());
const hosted = genesisAccount(1).address.toLowerCase() as `0x${string}`;

test("bogus payments, junk media, ill-fed pipelines, unknown jobs and keys: 4xx, no write", async () => {
  const cases = refusedServiceRequests(edge, hosted);
  expect(cases.length).toBeGreaterThanOrEqual(40);
  const findings: Finding[] = [];
  for (const c of cases) {
    const f = await probe(edge, c.op, c.req);
    // POST /v1/orchestrator/tickets reports invalid tickets as values (200, accepted 0, each
    // ticket's code listed); that answer is judged below, and must still change nothing.
    if (f && c.op === "POST /v1/orchestrator/tickets" && f.status === 200 && f.problems.length === 1) {
      const body = JSON.parse(f.body.length < 300 ? f.body : "{}") as Record<string, unknown>;
      if (f.body.length >= 300) {
        const res = await edge.app.request(toRequest(c.req));
        Object.assign(body, await res.json());
      }
      expect(body.accepted).toBe(0);
      expect(body.credit).toBe("0");
      const errors = body.errors as { code: string }[];
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      continue;
    }
    if (f) findings.push(f);
  }
  expect(formatFindings(findings)).toBe("");
});

test("signed staking writes the protocol refuses (2^256 amounts, unknown locks, PERC > 100%)", async () => {
  // Account 7 is a genesis orchestrator with no deposit, reserve, fees or locks: every write below reverts.
  const signer = genesisAccount(7);
  const start = await edge.snapshot();
  const cases = await refusedStakingWrites(signer, hosted);
  expect(cases.length).toBeGreaterThanOrEqual(20);
  const problems: string[] = [];
  for (const c of cases) {
    const before = await edge.snapshot();
    const res = await edge.app.request(toRequest(c.req));
    const text = await res.text();
    const after = await edge.snapshot();
    const bad = checkAnswer(res, text, false);
    // The one write a refused signed request makes: its nonce is spent, as a reverted
    // transaction spends its nonce, so the request can never be replayed once state allows it.
    const diff = diffSnapshots(before, after).filter(
      (d) => !/^table auth_nonces: (\d+) -> \d+ rows$/.test(d),
    );
    const nonces = (t: typeof before) => t.tables.auth_nonces?.rows ?? 0;
    if (nonces(after) - nonces(before) !== 1) diff.push("nonce not spent exactly once");
    if (bad.length > 0 || diff.length > 0)
      problems.push(`${c.op} [${c.req.label}] -> ${res.status}: ${[...bad, ...diff].join("; ")}`);
  }
  expect(problems).toEqual([]);
  // Nothing reached the ledger over the whole run.
  expect((await edge.snapshot()).ledgerEvents).toBe(start.ledgerEvents);
});
