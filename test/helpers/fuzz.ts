// Fuzzing rig for the edge's HTTP surface: an in-process app on a fresh devnet, the operations of
// its generated OpenAPI document, malformed requests derived from each operation's schemas
// (fast-check arbitraries), and the checks every answer to a malformed request must pass:
// 4xx problem+json with a stable code, and not one byte of state changed.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import type { LocalAccount } from "viem/accounts";
import { signStakingRequest } from "../../src/client/staking.ts";
import type { EdgeConfigInput } from "../../src/edge/config.ts";
import { PROBLEM_CONTENT_TYPE } from "../../src/edge/http/problem.ts";
import { DEVNET_CHAIN_ID, type StakingAction } from "../../src/wire/staking.ts";
import { genesisKey, makeEdge, type TestEdge, tempDir } from "./edge.ts";

/** The fixed seed of every fuzz run (override with FUZZ_SEED to explore; failures print it). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);

export const RUNNER_TOKEN = "fuzz-runner-token-0000000001";
export const ADMIN_TOKEN = "fuzz-admin-token-000000000001";
/** A small body limit so oversized bodies stay cheap to send. */
export const BODY_LIMIT = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// The edge under test

export interface FuzzEdge extends TestEdge {
  /** The generated OpenAPI document (GET /openapi.json). */
  doc: OpenApiDoc;
  /** A registered runner session (x-runner-id) bound to RUNNER_TOKEN. */
  runnerId: string;
  /** Headers that authenticate as that runner. */
  runnerAuth: Record<string, string>;
  adminAuth: Record<string, string>;
  blobsDir: string;
  /** Row counts and content hashes of every table, the ledger's event count, the blob files. */
  snapshot(): Promise<StateSnapshot>;
}

/**
 * An edge with both roles on a fresh libSQL file and the default devnet: orchestrator 1 hosted
 * (runner token RUNNER_TOKEN), the gateway's sender key, an admin token, a small body limit and
 * short job timeouts; one runner registered. `config` overlays it (e.g. api.keys "required").
 */
export async function makeFuzzEdge(config: Partial<EdgeConfigInput> = {}): Promise<FuzzEdge> {
  // Blobs go to the suite's own temp dir, never the working tree.
  const blobs = tempDir("fuzz-blobs-");
  const base = await makeEdge({
    blobs: { kind: "fs", dir: blobs.dir },
    roles: ["gateway", "orchestrator"],
    orchestrators: [
      {
        privateKey: genesisKey(1),
        serviceURI: "http://127.0.0.1:1",
        runnerTokens: [RUNNER_TOKEN],
        prices: [{ capability: "transcode", pricePerUnit: "1", pixelsPerUnit: "1" }],
      },
    ],
    gateway: { senderPrivateKey: genesisKey(0), requestTimeoutMs: 2_000 },
    api: { keys: "off", adminToken: ADMIN_TOKEN, bodyLimitBytes: BODY_LIMIT, ...config.api },
    jobs: { syncTimeoutMs: 1_000, visibilityTimeoutMs: 30_000, maxAttempts: 3 },
    ...withoutApi(config),
  });
  const blobsDir = blobs.dir;
  const app = base.app;
  const doc = (await (await app.request("/openapi.json")).json()) as OpenApiDoc;
  const reg = await app.request("/runner/v1/register", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${RUNNER_TOKEN}` },
    body: JSON.stringify({
      ffmpeg: null,
      gpus: [],
      onnx: [],
      models: [],
      capabilities: ["transcode"],
      capacity: 1,
    }),
  });
  if (reg.status !== 200) throw new Error(`runner registration failed: ${reg.status} ${await reg.text()}`);
  const runnerId = ((await reg.json()) as { runnerId: string }).runnerId;
  const edge: FuzzEdge = {
    ...base,
    app,
    async close() {
      await base.close();
      blobs.cleanup();
    },
    doc,
    runnerId,
    runnerAuth: { authorization: `Bearer ${RUNNER_TOKEN}`, "x-runner-id": runnerId },
    adminAuth: { authorization: `Bearer ${ADMIN_TOKEN}` },
    blobsDir,
    snapshot: () => stateSnapshot(edge),
  };
  return edge;
}

function withoutApi(config: Partial<EdgeConfigInput>): Partial<EdgeConfigInput> {
  const { api: _, ...rest } = config;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// State snapshots

export interface StateSnapshot {
  tables: Record<string, { rows: number; hash: string }>;
  ledgerEvents: number;
  blobs: string[];
}

const norm = (v: unknown): unknown =>
  typeof v === "bigint" ? `${v}n` : v instanceof ArrayBuffer ? Buffer.from(v).toString("hex") : v;

/** Every table of the database (rows and a SHA-256 of their contents), ledger events, blob files. */
export async function stateSnapshot(edge: TestEdge & { blobsDir?: string }): Promise<StateSnapshot> {
  const client = edge.deps.dbHandle.client;
  const names = await client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
  );
  const tables: StateSnapshot["tables"] = {};
  for (const r of names.rows) {
    const name = String(r.name);
    const rs = await client.execute(`select * from "${name.replaceAll('"', '""')}"`);
    const hasher = new Bun.CryptoHasher("sha256");
    for (const row of rs.rows) hasher.update(JSON.stringify(rs.columns.map((c) => norm(row[c]))));
    tables[name] = { rows: rs.rows.length, hash: hasher.digest("hex") };
  }
  const ledgerEvents = (await edge.deps.ledger.getEvents()).length;
  return { tables, ledgerEvents, blobs: edge.blobsDir ? listFiles(edge.blobsDir) : [] };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${relative(dir, p)}:${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

/** What differs between two snapshots, one line per difference. */
export function diffSnapshots(before: StateSnapshot, after: StateSnapshot): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    const a = before.tables[name];
    const b = after.tables[name];
    if (!a || !b) out.push(`table ${name} ${a ? "dropped" : "created"}`);
    else if (a.rows !== b.rows) out.push(`table ${name}: ${a.rows} -> ${b.rows} rows`);
    else if (a.hash !== b.hash) out.push(`table ${name}: contents changed (${a.rows} rows)`);
  }
  if (before.ledgerEvents !== after.ledgerEvents) {
    out.push(`ledger events: ${before.ledgerEvents} -> ${after.ledgerEvents}`);
  }
  const blobsBefore = before.blobs.join("\n");
  if (blobsBefore !== after.blobs.join("\n")) out.push(`blob files: [${blobsBefore}] -> [${after.blobs}]`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI document and a JSON-schema subset validator

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}
export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Schema;
}
export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  security?: Record<string, string[]>[];
}
// biome-ignore lint/suspicious/noExplicitAny: JSON schema documents are untyped trees.
export type Schema = Record<string, any>;

