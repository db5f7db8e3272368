import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { genesisAccount } from "../../helpers/edge.ts";
import {
  badStakingCredentials,
  checkAnswer,
  diffSnapshots,
  type Finding,
  type FuzzEdge,
  formatFindings,
  makeFuzzEdge,
  type Operation,
  operationsOf,
  probe,
  toRequest,
  validRequest,
} from "../../helpers/fuzz.ts";

// Credentials, written once for every route that needs them (found through the document's
// `security`): missing, garbage, or someone else's. Each is a 401/403 problem and changes nothing.

const edge: FuzzEdge = await makeFuzzEdge({ api: { keys: "required" } });
afterAll(() => edge.close());
const ops = operationsOf(edge.doc);
const secured = (scheme: string) => ops.filter((o) => o.op.security?.some((s) => scheme in s));

const BAD_BEARERS: Record<string, string>[] = [
  {},
  { authorization: "Bearer" },
  { authorization: "Bearer garbage-token-0000000000" },
  { authorization: "Basic dXNlcjpwYXNz" },
  { authorization: `Bearer ${"x".repeat(4_000)}` },
  { "x-api-key": "lpk_garbage" },
];

async function expectRefused(op: Operation, credentials: Record<string, string>[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const creds of credentials) {
    const req = {
      ...validRequest(edge.doc, op, creds),
      schemaValid: false,
      label: JSON.stringify(creds).slice(0, 60),
    };
    const f = await probe(edge, op.key, req);
    if (f) findings.push(f);
    else {
      const res = await edge.app.request(toRequest(req));
      if (res.status !== 401 && res.status !== 403) {
        findings.push({
          op: op.key,
          label: req.label,
          status: res.status,
          problems: ["not 401/403"],
          body: await res.text(),
        });
      }
    }
  }
  return findings;
}

describe("runner token routes", () => {
  const runnerOps = secured("runnerToken");
  test("every runner route is in the document", () => expect(runnerOps.length).toBe(9));
  for (const op of runnerOps) {
    test(op.key, async () => {
      // Register takes the token alone (the right one would register); the others also need the
      // session: the right token without it, with a forged one, or another token with the real one.
      const used = op.path.endsWith("/register")
        ? [...BAD_BEARERS, { authorization: "Bearer fuzz-runner-token-9999999999" }]
        : [
            ...BAD_BEARERS,
            { authorization: edge.runnerAuth.authorization! },
            { authorization: edge.runnerAuth.authorization!, "x-runner-id": "runner_forged" },
            { authorization: "Bearer fuzz-runner-token-9999999999", "x-runner-id": edge.runnerId },
          ];
      expect(formatFindings(await expectRefused(op, used))).toBe("");
    });
  }
});

describe("admin key routes", () => {
  const adminOps = secured("adminToken");
  test("every admin route is in the document", () => expect(adminOps.length).toBe(3));
  for (const op of adminOps) {
    test(op.key, async () => {
      const creds = [
        ...BAD_BEARERS,
        { authorization: "Bearer fuzz-admin-token-000000000002" },
        { "x-api-key": "fuzz-admin-token-000000000001" },
      ];
      expect(formatFindings(await expectRefused(op, creds))).toBe("");
    });
  }
});

describe("orchestrator job routes (the job's capability token)", () => {
  const jobOps = secured("jobToken");
  test("every job-token route is in the document", () => expect(jobOps.length).toBe(3));
  for (const op of jobOps) {
    test(op.key, async () => {
      // Runner, admin and API-key credentials are not a job's token either.
      const creds = [
        ...BAD_BEARERS,
        edge.adminAuth,
        edge.runnerAuth,
        { authorization: `Bearer ojt_${"0".repeat(64)}` },
        { authorization: `Bearer ojt_${"f".repeat(63)}` },
      ];
      expect(formatFindings(await expectRefused(op, creds))).toBe("");
    });
  }
});

