/**
 * Tickets accepted per second through the edge's real payment intake (acceptPayment: params and
 * sender checks on a devnet, signatures, win check, then one libSQL write transaction storing the
 * tickets, queueing winners and crediting the balance) on a temp database file, in payments of
 * TICKETS tickets, for each ticket verifier the intake can be given. Beside each: that verifier's
 * raw rate (verify() alone over the same tickets), measured in the same run; ratios are against
 * viem's secp256k1 recovering every ticket (the plain path).
 * Run: `npx bun run bench/index.ts payments` (Bun, then Node).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { readEnv } from "../../src/cli/env.ts";
import { buildDeps } from "../../src/edge/bootstrap.ts";
import { parseConfig } from "../../src/edge/config.ts";
import { openDb } from "../../src/edge/db/client.ts";
import { createDevnet } from "../../src/edge/ledger/devnet.ts";
import { createLogger } from "../../src/edge/logger.ts";
import { readSecpWasm } from "../../src/edge/platform/secp-wasm.ts";
import { acceptPayment } from "../../src/edge/services/tickets/accept.ts";
import { findHosted } from "../../src/edge/services/tickets/hosted.ts";
import { buildOrchestratorInfo } from "../../src/edge/services/tickets/info.ts";
import { recipientRandFor } from "../../src/edge/services/tickets/rand.ts";
import { createIntakeVerifier } from "../../src/edge/services/tickets/verifier.ts";
import { bytesToHex, hexToBytesOrNull } from "../../src/protocol/bytes.ts";
import { ethSignedMessageDigest, type ParsedSignature } from "../../src/protocol/signature.ts";
import { ticketHashBytes } from "../../src/protocol/ticket.ts";
import type { Hex, Ticket } from "../../src/protocol/types.ts";
import { createTicketVerifier, type SecpBackend, type TicketVerifier } from "../../src/protocol/verifier.ts";
import { nobleBackend, noblePrecomputedBackend } from "../../src/protocol/verifier-noble.ts";
import { type Payment, priceFromJson, ticketParamsFromJson } from "../../src/wire/payment.ts";
import { addressOf, GATEWAY, keyOf, ORCHS, paymentsGenesis } from "../../test/helpers/payments.ts";
import { BENCH_ENV } from "../env.ts";
import { fmt, rate, ratio } from "../tickets/measure.ts";

const {
  BENCH_TICKETS: TICKETS,
  BENCH_PAYMENTS: PAYMENTS,
  BENCH_SECONDS: SECONDS,
} = readEnv(BENCH_ENV, process.env);
const runtime =
  typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : `node ${process.version}`;

// The secp256k1 viem's recoverPublicKey runs (viem's own @noble/curves 1.9), loaded from viem's
// folder at run time (not bundled) so it resolves its own dependencies on Node as on Bun.
const viemSecp = (
  (await import(
    new URL("./node_modules/@noble/curves/esm/secp256k1.js", import.meta.resolve("viem/package.json")).href
  )) as typeof import("../../node_modules/viem/node_modules/@noble/curves/esm/secp256k1.js")
).secp256k1;

/** viem's plain path: recover the signer of every ticket with viem's pure-JS secp256k1. */
function viemRecoverBackend(): SecpBackend<never> {
  return {
    name: "viem secp256k1 (noble 1.9) recover every ticket",
    recover(digest: Uint8Array, sig: ParsedSignature) {
      try {
        return new viemSecp.Signature(sig.r, sig.s)
          .addRecoveryBit(sig.recovery)
          .recoverPublicKey(digest)
          .toRawBytes(false);
      } catch {
        return null;
      }
    },
  };
}

// ---- a devnet on a temp file, and an edge hosting ORCHS[0] built by the real bootstrap ----
const dir = mkdtempSync(join(tmpdir(), "bench-intake-"));
const dbUrl = `file:${join(dir, "edge.db")}`;
const clock = { now: () => 1_700_000_000_000 };
const handle = await openDb(dbUrl);
const devnet = await createDevnet({ url: dbUrl, handle, genesis: paymentsGenesis(), clock });
const config = parseConfig({
  database: { url: dbUrl },
  ledger: { kind: "devnet", roundSeconds: 0 },
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
  gateway: {},
});
const deps = await buildDeps(config, {
  ledger: devnet,
  dbHandle: handle,
  clock,
  logger: createLogger({ level: "silent" }),
});
const wasm = await readSecpWasm();
if (!wasm) throw new Error("tiny-secp256k1's secp256k1.wasm not found in node_modules");

const sender = addressOf(GATEWAY);
const senderKey = hexToBytesOrNull(keyOf(GATEWAY))!;
const orchestrator = addressOf(ORCHS[0]!);

interface Signed {
  ticket: Ticket;
  sig: Hex;
  rand: bigint;
}

