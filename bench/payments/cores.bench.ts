/**
 * Payment intake on the whole machine: BENCH_EDGES real edge processes (bun src/edge/entry/bun.ts)
 * on ONE libSQL database file, hosting the same orchestrator, fed over loopback HTTP by a load
 * generator in this process (outside the measured ones). Payments (BENCH_TICKETS tickets each, on
 * fresh params from GET /v1/orchestrator/info) are signed before the clock starts; then all are
 * posted, BENCH_CONCURRENCY in flight per edge, round-robin. Every ticket is persisted before its
 * answer; afterwards the database must hold every ticket once and the sender's balance exactly
 * Σ EV (no double credit), and a second post of a sample of payments must all come back replayed.
 *
 * Figures: tickets/s by wall clock, and per CPU second of the edge processes (their utime + stime
 * from /proc), which on a shared machine says what the edges would do with the cores to themselves
 * (× cores). Reference in the same run: libSQL multi-row inserts of the same rows (one
 * transaction per payment, BENCH_TICKETS rows each) on a fresh file, one process.
 *   npx bun run bench/index.ts --bun-only cores
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { createClient } from "@libsql/client";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { readEnv } from "../../src/cli/env.ts";
import { openDb } from "../../src/edge/db/client.ts";
import { acceptedTickets } from "../../src/edge/db/schema/payments.ts";
import { bytesToHex, hexToBytesOrNull } from "../../src/protocol/bytes.ts";
import { ethSignedMessageDigest } from "../../src/protocol/signature.ts";
import { ticketHashBytes } from "../../src/protocol/ticket.ts";
import type { Hex, Ticket } from "../../src/protocol/types.ts";
import { ticketEV } from "../../src/protocol/win.ts";
import { getInfo } from "../../src/wire/orchestrator-client.ts";
import type { PaymentJson } from "../../src/wire/payment.ts";
import { tempDir } from "../../test/helpers/media.ts";
import { addressOf, GATEWAY, keyOf, ORCHS, paymentsGenesis } from "../../test/helpers/payments.ts";
import { BENCH_ENV } from "../env.ts";
import { fmt } from "../tickets/measure.ts";

const {
  BENCH_TICKETS: TICKETS,
  BENCH_LOAD_PAYMENTS: PAYMENTS,
  BENCH_EDGES: EDGES,
  BENCH_CONCURRENCY: CONCURRENCY,
} = readEnv(BENCH_ENV, process.env);
const root = resolve(process.cwd());
const bun = typeof Bun !== "undefined" ? process.execPath : join(root, "node_modules/.bin/bun");
const CLOCK_TICK = 100; // USER_HZ on Linux

interface Edge {
  url: string;
  proc: ChildProcess;
}

function startEdge(env: Record<string, string>): Promise<Edge> {
  const proc = spawn(bun, ["src/edge/entry/bun.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: tmp.dir,
      HOST: "127.0.0.1",
      PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`edge did not listen:\n${out}`)), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line && out.length < 1e6) {
        clearTimeout(timer);
        out = ""; // keep draining the pipes without holding their text
        ok({ url: (JSON.parse(line) as { url: string }).url, proc });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (b: Buffer) => {
      out += b.toString();
    });
    proc.on("exit", (code) => fail(new Error(`edge exited ${code}:\n${out}`)));
  });
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICK;
}

const sender = addressOf(GATEWAY);
const senderKey = hexToBytesOrNull(keyOf(GATEWAY))!;
const orchestrator = addressOf(ORCHS[0]!);

/** One payment of TICKETS tickets on fresh params from `edge`. */
async function makePayment(edge: Edge): Promise<PaymentJson> {
  const info = await getInfo(edge.url, { sender, orchestrator });
  const p = info.ticketParams;
  const creationRound = BigInt(info.expirationParams.creationRound);
  const creationRoundBlockHash = info.expirationParams.creationRoundBlockHash.toLowerCase() as Hex;
  const tickets: PaymentJson["tickets"] = [];
  for (let n = 1n; n <= BigInt(TICKETS); n++) {
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
  return {
    sender,
    ticketParams: p,
    expirationParams: info.expirationParams,
    expectedPrice: info.priceInfo,
    tickets,
  };
}

interface PostResult {
  accepted: number;
  errors: { code: string }[];
}

async function post(edge: Edge, body: string): Promise<PostResult> {
  const res = await fetch(`${edge.url}/v1/orchestrator/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  if (res.status !== 200) throw new Error(`payment answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as PostResult;
}

/** Reference: the same rows inserted by libSQL, one transaction of TICKETS rows per payment. */
async function insertReference(dir: string, rows: number): Promise<number> {
  const handle = await openDb(`file:${join(dir, "ref.db")}`);
  const row = (i: number) => ({
    recipient: orchestrator,
    sender,
    faceValue: "1000000",
    winProb: "1",
    senderNonce: String(i),
    recipientRandHash: `0x${(i % 1000).toString(16).padStart(64, "0")}`,
    creationRound: "2",
    creationRoundBlockHash: `0x${"ab".repeat(32)}`,
    seed: `0x${"cd".repeat(32)}`,
    expirationBlock: 1000,
    pricePerUnit: "3",
    pixelsPerUnit: "2",
    sig: `0x${"ef".repeat(65)}`,
    recipientRand: "1",
    ticketHash: `0x${i.toString(16).padStart(64, "0")}`,
    ev: "1000",
    won: false,
    status: "accepted" as const,
    receivedAt: 0,
  });
  const t0 = performance.now();
  for (let i = 0; i < rows; i += TICKETS) {
    await handle.db.transaction(async (tx) => {
      await tx
        .insert(acceptedTickets)
        .values(Array.from({ length: TICKETS }, (_, k) => row(i + k)))
        .onConflictDoNothing();
    });
  }
  const perS = (rows * 1000) / (performance.now() - t0);
  handle.close();
  return perS;
}

const tmp = tempDir("bench-cores-");
const edges: Edge[] = [];
try {
  const dbFile = join(tmp.dir, "edge.db");
  const genesisFile = join(tmp.dir, "genesis.json");
  writeFileSync(genesisFile, JSON.stringify(paymentsGenesis()));
  const configFile = join(tmp.dir, "edge.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      roles: ["orchestrator"],
      database: { url: `file:${dbFile}` },
      // Long blocks and rounds: params signed before the clock starts stay valid through the run.
      ledger: { kind: "devnet", genesisFile, roundSeconds: 3600, blockMs: 60_000 },
      scheduler: { enabled: false },
      orchestrators: [
        {
          privateKey: keyOf(ORCHS[0]!),
          serviceURI: "http://127.0.0.1:1",
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
  const env = { LIVEPEER_CONFIG: configFile };
  // The first edge migrates and writes the genesis alone; the rest open a ready database.
  edges.push(await startEdge(env));
  for (let i = 1; i < EDGES; i++) edges.push(await startEdge(env));

  const runtime = typeof Bun !== "undefined" ? "bun" : `node ${process.version}`;
  console.log(
    `intake on the whole machine (${cpus().length} cores; generator on ${runtime}): ${EDGES} edge processes (bun) on one libSQL file, ${PAYMENTS} payments × ${TICKETS} tickets, ${CONCURRENCY} in flight per edge`,
  );
  const s0 = performance.now();
  const bodies: string[] = [];
  for (let i = 0; i < PAYMENTS; i++) bodies.push(JSON.stringify(await makePayment(edges[i % EDGES]!)));
  console.log(
    `signed ${PAYMENTS * TICKETS} tickets in ${((performance.now() - s0) / 1000).toFixed(1)} s (untimed)`,
  );

  // A short warm-up payment per edge (JIT, key caches, page cache), then the timed run.
  for (const e of edges) await post(e, JSON.stringify(await makePayment(e)));
  const warmTickets = EDGES * TICKETS;

  const cpu0 = edges.map((e) => cpuSeconds(e.proc.pid!));
  const gen0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let accepted = 0;
  const worker = async (edge: Edge) => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      const r = await post(edge, bodies[i]!);
      if (r.accepted !== TICKETS) throw new Error(`${r.accepted}/${TICKETS} accepted: ${r.errors[0]?.code}`);
      accepted += r.accepted;
    }
  };
  await Promise.all(edges.flatMap((e) => Array.from({ length: CONCURRENCY }, () => worker(e))));
  const wallS = (performance.now() - t0) / 1000;
  const edgeCpu = edges.reduce((a, e, i) => a + cpuSeconds(e.proc.pid!) - cpu0[i]!, 0);
  const g = process.cpuUsage(gen0);
  const genCpu = (g.user + g.system) / 1e6;

  // Correctness: every ticket stored once, balance = Σ EV, repeats refused.
  const check = createClient({ url: `file:${dbFile}` });
  const stored = Number(
    (await check.execute("SELECT count(*) AS n FROM accepted_tickets")).rows[0]!.n as number,
  );
  const bal = await check.execute({
    sql: "SELECT balance FROM sender_balances WHERE orchestrator = ? AND sender = ?",
    args: [orchestrator, sender],
  });
  const p0 = JSON.parse(bodies[0]!) as PaymentJson;
  const ev = ticketEV(BigInt(p0.ticketParams.faceValue), BigInt(p0.ticketParams.winProb));
  const total = accepted + warmTickets;
  if (stored !== total) throw new Error(`database holds ${stored} tickets, ${total} were accepted`);
  if (BigInt(String(bal.rows[0]!.balance)) !== BigInt(total) * ev)
    throw new Error(`balance ${bal.rows[0]!.balance} ≠ ${total} × EV ${ev}`);
  check.close();
  const again = await Promise.all(bodies.slice(0, 4).map((b, i) => post(edges[(i + 1) % EDGES]!, b)));
  if (again.some((r) => r.accepted !== 0 || r.errors.some((e) => e.code !== "TICKET_NONCE_REPLAYED")))
    throw new Error("a repeated payment was credited again");

  const refPerS = await insertReference(tmp.dir, PAYMENTS * TICKETS);
  const wallRate = accepted / wallS;
  const perEdgeCpu = accepted / edgeCpu;
  const cores = cpus().length;
  console.log(`\n${"".padEnd(52)} ${"tickets/s".padStart(10)}`);
  console.log(`${"intake, wall clock (whole machine, shared)".padEnd(52)} ${fmt(wallRate)}`);
  console.log(`${"intake per edge CPU second".padEnd(52)} ${fmt(perEdgeCpu)}`);
  console.log(`${`  × ${cores} cores (edges alone on the machine)`.padEnd(52)} ${fmt(perEdgeCpu * cores)}`);
  console.log(`${"reference: libSQL multi-row inserts, one process".padEnd(52)} ${fmt(refPerS)}`);
  console.log(
    `\nratio to the reference: wall ${(wallRate / refPerS).toFixed(2)}×, ${cores}-core capacity ${((perEdgeCpu * cores) / refPerS).toFixed(2)}×; goal ≥ 10,000 tickets/s on 2 cores: ${fmt(perEdgeCpu * 2).trim()}`,
  );
  console.log(
    `CPU: edges ${edgeCpu.toFixed(2)} s (${((edgeCpu * 1e6) / accepted).toFixed(0)} µs a ticket), generator ${genCpu.toFixed(2)} s, over ${wallS.toFixed(2)} s wall; stored ${stored} tickets once, balance = Σ EV, repeats refused`,
  );
} finally {
  for (const e of edges) e.proc.kill("SIGTERM");
  await Promise.all(
    edges.map((e) => new Promise((r) => (e.proc.exitCode !== null ? r(null) : e.proc.on("exit", r)))),
  );
  rmSync(tmp.dir, { recursive: true, force: true });
}