export interface Operation {
  method: string;
  /** OpenAPI path template, e.g. /v1/jobs/{id}. */
  path: string;
  op: OpenApiOperation;
  /** "METHOD /path" */
  key: string;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      ops.push({ method: method.toUpperCase(), path, op, key: `${method.toUpperCase()} ${path}` });
    }
  }
  return ops;
}

export function resolve(doc: OpenApiDoc, s: Schema): Schema {
  let cur = s;
  while (cur && typeof cur.$ref === "string") {
    const name = cur.$ref.replace("#/components/schemas/", "");
    cur = doc.components?.schemas?.[name] ?? {};
  }
  return cur ?? {};
}

const typesOf = (s: Schema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/**
 * Whether `v` satisfies `s` (the subset zod-openapi emits: type, enum, pattern, lengths, bounds,
 * format uri, properties/required/additionalProperties, items, anyOf/oneOf/allOf). Strict: no
 * coercion, so a 2xx answer to a value this calls invalid is reported.
 */
export function isValid(doc: OpenApiDoc, schema: Schema, v: unknown): boolean {
  const s = resolve(doc, schema);
  if (s.anyOf) return (s.anyOf as Schema[]).some((x) => isValid(doc, x, v));
  if (s.oneOf) return (s.oneOf as Schema[]).some((x) => isValid(doc, x, v));
  if (s.allOf && !(s.allOf as Schema[]).every((x) => isValid(doc, x, v))) return false;
  if (v === null && s.nullable) return true;
  const types = typesOf(s);
  if (types.length > 0) {
    const t = jsonType(v);
    const ok = types.some((want) => want === t || (want === "number" && t === "integer"));
    if (!ok) return false;
  }
  if (s.enum && !(s.enum as unknown[]).includes(v)) return false;
  if (typeof v === "string") {
    if (s.pattern && !new RegExp(s.pattern, "u").test(v)) return false;
    if (s.minLength !== undefined && v.length < s.minLength) return false;
    if (s.maxLength !== undefined && v.length > s.maxLength) return false;
    if (s.format === "uri" && !URL.canParse(v)) return false;
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return false;
    if (s.minimum !== undefined && v < s.minimum) return false;
    if (s.maximum !== undefined && v > s.maximum) return false;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return false;
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return false;
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) return false;
    if (s.maxItems !== undefined && v.length > s.maxItems) return false;
    if (s.items && !v.every((x) => isValid(doc, s.items, x))) return false;
  }
  if (jsonType(v) === "object") {
    const o = v as Record<string, unknown>;
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in o)) return false;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [k, x] of Object.entries(o)) {
      if (props[k]) {
        if (!isValid(doc, props[k], x)) return false;
      } else if (s.additionalProperties === false) return false;
      else if (typeof s.additionalProperties === "object" && !isValid(doc, s.additionalProperties, x))
        return false;
    }
  }
  return true;
}

/** A parameter's string value read as its schema's type, strictly (no "1e3", "0x10", " 1"). */
export function paramValue(s: Schema, raw: string): unknown {
  const types = typesOf(s);
  if (types.includes("integer") || types.includes("number")) {
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  if (types.includes("boolean")) return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Valid examples (the base that each mutation breaks in one place)

const STRING_CANDIDATES = [
  `0x${"11".repeat(20)}`,
  "1",
  `0x${"ab".repeat(32)}`,
  `0x${"00".repeat(65)}`,
  "1767225600",
  "http://127.0.0.1:1",
  "fuzz",
];

/** A value valid for `schema` (examples, enums, defaults, then candidates checked against it). */
export function exampleOf(doc: OpenApiDoc, schema: Schema): unknown {
  const s = resolve(doc, schema);
  if (s.anyOf) return exampleOf(doc, s.anyOf[0]);
  if (s.oneOf) return exampleOf(doc, s.oneOf[0]);
  if (s.example !== undefined && isValid(doc, s, s.example)) return s.example;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined && isValid(doc, s, s.default)) return s.default;
  const t = typesOf(s).filter((x) => x !== "null")[0];
  switch (t) {
    case "string":
      if (s.format === "binary") return "bytes";
      return STRING_CANDIDATES.find((c) => isValid(doc, s, c)) ?? "x".repeat(Math.max(1, s.minLength ?? 1));
    case "integer":
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case "number":
      return s.minimum ?? 0.5;
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: s.minItems ?? 1 }, () => exampleOf(doc, s.items ?? {}));
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries<Schema>(s.properties ?? {})) {
        if ((s.required ?? []).includes(k)) o[k] = exampleOf(doc, x);
      }
      return o;
    }
    default:
      return "fuzz";
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed values

const TWO_256 = (2n ** 256n).toString();
const TWO_260 = (2n ** 260n).toString();