/** PAYMENTS payments of TICKETS tickets, each on fresh params (fresh recipientRandHash). */
async function makePayments(): Promise<{ payments: Payment[]; tickets: Signed[] }> {
  const payments: Payment[] = [];
  const tickets: Signed[] = [];
  for (let k = 0; k < PAYMENTS; k++) {
    const info = await buildOrchestratorInfo(deps, { sender, orchestrator });
    const params = ticketParamsFromJson(info.ticketParams);
    const creationRound = BigInt(info.expirationParams.creationRound);
    const creationRoundBlockHash = info.expirationParams.creationRoundBlockHash.toLowerCase() as Hex;
    const payment: Payment = {
      sender,
      ticketParams: params,
      expirationParams: { creationRound, creationRoundBlockHash },
      expectedPrice: priceFromJson(info.priceInfo),
      tickets: [],
    };
    const rand = recipientRandFor(findHosted(deps, params.recipient)!, sender, params, payment.expectedPrice);
    for (let n = 1n; n <= BigInt(TICKETS); n++) {
      const ticket: Ticket = {
        recipient: params.recipient,
        sender,
        faceValue: params.faceValue,
        winProb: params.winProb,
        senderNonce: n,
        recipientRandHash: params.recipientRandHash,
        creationRound,
        creationRoundBlockHash,
      };
      // Signed with noble directly: the same bytes as signTicket, much faster to prepare.
      const rec = secp256k1.sign(ethSignedMessageDigest(ticketHashBytes(ticket)), senderKey, {
        prehash: false,
        format: "recovered",
      });
      const sig = new Uint8Array(65);
      sig.set(rec.subarray(1), 0);
      sig[64] = 27 + rec[0]!;
      const hex = bytesToHex(sig) as Hex;
      payment.tickets.push({ senderNonce: n, sig: hex });
      tickets.push({ ticket, sig: hex, rand });
    }
    payments.push(payment);
  }
  return { payments, tickets };
}

interface Row {
  name: string;
  intake: number;
  raw: number;
}

async function measure(name: string, verifier: TicketVerifier): Promise<Row> {
  const { payments, tickets } = await makePayments();
  // Raw: the verifier alone (hash, signature, win check) over the same valid tickets.
  const raw = rate(
    tickets,
    (t) => {
      if (!verifier.verify(t.ticket, t.sig, t.rand).ok) throw new Error(`${name}: valid ticket rejected`);
    },
    SECONDS,
  );
  verifier.clear(); // the intake starts cold, as after a restart
  const withVerifier = { ...deps, ticketVerifier: verifier };
  const t0 = performance.now();
  let accepted = 0;
  for (const p of payments) {
    const r = await acceptPayment(withVerifier, p);
    if (r.accepted !== TICKETS)
      throw new Error(`${name}: ${r.accepted}/${TICKETS} accepted (${r.errors[0]?.code})`);
    accepted += r.accepted;
  }
  const intake = (accepted * 1000) / (performance.now() - t0);
  return { name, intake, raw };
}

try {
  const rows: Row[] = [];
  // One untimed pass first so the database pages and the JIT are warm for every variant alike.
  await measure("warm-up", createTicketVerifier({ backend: nobleBackend() }));
  rows.push(
    await measure(
      "viem secp256k1, recover every ticket (plain)",
      createTicketVerifier({ backend: viemRecoverBackend() }),
    ),
  );
  rows.push(
    await measure(
      "noble cached-key verify (previous intake)",
      createTicketVerifier({ backend: nobleBackend() }),
    ),
  );
  rows.push(
    await measure(
      "noble cached key + w=8 table (fallback)",
      createTicketVerifier({ backend: noblePrecomputedBackend(8) }),
    ),
  );
  rows.push(await measure("libsecp256k1 wasm + key cache (injected)", createIntakeVerifier({ wasm })));
  rows.push(await measure("as bootstrap builds it", deps.ticketVerifier!));

  const base = rows[0]!;
  console.log(
    `\npayment intake (${runtime}): ${PAYMENTS} payments × ${TICKETS} tickets per row, 1 sender, devnet on a libSQL file`,
  );
  console.log(`bootstrap chose: ${deps.ticketVerifier?.backend}`);
  console.log(
    `${"verifier".padEnd(46)} ${"intake/s".padStart(10)} ${"vs plain".padStart(8)} ${"raw/s".padStart(10)} ${"vs plain".padStart(8)} ${"µs/ticket not sig".padStart(18)}`,
  );
  for (const r of rows) {
    // What the intake spends per ticket beyond the signature check (params, ledger, DB write).
    const rest = (1 / r.intake - 1 / r.raw) * 1e6;
    console.log(
      `${r.name.padEnd(46)} ${fmt(r.intake)} ${ratio(r.intake, base.intake)} ${fmt(r.raw)} ${ratio(r.raw, base.raw)} ${rest.toFixed(0).padStart(18)}`,
    );
  }
  const wasmRow = rows[3]!;
  console.log(
    `\nwasm intake vs plain: ${ratio(wasmRow.intake, base.intake).trim()} (raw verifier ${ratio(wasmRow.raw, base.raw).trim()}); wasm intake is ${((wasmRow.intake / wasmRow.raw) * 100).toFixed(0)}% of its raw verifier rate`,
  );
} finally {
  await deps.close();
  await devnet.close();
  handle.close();
  rmSync(dir, { recursive: true, force: true });
}
