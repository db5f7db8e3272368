// The end-to-end benches' network: one orchestrator edge process (bun src/edge/entry/bun.ts) on a
// devnet file, one no-op node-runner process (noop-runner.ts), and the gateway's side played by
// the calling process (outside the measured ones): it pays each job with one ticket it signs
// itself and posts it to POST /v1/orchestrator/jobs, as a gateway does.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytesOrNull } from "../../src/protocol/bytes.ts";
import { ethSignedMessageDigest } from "../../src/protocol/signature.ts";
import { ticketHashBytes } from "../../src/protocol/ticket.ts";
import type { Hex, Ticket } from "../../src/protocol/types.ts";
import { getInfo } from "../../src/wire/orchestrator-client.ts";
import type { PaymentJson } from "../../src/wire/payment.ts";
import { addressOf, GATEWAY, keyOf, ORCHS, paymentsGenesis } from "../../test/helpers/payments.ts";

// The repository root: benches run from it (npm run bench), bundled or not.
const root = resolve(process.cwd());
/** The bun binary that runs the measured processes (the one running us, or the one npm installed). */
export const bun = typeof Bun !== "undefined" ? process.execPath : join(root, "node_modules/.bin/bun");
const RUNNER_TOKEN = "bench-e2e-runner-token-000000000001";
const CLOCK_TICK = 100; // USER_HZ on Linux

export const sender = addressOf(GATEWAY);
const senderKey = hexToBytesOrNull(keyOf(GATEWAY))!;
export const orchestrator = addressOf(ORCHS[0]!);
type OrchestratorInfoJson = Awaited<ReturnType<typeof getInfo>>;

export interface Proc {
  proc: ChildProcess;
  pid: number;
}

/** Starts `args` under bun and resolves once a stdout line satisfies `ready` (its value). */
function startProcess<T>(
  args: string[],
  env: Record<string, string>,
  ready: (line: string) => T | undefined,
): Promise<Proc & { value: T }> {
  const proc = spawn(bun, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const script = args.find((a) => !a.startsWith("--"));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start:\n${out}`)), 120_000);
    let done = false;
    proc.stdout!.on("data", (b: Buffer) => {
      if (done) return; // keep draining the pipe without holding its text
      out += b.toString();
      for (const line of out.split("\n")) {
        const value = ready(line);
        if (value !== undefined) {
          done = true;
          out = "";
          clearTimeout(timer);
          ok({ proc, pid: proc.pid!, value });
          return;
        }
      }
    });
    proc.stderr!.on("data", (b: Buffer) => {
      if (!done) out += b.toString();
    });
    proc.on("exit", (code) => fail(new Error(`${script} exited ${code}:\n${out}`)));
  });
}

export interface Network {
  url: string;
  edge: Proc;
  runner: Proc;
  stop(): Promise<void>;
}

/** How the edge process is started: bun flags, its entry file, and variables added to its env. */
export interface EdgeLaunch {
  bunArgs?: string[];
  /** Default src/edge/entry/bun.ts. */
  entry?: string;
  env?: Record<string, string>;
}

/**
 * The edge (orchestrator role, devnet) and a no-op runner of `capacity` slots on it; with
 * `profileDir`, each writes a CPU profile there when it stops (bun --cpu-prof, plus Markdown).
 */
export async function startNetwork(
  dir: string,
  capacity: number,
  profileDir?: string,
  launch: EdgeLaunch = {},
): Promise<Network> {
  const prof = (name: string) =>
    profileDir
      ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}`]
      : [];
  const genesisFile = join(dir, "genesis.json");
  writeFileSync(genesisFile, JSON.stringify(paymentsGenesis()));
  const configFile = join(dir, "edge.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      roles: ["orchestrator"],
      database: { url: `file:${join(dir, "edge.db")}` },
      blobs: { kind: "fs", dir: join(dir, "blobs") },
      // Long blocks and rounds: params signed before the clock starts stay valid through the run.
      ledger: { kind: "devnet", genesisFile, roundSeconds: 3600, blockMs: 60_000 },
      scheduler: { enabled: false },
      orchestrators: [
        {
          privateKey: keyOf(ORCHS[0]!),
          serviceURI: "http://127.0.0.1:1",
          runnerTokens: [RUNNER_TOKEN],
          prices: [{ capability: "transcode", pricePerUnit: "3", pixelsPerUnit: "2" }],
          ticket: {
            redeemGas: "1",
            gasPrice: "1000000",
            faceValueMultiplier: "1",
            ev: "1000",
            expiryBlocks: "10",
          },
        },
      ],
    }),
  );
  const edge = await startProcess(
    [...prof("edge"), ...(launch.bunArgs ?? []), launch.entry ?? "src/edge/entry/bun.ts"],
    { LIVEPEER_CONFIG: configFile, HOST: "127.0.0.1", PORT: "0", ...launch.env },
    (line) => (line.includes('"msg":"listening"') ? (JSON.parse(line) as { url: string }).url : undefined),
  );
  const url = edge.value;
  const runner = await startProcess(
    [...prof("runner"), "bench/e2e/noop-runner.ts", url, RUNNER_TOKEN, String(capacity)],
    {},
    (line) => (line.trim() === "ready" ? true : undefined),
  );
  const stop = async () => {
    for (const p of [runner, edge]) {
      if (p.proc.exitCode !== null) continue;
      p.proc.kill("SIGTERM");
      await new Promise((r) => p.proc.once("exit", r));
    }
  };
  return { url, edge, runner, stop };
}