/** Strings that break numbers, amounts, addresses and hex; only the ones a schema rejects are used. */
export const NASTY_STRINGS = [
  "",
  "-1",
  "1e3",
  "1.5",
  " 1",
  "0x",
  "0x10",
  TWO_256,
  TWO_260,
  `-${TWO_256}`,
  "NaN",
  "Infinity",
  "0xzz",
  `0x${"1".repeat(39)}`,
  `0x${"g".repeat(40)}`,
  `0X${"11".repeat(20)}`,
  `0x${"11".repeat(21)}`,
  `0x${"ab".repeat(31)}`,
  "not-an-address",
  "\u0000",
  "💥",
  "../../etc/passwd",
  "<script>",
  "x".repeat(300),
  "9".repeat(2_000),
];

/** JSON values of the wrong type for a schema (never valid for it). */
const WRONG_TYPED: unknown[] = [null, true, 0, -1, 1.5, 2 ** 53 + 2, "str", [], [1], {}, { a: 1 }];

const NUMBERS = [-1, 0, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 53), 1e21, 60_001, 1_000_001];

/** Values for a leaf that its schema rejects (checked), drawn from the pools above. */
export function invalidValuesFor(doc: OpenApiDoc, schema: Schema): unknown[] {
  const pool = [...NASTY_STRINGS, ...WRONG_TYPED, ...NUMBERS];
  return pool.filter((v) => !isValid(doc, schema, v));
}

/** Every place in a JSON schema an object value can be broken: its path and sub-schema. */
export function leaves(
  doc: OpenApiDoc,
  schema: Schema,
  path: string[] = [],
): { path: string[]; schema: Schema; required: boolean }[] {
  const s = resolve(doc, schema);
  const out: { path: string[]; schema: Schema; required: boolean }[] = [];
  const props = (s.properties ?? {}) as Record<string, Schema>;
  for (const [k, x] of Object.entries(props)) {
    const p = [...path, k];
    out.push({ path: p, schema: x, required: ((s.required as string[]) ?? []).includes(k) });
    out.push(...leaves(doc, x, p));
  }
  const items = resolve(doc, s.items ?? {});
  if (s.items && typesOf(s).includes("array")) {
    out.push(...leaves(doc, items, [...path, "0"]));
    if (items.properties) out.push({ path: [...path, "0"], schema: items, required: true });
  }
  return out;
}

function setAt(value: unknown, path: string[], v: unknown, remove = false): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (remove) delete cur[last];
  else cur[last] = v;
  return copy;
}

/** Bytes no decoder recognises as media or an image. */
const JUNK = new Uint8Array([0x00, 0xff, 0x47, 0x13, 0x37, 0x42, 0x00, 0x47]);

// ---------------------------------------------------------------------------------------------
// Requests

export interface FuzzRequest {
  /** What was broken, for the report. */
  label: string;
  method: string;
  /** Concrete path with query string. */
  url: string;
  headers: Record<string, string>;
  body?: string | FormData | Uint8Array;
  /** Set when the request is valid against the schema (a 2xx is then allowed). */
  schemaValid?: boolean;
}

export interface FuzzContext {
  doc: OpenApiDoc;
  /** Credentials to send with every request (a valid runner session, the admin token…). */
  authFor(op: Operation): Record<string, string>;
}

const OVERSIZE = BODY_LIMIT + 1024;

function buildUrl(op: Operation, params: Record<string, string>, query: Record<string, string>): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(params[n] ?? ""));
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

function validParams(doc: OpenApiDoc, op: Operation) {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  const header: Record<string, string> = {};
  for (const p of op.op.parameters ?? []) {
    const bucket = p.in === "path" ? path : p.in === "query" ? query : header;
    if (p.in === "path" || p.required) bucket[p.name] = String(exampleOf(doc, p.schema));
  }
  return { path, query, header };
}

function jsonBodySchema(op: Operation): Schema | undefined {
  return op.op.requestBody?.content["application/json"]?.schema;
}

function formSchema(op: Operation): Schema | undefined {
  return op.op.requestBody?.content["multipart/form-data"]?.schema;
}

/**
 * Malformed requests for one operation, as a fast-check arbitrary: a parameter or a body field
 * replaced by a value its schema rejects, a required field or parameter dropped, a body that is not
 * JSON, of the wrong content type, empty, over the body limit, or multipart with missing or garbage
 * parts. Every generated request is invalid against the operation's schema by construction.
 */
