// A second process for the two-processes-on-one-file test: opens an existing devnet file, waits
// until `startAt` (ms since epoch), runs the given calls in order, prints one JSON line of outcomes.
// Usage: bun test/helpers/devnet-worker.ts <url> <json: { startAt, calls: [{ method, args }] }>
// Arguments tagged "n:<decimal>" are bigints; objects with a "ticket" field are decoded likewise.
import { createDevnet } from "../../src/edge/ledger/devnet.ts";
import { LedgerError } from "../../src/edge/ledger/errors.ts";
import { testGenesis } from "./devnet.ts";

export function encodeArg(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `n:${x}` : x)));
}

function decodeArg(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (_k, x) =>
    typeof x === "string" && x.startsWith("n:") ? BigInt(x.slice(2)) : x,
  );
}

if (import.meta.main) {
  const [url, spec] = process.argv.slice(2) as [string, string];
  const { startAt, calls } = JSON.parse(spec) as {
    startAt: number;
    calls: { method: string; args: unknown[] }[];
  };
  const devnet = await createDevnet({ url, genesis: testGenesis() });
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const out: { method: string; ok: boolean; code?: string }[] = [];
  for (const c of calls) {
    try {
      const fn = (devnet as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[c.method]!;
      await fn(...(decodeArg(c.args) as unknown[]));
      out.push({ method: c.method, ok: true });
    } catch (e) {
      out.push({ method: c.method, ok: false, code: e instanceof LedgerError ? e.code : String(e) });
    }
  }
  await devnet.close();
  console.log(JSON.stringify(out));
}