/** The no-op job the benches submit: the "llm" pipeline's "noop" model, one token. */
export const NOOP_JOB = JSON.stringify({
  kind: "ai",
  pipeline: "llm",
  modelId: "noop",
  files: {},
  params: { max_tokens: 1 },
});

/** Fresh ticket params for the no-op job's price. */
export function noopInfo(url: string): Promise<OrchestratorInfoJson> {
  return getInfo(url, { sender, orchestrator, capability: "llm", modelId: "noop" });
}

/**
 * `count` payments of `perPayment` tickets each on `info`'s params, sender nonces counted from
 * `firstNonce` on (each nonce used once per params).
 */
export function signPayments(
  info: OrchestratorInfoJson,
  count: number,
  firstNonce = 1,
  perPayment = 1,
): string[] {
  const p = info.ticketParams;
  const creationRound = BigInt(info.expirationParams.creationRound);
  const creationRoundBlockHash = info.expirationParams.creationRoundBlockHash.toLowerCase() as Hex;
  const out: string[] = [];
  let nonce = firstNonce;
  for (let i = 0; i < count; i++) {
    const tickets: PaymentJson["tickets"] = [];
    for (let k = 0; k < perPayment; k++) {
      const n = BigInt(nonce++);
      const ticket: Ticket = {
        recipient: p.recipient.toLowerCase() as Hex,
        sender,
        faceValue: BigInt(p.faceValue),
        winProb: BigInt(p.winProb),
        senderNonce: n,
        recipientRandHash: p.recipientRandHash.toLowerCase() as Hex,
        creationRound,
        creationRoundBlockHash,
      };
      const rec = secp256k1.sign(ethSignedMessageDigest(ticketHashBytes(ticket)), senderKey, {
        prehash: false,
        format: "recovered",
      });
      const sig = new Uint8Array(65);
      sig.set(rec.subarray(1), 0);
      sig[64] = 27 + rec[0]!;
      tickets.push({ senderNonce: n.toString(), sig: bytesToHex(sig) });
    }
    const payment: PaymentJson = {
      sender,
      ticketParams: p,
      expirationParams: info.expirationParams,
      expectedPrice: info.priceInfo,
      tickets,
    };
    out.push(JSON.stringify(payment));
  }
  return out;
}

/** The edge takes at most this many tickets per recipientRandHash (TICKET_NONCE_LIMIT). */
const NONCES_PER_PARAMS = 600;
/** Params are fetched again after this long: a devnet block is a minute here, params last 10. */
const PARAMS_MS = 60_000;

/**
 * Signed payments on demand, as a gateway makes them: fresh ticket params from the edge whenever
 * the current ones have used up their nonces or grown old, each nonce used once.
 */
export function paymentSource(url: string) {
  let info: OrchestratorInfoJson | undefined;
  let nonce = 1;
  let at = 0;
  return async (tickets: number): Promise<string> => {
    if (!info || nonce + tickets - 1 > NONCES_PER_PARAMS || performance.now() - at > PARAMS_MS) {
      info = await noopInfo(url);
      nonce = 1;
      at = performance.now();
    }
    const [payment] = signPayments(info, 1, nonce, tickets);
    nonce += tickets;
    return payment!;
  };
}

/** Posts a payment to POST /v1/orchestrator/tickets; throws unless every ticket was accepted. */
export async function postPayment(url: string, payment: string, tickets: number): Promise<void> {
  const res = await fetch(`${url}/v1/orchestrator/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: payment,
  });
  const body = (await res.json()) as { accepted?: number };
  if (res.status !== 200 || body.accepted !== tickets) {
    throw new Error(`payment answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** Submits the no-op job paid by `payment` and waits for it; throws unless it succeeded. */
export async function submitNoopJob(url: string, payment: string): Promise<void> {
  const form = new FormData();
  form.set("job", NOOP_JOB);
  form.set("payment", payment);
  const res = await fetch(`${url}/v1/orchestrator/jobs`, { method: "POST", body: form });
  const body = (await res.json()) as { status?: string; detail?: string };
  if (res.status !== 200 || body.status !== "succeeded") {
    throw new Error(`no-op job answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** Resident set size of a process in MB (VmRSS from /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICK;
}

/** A bare HTTP server in its own bun process (the reference hop), answering "ok". */
export async function startBareServer(): Promise<Proc & { url: string }> {
  const script =
    'const s=require("node:http").createServer((q,r)=>{q.resume();q.on("end",()=>r.end("ok"))});' +
    's.listen(0,"127.0.0.1",()=>console.log("port "+s.address().port));';
  const p = await startProcess(["-e", script], {}, (line) =>
    line.startsWith("port ") ? Number(line.slice(5)) : undefined,
  );
  return { ...p, url: `http://127.0.0.1:${p.value}` };
}

/** Runs `worker` from `concurrency` loops until `count` calls are done; returns the wall time (s). */
export async function drive(count: number, concurrency: number, worker: (i: number) => Promise<void>) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await worker(i);
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}