export function malformedRequests(ctx: FuzzContext, op: Operation): fc.Arbitrary<FuzzRequest> {
  const { doc } = ctx;
  const base = validParams(doc, op);
  const auth = ctx.authFor(op);
  const bodySchema = jsonBodySchema(op);
  const form = formSchema(op);
  const baseBody = bodySchema ? exampleOf(doc, bodySchema) : undefined;
  const baseHeaders = (): Record<string, string> => ({ ...auth, ...base.header });
  const jsonHeaders = () => ({ ...baseHeaders(), "content-type": "application/json" });
  const jsonReq = (label: string, body: unknown, extra: Partial<FuzzRequest> = {}): FuzzRequest => ({
    label,
    method: op.method,
    url: buildUrl(op, base.path, base.query),
    headers: jsonHeaders(),
    body: JSON.stringify(body),
    ...extra,
  });
  const arbs: fc.Arbitrary<FuzzRequest>[] = [];

  // Parameters: each one broken, or a required one dropped.
  for (const p of op.op.parameters ?? []) {
    const bad = invalidValuesFor(doc, p.schema)
      .filter((v) => typeof v === "string" || typeof v === "number")
      .map(String)
      .filter((v) => !isValid(doc, p.schema, paramValue(p.schema, v)))
      .filter((v) => (p.in === "path" ? v !== "" : true))
      .filter((v) => (p.in === "header" ? /^[\x20-\x7e]*$/.test(v) : true));
    if (bad.length > 0) {
      arbs.push(
        fc.constantFrom(...bad).map((v) => {
          const path = { ...base.path };
          const query = { ...base.query };
          const headers = baseHeaders();
          if (p.in === "path") path[p.name] = v;
          else if (p.in === "query") query[p.name] = v;
          else headers[p.name] = v;
          const body = bodySchema ? JSON.stringify(baseBody) : undefined;
          if (body !== undefined) headers["content-type"] = "application/json";
          return {
            label: `${p.in} ${p.name}=${JSON.stringify(v.slice(0, 40))}`,
            method: op.method,
            url: buildUrl(op, path, query),
            headers,
            ...(body === undefined ? {} : { body }),
          };
        }),
      );
    }
    if (p.required && p.in !== "path") {
      const query = { ...base.query };
      delete query[p.name];
      arbs.push(
        fc.constant({
          label: `missing ${p.in} ${p.name}`,
          method: op.method,
          url: buildUrl(op, base.path, query),
          headers: baseHeaders(),
        }),
      );
    }
  }

  if (bodySchema) {
    const spots = leaves(doc, bodySchema);
    const required = spots.filter((l) => l.required);
    if (required.length > 0) {
      arbs.push(
        fc
          .constantFrom(...required)
          .map((l) => jsonReq(`missing ${l.path.join(".")}`, setAt(baseBody, l.path, undefined, true))),
      );
    }
    const breakable = spots
      .map((l) => ({ ...l, bad: invalidValuesFor(doc, l.schema) }))
      .filter((l) => l.bad.length > 0);
    if (breakable.length > 0) {
      arbs.push(
        fc
          .constantFrom(...breakable)
          .chain((l) => fc.constantFrom(...l.bad).map((v) => ({ l, v })))
          .map(({ l, v }) =>
            jsonReq(`${l.path.join(".")}=${JSON.stringify(v)?.slice(0, 40)}`, setAt(baseBody, l.path, v)),
          )
          .filter((r) => !isValid(doc, bodySchema, JSON.parse(r.body as string))),
      );
    }
    // Random junk anywhere in the body (fast-check's JSON values), kept only when invalid.
    arbs.push(
      fc
        .tuple(
          fc.constantFrom(...(spots.length > 0 ? spots : [{ path: ["x"] }])),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([l, v]) => setAt(baseBody, l.path, v))
        .filter((b) => !isValid(doc, bodySchema, b))
        .map((b) => jsonReq(`junk body ${JSON.stringify(b).slice(0, 60)}`, b)),
    );
    const strictSpots = [{ path: [] as string[], schema: resolve(doc, bodySchema) }, ...spots]
      .map((l) => ({ ...l, schema: resolve(doc, l.schema) }))
      .filter((l) => l.schema.additionalProperties === false);
    if (strictSpots.length > 0) {
      arbs.push(
        fc
          .constantFrom(...strictSpots)
          .map((l) =>
            jsonReq(
              `extra field under ${l.path.join(".") || "(root)"}`,
              setAt(baseBody, [...l.path, "zz_extra"], "y".repeat(2_000)),
            ),
          ),
      );
    }
    arbs.push(
      fc.constantFrom(
        ...(["[]", "null", '"str"', "1", "true"] as const).map((b) =>
          jsonReq(`top-level ${b}`, JSON.parse(b)),
        ),
      ),
    );
  }

  if (op.op.requestBody?.required || bodySchema || form) {
    const raw = (
      label: string,
      body: FuzzRequest["body"] | undefined,
      contentType?: string,
    ): FuzzRequest => ({
      label,
      method: op.method,
      url: buildUrl(op, base.path, base.query),
      headers: { ...baseHeaders(), ...(contentType ? { "content-type": contentType } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    const good = bodySchema ? JSON.stringify(baseBody) : '{"a":1}';
    arbs.push(
      fc.constantFrom(
        raw("malformed JSON: truncated", good.slice(0, Math.max(1, good.length - 2)), "application/json"),
        raw("malformed JSON: {", "{", "application/json"),
        raw('malformed JSON: {"a":}', '{"a":}', "application/json"),
        raw("malformed JSON: NaN", '{"a":NaN}', "application/json"),
        raw("empty body, JSON type", "", "application/json"),
        raw("no body, no type", undefined),
        raw("JSON as text/plain", good, "text/plain"),
        raw("JSON as form-urlencoded", good, "application/x-www-form-urlencoded"),
        raw("JSON with garbage type", good, "garbage/\u00ff"),
        raw("oversized JSON", `{"pad":"${"p".repeat(OVERSIZE)}"}`, "application/json"),
        raw("oversized binary", new Uint8Array(OVERSIZE), "application/octet-stream"),
        raw("multipart with broken boundary", "--nope\r\ngarbage\r\n", "multipart/form-data; boundary=xyz"),
        raw("multipart without boundary", "--x\r\n\r\n", "multipart/form-data"),
      ),
    );
  }

  if (form) {
    arbs.push(multipartCases(doc, form, op, baseHeaders, base));
  }

  if (arbs.length === 0) {
    // No input at all: junk path suffixes and query strings (GET /healthz?x=… is valid, so allowed).
    arbs.push(
      fc.string({ maxLength: 30 }).map((s) => ({
        label: `junk query ${JSON.stringify(s)}`,
        method: op.method,
        url: `${op.path}?${new URLSearchParams({ junk: s })}`,
        headers: baseHeaders(),
        schemaValid: true,
      })),
    );
  }
  return fc.oneof(...arbs);
}

function multipartCases(
  doc: OpenApiDoc,
  schema: Schema,
  op: Operation,
  headers: () => Record<string, string>,
  base: { path: Record<string, string>; query: Record<string, string> },
): fc.Arbitrary<FuzzRequest> {
  const s = resolve(doc, schema);
  const fields = Object.keys(s.properties ?? {});
  const junk = new Uint8Array([0x00, 0xff, 0x47, 0x13, 0x37]);
  const make = (label: string, parts: Record<string, string | Blob>): FuzzRequest => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(parts)) fd.append(k, v);
    return {
      label,
      method: op.method,
      url: buildUrl(op, base.path, base.query),
      headers: headers(),
      body: fd,
    };
  };
  const variants: FuzzRequest[] = [make("multipart with no parts", {})];
  for (const f of fields) {
    const others = Object.fromEntries(fields.filter((x) => x !== f).map((x) => [x, "{}"]));
    variants.push(make(`multipart missing ${f}`, others));
    variants.push(make(`multipart ${f} garbage text`, { ...others, [f]: "\u0000garbage{" }));
    variants.push(make(`multipart ${f} empty file`, { ...others, [f]: new Blob([]) }));
    variants.push(
      make(`multipart ${f} junk bytes`, { ...others, [f]: new Blob([junk], { type: "video/mp2t" }) }),
    );
  }
  variants.push(
    make("multipart all fields junk JSON", Object.fromEntries(fields.map((f) => [f, '{"x":[1,2']))),
  );
  variants.push(make("multipart all fields empty", Object.fromEntries(fields.map((f) => [f, ""]))));
  variants.push(
    make(
      "multipart profiles [] and a junk segment",
      Object.fromEntries(fields.map((f) => [f, f === "profiles" ? "[]" : new Blob([junk])])),
    ),
  );
  variants.push(
    make(
      "multipart oversized part",
      Object.fromEntries(fields.map((f) => [f, new Blob([new Uint8Array(OVERSIZE)])])),
    ),
  );
  return fc.constantFrom(...variants);
}

export function toRequest(r: FuzzRequest): Request {
  const init: RequestInit = { method: r.method, headers: r.headers };
  if (r.body !== undefined && r.method !== "GET") init.body = r.body as BodyInit;
  return new Request(`http://edge.test${r.url}`, init);
}

// ---------------------------------------------------------------------------------------------
// Checks

export interface Finding {
  op: string;
  label: string;
  status: number;
  problems: string[];
  body: string;
}

const STABLE_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * Sends one malformed request and checks its answer: 4xx (2xx only when the request was valid
 * for its schema), application/problem+json, a stable UPPER_SNAKE `code`, `status` equal to the
 * HTTP status, a `requestId` matching x-request-id; and the state snapshot unchanged.
 */
export async function probe(edge: FuzzEdge, opKey: string, r: FuzzRequest): Promise<Finding | null> {
  const before = await edge.snapshot();
  const res = await edge.app.request(toRequest(r));
  const text = await res.text();
  const after = await edge.snapshot();
  const problems = [...checkAnswer(res, text, r.schemaValid === true), ...diffSnapshots(before, after)];
  return problems.length === 0
    ? null
    : { op: opKey, label: r.label, status: res.status, problems, body: text.slice(0, 300) };
}

export function checkAnswer(res: Response, text: string, allow2xx: boolean): string[] {
  const problems: string[] = [];
  if (res.status >= 200 && res.status < 300) {
    if (!allow2xx) problems.push(`accepted a malformed request with ${res.status}`);
    return problems;
  }
  if (res.status < 400 || res.status >= 500) problems.push(`status ${res.status} is not 4xx`);
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith(PROBLEM_CONTENT_TYPE)) problems.push(`content-type ${JSON.stringify(type)}`);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    problems.push("body is not JSON");
  }
  if (typeof body.code !== "string" || !STABLE_CODE.test(body.code))
    problems.push(`code ${JSON.stringify(body.code)}`);
  if (body.status !== res.status)
    problems.push(`body status ${JSON.stringify(body.status)} != ${res.status}`);
  if (typeof body.requestId !== "string" || body.requestId === "") problems.push("no requestId");
  else if (res.headers.get("x-request-id") !== body.requestId)
    problems.push("requestId differs from x-request-id");
  return problems;
}