describe("consumer routes with API keys required", () => {
  const consumerOps = secured("apiKey");
  test("every consumer route is in the document", () => expect(consumerOps.length).toBe(5));
  for (const op of consumerOps) {
    test(op.key, async () => {
      // The admin token is not an API key.
      const creds = [...BAD_BEARERS, edge.adminAuth];
      expect(formatFindings(await expectRefused(op, creds))).toBe("");
    });
  }
  test("a revoked key is refused too", async () => {
    const issued = await edge.app.request("/v1/admin/keys", {
      method: "POST",
      headers: { ...edge.adminAuth, "content-type": "application/json" },
      body: JSON.stringify({ name: "soon revoked" }),
    });
    const { id, key } = (await issued.json()) as { id: string; key: string };
    expect(
      (await edge.app.request(`/v1/admin/keys/${id}`, { method: "DELETE", headers: edge.adminAuth })).status,
    ).toBe(204);
    const findings: Finding[] = [];
    for (const op of consumerOps)
      findings.push(...(await expectRefused(op, [{ authorization: `Bearer ${key}` }, { "x-api-key": key }])));
    expect(formatFindings(findings)).toBe("");
  });
});

describe("signed staking writes (EIP-712)", () => {
  test("bad signatures, tampered requests and stale deadlines: 401/400, no nonce spent", async () => {
    const signer = genesisAccount(4);
    const to = genesisAccount(1).address.toLowerCase() as `0x${string}`;
    const cases = await badStakingCredentials(signer, genesisAccount(5), to);
    const problems: string[] = [];
    for (const c of cases) {
      const before = await edge.snapshot();
      const res = await edge.app.request(toRequest(c.req));
      const text = await res.text();
      const diff = diffSnapshots(before, await edge.snapshot());
      const bad = checkAnswer(res, text, false);
      const code = (JSON.parse(text) as { code?: string }).code;
      if (![400, 401].includes(res.status)) bad.push(`status ${res.status}`);
      if (res.status === 400 && code !== "AUTH_DEADLINE_TOO_FAR" && code !== "VALIDATION_FAILED")
        bad.push(`code ${code}`);
      if (bad.length > 0 || diff.length > 0)
        problems.push(`${c.req.label} -> ${res.status} ${code}: ${[...bad, ...diff].join("; ")}`);
    }
    expect(problems).toEqual([]);
  });

  test("a replayed signed write is a 409 and applies nothing the second time", async () => {
    const { signStakingRequest } = await import("../../../src/client/staking.ts");
    const { DEVNET_CHAIN_ID } = await import("../../../src/wire/staking.ts");
    const body = await signStakingRequest(genesisAccount(4), {
      action: "bond",
      args: { amount: "1000", to: genesisAccount(1).address.toLowerCase() as `0x${string}` },
      chainId: DEVNET_CHAIN_ID,
    });
    const send = () =>
      edge.app.request("/v1/staking/bond", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const first = await send();
    expect(first.status).toBe(200);
    const before = await edge.snapshot();
    const again = await send();
    expect(checkAnswer(again, await again.text(), false)).toEqual([]);
    expect(again.status).toBe(409);
    expect(diffSnapshots(before, await edge.snapshot())).toEqual([]);
  });
});

describe("the written authorization matrix (docs/authorization.md)", () => {
  test("lists every operation of the document with the credential the document declares", () => {
    const doc = readFileSync(new URL("../../../docs/authorization.md", import.meta.url), "utf8");
    const rows = new Map<string, string>();
    for (const m of doc.matchAll(/^\| `([A-Z]+ [^`]+)` \| (\w+) \|/gm)) rows.set(m[1]!, m[2]!);
    const problems: string[] = [];
    for (const op of ops) {
      const declared = op.op.security?.flatMap((s) => Object.keys(s)) ?? [];
      const written = rows.get(op.key);
      if (written === undefined) problems.push(`${op.key}: missing from docs/authorization.md`);
      else if (
        declared.length > 0
          ? !declared.includes(written)
          : !["none", "payment", "signature"].includes(written)
      )
        problems.push(`${op.key}: written as ${written}, declared ${declared.join(",") || "no scheme"}`);
      rows.delete(op.key);
    }
    for (const key of rows.keys()) problems.push(`${key}: in docs/authorization.md but not an operation`);
    expect(problems).toEqual([]);
  });
});