export function formatFindings(findings: Finding[]): string {
  return findings
    .map((f) => `${f.op} [${f.label}] -> ${f.status}: ${f.problems.join("; ")}\n    ${f.body}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// Well-formed requests the domain must refuse (schema-valid, so they reach the services)

export interface RefusedCase {
  op: string;
  req: FuzzRequest;
}

const jsonPost = (
  label: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): FuzzRequest => ({
  label,
  method: "POST",
  url,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** Amounts no account holds: from just above a genesis balance up to 2^256 (78 digits, schema-valid). */
export const hugeAmounts = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.constantFrom(2n ** 256n, 2n ** 256n - 1n, 2n ** 255n, 10n ** 77n),
    fc.bigInt({ min: 10n ** 30n, max: 2n ** 256n }),
  );

/**
 * Signed staking writes (EIP-712, valid signatures) that the protocol must refuse: amounts over
 * any balance or over uint256, unknown lock ids, percentages over 100%, unlock/withdraw with
 * nothing to unlock. `signer` is an account with no stake and no deposit.
 */
export async function refusedStakingWrites(
  signer: LocalAccount,
  to: `0x${string}`,
  numRuns = 3,
): Promise<RefusedCase[]> {
  const amounts = fc.sample(hugeAmounts(), { seed: FUZZ_SEED, numRuns }).map(String);
  const ids = fc
    .sample(fc.oneof(fc.constant(2n ** 256n - 1n), fc.bigInt({ min: 1000n, max: 10n ** 20n })), {
      seed: FUZZ_SEED,
      numRuns,
    })
    .map(String);
  const writes: { action: StakingAction; args: Record<string, string> }[] = [];
  for (const a of amounts) {
    writes.push({ action: "bond", args: { amount: a, to } });
    writes.push({ action: "unbond", args: { amount: a } });
    writes.push({ action: "withdrawFees", args: { recipient: to, amount: a } });
    writes.push({ action: "fundDeposit", args: { amount: a } });
    writes.push({ action: "fundReserve", args: { amount: a } });
    writes.push({ action: "fundDepositAndReserve", args: { deposit: a, reserve: a } });
    writes.push({ action: "transcoder", args: { rewardCut: a, feeShare: "0" } });
  }
  for (const id of ids) {
    writes.push({ action: "rebond", args: { lockId: id } });
    writes.push({ action: "rebond", args: { lockId: id, to } });
    writes.push({ action: "withdrawStake", args: { lockId: id } });
  }
  writes.push({ action: "transcoder", args: { rewardCut: "1000001", feeShare: "0" } });
  writes.push({ action: "cancelUnlock", args: {} });
  writes.push({ action: "withdraw", args: {} });
  writes.push({ action: "unlock", args: {} });
  const out: RefusedCase[] = [];
  for (const w of writes) {
    const body = await signStakingRequest(signer, {
      action: w.action,
      args: w.args as never,
      chainId: DEVNET_CHAIN_ID,
    });
    out.push({
      op: `POST /v1/staking/${w.action}`,
      req: jsonPost(
        `signed ${w.action} ${JSON.stringify(w.args).slice(0, 90)}`,
        `/v1/staking/${w.action}`,
        body,
      ),
    });
  }
  return out;
}

/**
 * Signed-write credentials that must not pass: a garbage or foreign signature, tampered args, a
 * deadline passed or too far, another chain's domain. Each is answered 401/400, nothing applied.
 */
export async function badStakingCredentials(
  signer: LocalAccount,
  other: LocalAccount,
  to: `0x${string}`,
): Promise<RefusedCase[]> {
  const args = { amount: "1000", to };
  const sign = (account: LocalAccount, extra: { deadline?: bigint; chainId?: number } = {}) =>
    signStakingRequest(account, {
      action: "bond",
      args,
      chainId: extra.chainId ?? DEVNET_CHAIN_ID,
      ...(extra.deadline === undefined ? {} : { deadline: extra.deadline }),
    });
  const now = BigInt(Math.floor(Date.now() / 1000));
  const good = await sign(signer);
  const cases: [string, unknown][] = [
    ["garbage signature", { ...good, signature: `0x${"ab".repeat(65)}` }],
    ["short signature", { ...good, signature: "0x1234" }],
    ["signature by another key", { ...(await sign(other)), signer: signer.address }],
    ["tampered amount", { ...good, args: { ...args, amount: "1001" } }],
    ["tampered nonce", { ...good, nonce: `0x${"cd".repeat(32)}` }],
    ["expired deadline", await sign(signer, { deadline: now - 10n })],
    ["deadline two days ahead", await sign(signer, { deadline: now + 2n * 86_400n })],
    ["another chain's domain", await sign(signer, { chainId: 42161 })],
    ["zero signer", { ...good, signer: `0x${"00".repeat(20)}` }],
  ];
  return cases.map(([label, body]) => ({
    op: "POST /v1/staking/bond",
    req: jsonPost(label, "/v1/staking/bond", body),
  }));
}

function form(
  label: string,
  url: string,
  parts: Record<string, string | Blob>,
  headers: Record<string, string> = {},
): FuzzRequest {
  const fd = new FormData();
  for (const [k, v] of Object.entries(parts)) fd.append(k, v);
  return { label, method: "POST", url, headers, body: fd };
}

/** A schema-valid payment that no ledger state can honour (unknown sender, bogus signature). */
export function bogusPayment(recipient: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sender: `0x${"22".repeat(20)}`,
    ticketParams: {
      recipient,
      faceValue: "1000000",
      winProb: (2n ** 256n - 1n).toString(),
      recipientRandHash: `0x${"ab".repeat(32)}`,
      seed: `0x${"cd".repeat(32)}`,
      expirationBlock: "99999999",
    },
    expirationParams: { creationRound: "1", creationRoundBlockHash: `0x${"ef".repeat(32)}` },
    expectedPrice: { pricePerUnit: "1", pixelsPerUnit: "1" },
    tickets: [{ senderNonce: "1", sig: `0x${"00".repeat(65)}` }],
    ...over,
  };
}

/**
 * Schema-valid requests every service must refuse with a 4xx and no write: bogus payments, jobs
 * with junk media, unknown or ill-fed AI pipelines, runner calls on jobs that do not exist.
 */
export function refusedServiceRequests(edge: FuzzEdge, hosted: string): RefusedCase[] {
  const out: RefusedCase[] = [];
  const add = (op: string, req: FuzzRequest) => out.push({ op, req });
  const tickets = "POST /v1/orchestrator/tickets";
  add(
    tickets,
    jsonPost("bogus signature to a hosted recipient", "/v1/orchestrator/tickets", bogusPayment(hosted)),
  );
  add(
    tickets,
    jsonPost("recipient not hosted", "/v1/orchestrator/tickets", bogusPayment(`0x${"33".repeat(20)}`)),
  );
  add(
    tickets,
    jsonPost(
      "amounts of 2^256 and a 600-ticket batch",
      "/v1/orchestrator/tickets",
      bogusPayment(hosted, {
        expectedPrice: { pricePerUnit: (2n ** 256n).toString(), pixelsPerUnit: "0" },
        tickets: Array.from({ length: 600 }, (_, i) => ({ senderNonce: String(i), sig: "0x" })),
      }),
    ),
  );
  const spec = JSON.stringify({
    kind: "transcode",
    input: "segment",
    profiles: [{ name: "p", width: 64, height: 64, bitrate: 1000, fps: 1, codec: "h264" }],
    format: "mpegts",
  });
  const ojobs = "POST /v1/orchestrator/jobs";
  const segment = new Blob([JUNK], { type: "video/mp2t" });
  add(
    ojobs,
    form("bogus payment", "/v1/orchestrator/jobs", {
      job: spec,
      payment: JSON.stringify(bogusPayment(hosted)),
      segment,
    }),
  );
  add(
    ojobs,
    form("payment not JSON-schema", "/v1/orchestrator/jobs", { job: spec, payment: '{"sender":1}', segment }),
  );
  add(
    ojobs,
    form("input file missing", "/v1/orchestrator/jobs", {
      job: spec,
      payment: JSON.stringify(bogusPayment(hosted)),
    }),
  );
  add(
    ojobs,
    form("input given as text", "/v1/orchestrator/jobs", {
      job: spec,
      payment: JSON.stringify(bogusPayment(hosted)),
      segment: "text",
    }),
  );
  add(
    ojobs,
    form("job spec of wrong kind", "/v1/orchestrator/jobs", {
      job: '{"kind":"mine"}',
      payment: "{}",
      segment,
    }),
  );
  const tc = "POST /v1/transcode";
  const profiles = '["P144p30fps16x9"]';
  add(tc, form("junk segment", "/v1/transcode", { profiles, segment }));
  add(tc, form("junk segment, async", "/v1/transcode?async=true", { profiles, segment }));
  add(tc, form("segment as text", "/v1/transcode", { profiles, segment: "not a file" }));
  add(tc, form("unknown preset", "/v1/transcode", { profiles: '["P9999p"]', segment }));
  add(
    tc,
    form("17 profiles", "/v1/transcode", {
      profiles: JSON.stringify(Array(17).fill("P144p30fps16x9")),
      segment,
    }),
  );
  add(
    tc,
    form("rendition with negative width", "/v1/transcode", {
      profiles: JSON.stringify([{ width: -1, height: 64, bitrate: 1, fps: 1, codec: "h264" }]),
      segment,
    }),
  );
  add(
    tc,
    form("rendition with 2^256 bitrate", "/v1/transcode", {
      profiles: JSON.stringify([{ width: 64, height: 64, bitrate: 2 ** 256, fps: 30, codec: "h264" }]),
      segment,
    }),
  );
  add(
    tc,
    form("rendition with unknown codec", "/v1/transcode", {
      profiles: JSON.stringify([{ width: 64, height: 64, bitrate: 1000, fps: 30, codec: "mpeg1" }]),
      segment,
    }),
  );
  const ai = "POST /v1/ai/{pipeline}";
  const image = new Blob([JUNK], { type: "image/png" });
  add(ai, jsonPost("unknown pipeline", "/v1/ai/no-such-pipeline", { prompt: "x" }));
  add(ai, jsonPost("JSON array body", "/v1/ai/text-to-image", [1, 2]));
  add(ai, {
    label: "malformed JSON",
    method: "POST",
    url: "/v1/ai/llm",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  add(ai, { label: "no content type", method: "POST", url: "/v1/ai/llm", headers: {}, body: "hello" });
  add(ai, {
    label: "text/plain",
    method: "POST",
    url: "/v1/ai/llm",
    headers: { "content-type": "text/plain" },
    body: "hello",
  });
  add(ai, jsonPost("negative width", "/v1/ai/text-to-image", { prompt: "x", width: -1 }));
  add(ai, jsonPost("width NaN string", "/v1/ai/text-to-image", { prompt: "x", width: "NaN" }));
  add(ai, jsonPost("image pipeline without a file", "/v1/ai/image-to-image", { prompt: "x" }));
  add(ai, form("junk image", "/v1/ai/image-to-image", { prompt: "x", image }));
  add(ai, form("empty image", "/v1/ai/upscale", { image: new Blob([]) }));
  add(ai, form("bad file field name", "/v1/ai/upscale", { "bad name!": image }));
  add(ai, form("junk audio", "/v1/ai/audio-to-text", { audio: new Blob([JUNK], { type: "audio/wav" }) }));
  add(ai, form("image field as text", "/v1/ai/upscale", { image: "not a file" }));
  const r = edge.runnerAuth;
  const job = "/runner/v1/jobs/nojob/attempts/1";
  add(
    "POST /runner/v1/jobs/{id}/attempts/{attempt}/heartbeat",
    jsonPost("unknown job", `${job}/heartbeat`, { progress: 0.5 }, r),
  );
  add(
    "POST /runner/v1/jobs/{id}/attempts/{attempt}/complete",
    jsonPost("unknown job", `${job}/complete`, { engine: "x", units: "1" }, r),
  );
  add(
    "POST /runner/v1/jobs/{id}/attempts/{attempt}/fail",
    jsonPost("unknown job", `${job}/fail`, { error: "x" }, r),
  );
  add("POST /runner/v1/jobs/{id}/attempts/{attempt}/release", {
    label: "unknown job",
    method: "POST",
    url: `${job}/release`,
    headers: r,
  });
  add("PUT /runner/v1/jobs/{id}/attempts/{attempt}/outputs/{name}", {
    label: "unknown job",
    method: "PUT",
    url: `${job}/outputs/out.ts`,
    headers: { ...r, "content-type": "video/mp2t", "x-output-width": "64" },
    body: JUNK,
  });
  add("GET /runner/v1/jobs/{id}/attempts/{attempt}/inputs/{name}", {
    label: "unknown job",
    method: "GET",
    url: `${job}/inputs/segment`,
    headers: r,
  });
  add(
    "POST /runner/v1/register",
    jsonPost(
      "capacity 2^53",
      "/runner/v1/register",
      {
        ffmpeg: null,
        gpus: [],
        onnx: [],
        models: [],
        capabilities: ["transcode"],
        capacity: 2 ** 53,
      },
      { authorization: r.authorization! },
    ),
  );
  add("DELETE /v1/admin/keys/{id}", {
    label: "unknown key",
    method: "DELETE",
    url: "/v1/admin/keys/key_nope",
    headers: edge.adminAuth,
  });
  add("GET /v1/orchestrator/jobs/{id}", {
    label: "unknown job",
    method: "GET",
    url: "/v1/orchestrator/jobs/nojob",
    headers: {},
  });
  add("GET /v1/orchestrator/jobs/{id}/outputs/{name}", {
    label: "unknown job",
    method: "GET",
    url: "/v1/orchestrator/jobs/nojob/outputs/x",
    headers: {},
  });
  add("GET /v1/jobs/{id}", { label: "unknown job", method: "GET", url: "/v1/jobs/nojob", headers: {} });
  add("GET /v1/jobs/{id}/outputs/{name}", {
    label: "unknown job",
    method: "GET",
    url: "/v1/jobs/nojob/outputs/x",
    headers: {},
  });
  add("GET /v1/protocol/orchestrators/{address}", {
    label: "unknown orchestrator",
    method: "GET",
    url: `/v1/protocol/orchestrators/0x${"44".repeat(20)}`,
    headers: {},
  });
  add("GET /v1/orchestrator/info", {
    label: "orchestrator not hosted",
    method: "GET",
    url: `/v1/orchestrator/info?sender=0x${"22".repeat(20)}&orchestrator=0x${"44".repeat(20)}`,
    headers: {},
  });
  add("GET /v1/orchestrator/info", {
    label: "capability not offered",
    method: "GET",
    url: `/v1/orchestrator/info?sender=0x${"22".repeat(20)}&capability=nope`,
    headers: {},
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Valid requests (bases for the credential checks)

/** A request valid for the operation's schema (params and body from exampleOf), with `headers`. */
export function validRequest(doc: OpenApiDoc, op: Operation, headers: Record<string, string>): FuzzRequest {
  const base = validParams(doc, op);
  const url = buildUrl(op, base.path, base.query);
  const json = jsonBodySchema(op);
  const multipart = formSchema(op);
  const req: FuzzRequest = {
    label: "valid",
    method: op.method,
    url,
    headers: { ...base.header, ...headers },
    schemaValid: true,
  };
  if (json) {
    req.headers["content-type"] = "application/json";
    req.body = JSON.stringify(exampleOf(doc, json));
  } else if (multipart) {
    const fd = new FormData();
    for (const [k, s] of Object.entries<Schema>(resolve(doc, multipart).properties ?? {})) {
      fd.append(k, s.format === "binary" ? new Blob([JUNK]) : String(exampleOf(doc, s)));
    }
    req.body = fd;
  }
  return req;
}

/** Systematic body faults for an operation that takes a body: one of each kind, no sampling. */
export function bodyFaults(doc: OpenApiDoc, op: Operation, headers: Record<string, string>): FuzzRequest[] {
  if (!op.op.requestBody) return [];
  const base = validParams(doc, op);
  const url = buildUrl(op, base.path, base.query);
  const h = (type?: string) => ({ ...base.header, ...headers, ...(type ? { "content-type": type } : {}) });
  const faults: FuzzRequest[] = [
    {
      label: "oversized JSON",
      method: op.method,
      url,
      headers: h("application/json"),
      body: `{"pad":"${"p".repeat(OVERSIZE)}"}`,
    },
    { label: "malformed JSON", method: op.method, url, headers: h("application/json"), body: '{"a":' },
    { label: "empty JSON body", method: op.method, url, headers: h("application/json"), body: "" },
    { label: "text/plain body", method: op.method, url, headers: h("text/plain"), body: "hello" },
  ];
  const fd = new FormData();
  fd.append("junk", new Blob([new Uint8Array(OVERSIZE)]));
  faults.push({ label: "oversized multipart", method: op.method, url, headers: h(), body: fd });
  // A body is optional on heartbeat: only the faults that break an optional body stay.
  return op.op.requestBody.required
    ? faults
    : faults.filter((f) => f.label !== "empty JSON body" && f.label !== "text/plain body");
}

/** Values a lenient number parser would take ("" as 0, "1e3" as 1000, "0x10" as 16). */
const COERCIBLE = ["", " 1", "1e3", "0x10", "-1", "1.5", TWO_256];

/** Systematic parameter faults: every parameter once with each coercible value its schema rejects. */
export function paramFaults(doc: OpenApiDoc, op: Operation, headers: Record<string, string>): FuzzRequest[] {
  const base = validParams(doc, op);
  const json = jsonBodySchema(op);
  const out: FuzzRequest[] = [];
  for (const p of op.op.parameters ?? []) {
    for (const v of COERCIBLE) {
      if (p.in === "path" && v === "") continue;
      if (isValid(doc, p.schema, paramValue(p.schema, v))) continue;
      const path = { ...base.path };
      const query = { ...base.query };
      const h: Record<string, string> = { ...base.header, ...headers };
      if (p.in === "path") path[p.name] = v;
      else if (p.in === "query") query[p.name] = v;
      else h[p.name] = v;
      if (json) h["content-type"] = "application/json";
      out.push({
        label: `${p.in} ${p.name}=${JSON.stringify(v.slice(0, 20))}`,
        method: op.method,
        url: buildUrl(op, path, query),
        headers: h,
        ...(json ? { body: JSON.stringify(exampleOf(doc, json)) } : {}),
      });
    }
  }
  return out;
}
