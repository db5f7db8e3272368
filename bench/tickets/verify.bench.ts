/**
 * Tickets fully validated per second on one core (hash, EIP-191 digest, signature by the sender,
 * win check, replay check against a Set), for every signature path, beside the raw recovery rate
 * of viem / noble, the libsecp256k1 WebAssembly build, and native libsecp256k1 (C harness); then
 * per payment (verifyPayment over a sender's 50 tickets, hex signatures as on the wire), and what
 * each part of a ticket outside the curve costs.
 * Run: `npx bun run bench/index.ts` (also runs it under Node).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { encodePacked, keccak256, recoverMessageAddress, recoverPublicKey } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readEnv } from "../../src/cli/env.ts";
import { loadWasmKeccak } from "../../src/edge/platform/keccak-wasm.ts";
import { loadFfiSecp } from "../../src/edge/platform/secp-ffi.ts";
import { loadNapiSecp } from "../../src/edge/platform/secp-napi.ts";
import {
  bytesToHex,
  createTicketVerifier,
  encodeTicketPacked,
  ethSignedMessageDigest,
  hexToBytesOrNull,
  isWinningTicket,
  libsecp256k1WasmBackend,
  libsecp256k1WasmRawVerify,
  nobleBackend,
  noblePrecomputedBackend,
  nobleRecoverBackend,
  PACKED_NONCE_OFFSET,
  type ParsedSignature,
  parseTicketSignature,
  recipientRandHash,
  recoverPublicKeyNoble,
  type SecpBackend,
  ticketHashBytes,
  uint256ToBytes,
  writeUint256,
} from "../../src/protocol/index.ts";
import { keccak256 as jsKeccak } from "../../src/protocol/keccak.ts";
import type { Address, Hex, Ticket } from "../../src/protocol/types.ts";
import { BENCH_ENV } from "../env.ts";
import { runNativeHarness } from "../native/harness.ts";
import { cpuMs, fmt, rateAsync as rateAsyncOn, rate as rateOn, ratio } from "./measure.ts";

// Per CPU second, like the C reference: rows stay comparable on a shared machine.
const rate: typeof rateOn = (items, op, seconds) => rateOn(items, op, seconds, cpuMs);
const rateAsync: typeof rateAsyncOn = (items, op, seconds) => rateAsyncOn(items, op, seconds, cpuMs);

const SENDERS = 4;
const PER_SENDER = 256;
const { BENCH_SECONDS: SECONDS } = readEnv(BENCH_ENV, process.env);
const runtime =
  typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : `node ${process.version}`;

interface Signed {
  ticket: Ticket;
  sig: Uint8Array;
  sigHex: Hex;
  digest: Uint8Array;
  parsed: ParsedSignature;
  publicKey: Uint8Array;
  recipientRand: bigint;
  /** The contract's win test computed once by the reference function, to check every verdict. */
  wins: boolean;
}

// ---- fixtures: tickets signed with noble directly (faster than viem's async signer) ----
const recipient = "0x1111111111111111111111111111111111111111" as Address;
const signed: Signed[] = [];
for (let s = 0; s < SENDERS; s++) {
  // Each sender gets its own params, hence its own recipientRand (as go-livepeer issues them).
  const rand = 0xfeedn + BigInt(s);
  const rrh = recipientRandHash(rand);
  const secret = uint256ToBytes(BigInt(s + 1) * 0x1234567n);
  const sender = privateKeyToAccount(bytesToHex(secret)).address;
  const publicKey = secp256k1.getPublicKey(secret, false);
  for (let n = 1; n <= PER_SENDER; n++) {
    const ticket: Ticket = {
      recipient,
      sender,
      faceValue: 10n ** 16n,
      winProb: 1n << 250n,
      senderNonce: BigInt(n),
      recipientRandHash: rrh,
      creationRound: 4_000n,
      creationRoundBlockHash: `0x${"ab".repeat(32)}`,
    };
    const digest = ethSignedMessageDigest(ticketHashBytes(ticket));
    const rec = secp256k1.sign(digest, secret, { prehash: false, format: "recovered" });
    const sig = new Uint8Array(65);
    sig.set(rec.subarray(1), 0);
    sig[64] = 27 + rec[0]!;
    const parsed = parseTicketSignature(sig);
    if (typeof parsed === "string") throw new Error(`fixture signature rejected: ${parsed}`);
    const wins = isWinningTicket(sig, rand, ticket.winProb);
    signed.push({
      ticket,
      sig,
      sigHex: bytesToHex(sig),
      digest,
      parsed,
      publicKey,
      recipientRand: rand,
      wins,
    });
  }
}
// Interleave senders so caches see a realistic mix rather than long runs.
signed.sort((a, b) => Number(a.ticket.senderNonce - b.ticket.senderNonce));
// Signatures are deterministic (RFC 6979), so the fixture's winners are fixed: at 2^250 about 1
// in 64 wins. A timed loop may cover only the first few dozen tickets on a loaded machine, so
// each route's win verdicts are checked over one full untimed pass, never left to timing.
const WINNERS = signed.filter((x) => x.wins).length;
if (WINNERS === 0) throw new Error("fixture has no winning ticket at winProb 2^250");

const wasmBytes = readFileSync(resolve(process.cwd(), "node_modules/tiny-secp256k1/lib/secp256k1.wasm"));

// ---- raw secp256k1 rates ----
const raw: Array<[string, number]> = [];
raw.push([
  "viem recoverPublicKey (noble 1.9, pure JS)",
  await rateAsync(
    signed,
    (x) => recoverPublicKey({ hash: bytesToHex(x.digest), signature: x.sigHex }),
    SECONDS,
  ),
]);
raw.push([
  "@noble/curves 2.4 recover",
  rate(signed, (x) => recoverPublicKeyNoble(x.digest, x.parsed), SECONDS),
]);
{
  const nb = nobleBackend();
  const keys = new Map(signed.map((x) => [x.ticket.sender, nb.prepareKey!(x.publicKey)]));
  raw.push([
    "@noble/curves 2.4 verify, cached key (bound to v)",
    rate(signed, (x) => nb.verifyPrepared!(x.digest, x.parsed, keys.get(x.ticket.sender)!), SECONDS),
  ]);
  const nt = noblePrecomputedBackend(8);
  const tkeys = new Map(signed.map((x) => [x.ticket.sender, nt.prepareKey!(x.publicKey)]));
  raw.push([
    "@noble/curves 2.4 verify, cached key + w=8 table",
    rate(signed, (x) => nt.verifyPrepared!(x.digest, x.parsed, tkeys.get(x.ticket.sender)!), SECONDS),
  ]);
}
{
  const wb = libsecp256k1WasmBackend(wasmBytes);
  raw.push([
    "libsecp256k1 wasm (tiny-secp256k1 2.2) recover",
    rate(signed, (x) => wb.recover(x.digest, x.parsed), SECONDS),
  ]);
  const wv = libsecp256k1WasmRawVerify(wasmBytes);
  raw.push([
    "libsecp256k1 wasm verify (unbound, reference)",
    rate(signed, (x) => wv(x.digest, x.parsed.compact, x.publicKey), SECONDS),
  ]);
}
const ffiLoaded = await loadFfiSecp();
const ffi = "backend" in ffiLoaded ? ffiLoaded.backend : null;
if (ffi !== null)
  raw.push([
    "native libsecp256k1 via bun:ffi recover",
    rate(signed, (x) => ffi.recover(x.digest, x.parsed), SECONDS),
  ]);
const napiLoaded = await loadNapiSecp();
const napi = "backend" in napiLoaded ? napiLoaded.backend : null;
if (napi !== null)
  raw.push([
    "native libsecp256k1 via N-API recover (secp256k1 5)",
    rate(signed, (x) => napi.recover(x.digest, x.parsed), SECONDS),
  ]);
const native = runNativeHarness(
  signed.map((x) => ({
    digest: x.digest,
    compact: x.parsed.compact,
    recovery: x.parsed.recovery,
    publicKey: x.publicKey,
  })),
  SECONDS,
);
if (native.ok) {
  raw.push(["native libsecp256k1 0.2 recover (C, gcc -O2)", native.recoverPerS]);
  raw.push(["native libsecp256k1 0.2 verify (C, gcc -O2)", native.verifyPerS]);
}

// ---- keccak256 of the three messages a ticket hashes (232-byte packed ticket, 60, 97 bytes) ----
const keccakRows: Array<[string, number]> = [];
const wasmKeccakLoaded = await loadWasmKeccak();
const wasmKeccak = "keccak" in wasmKeccakLoaded ? wasmKeccakLoaded.keccak : null;
{
  const msgs = [new Uint8Array(232).fill(7), new Uint8Array(60).fill(8), new Uint8Array(97).fill(9)];
  const three = (h: (d: Uint8Array) => unknown) => () => {
    h(msgs[0]!);
    h(msgs[1]!);
    h(msgs[2]!);
  };
  const once = [0];
  keccakRows.push(["portable JS keccak (src/protocol/keccak.ts)", rate(once, three(jsKeccak), SECONDS / 2)]);
  keccakRows.push(["@noble/hashes keccak_256", rate(once, three(keccak_256), SECONDS / 2)]);
  if (wasmKeccak !== null)
    keccakRows.push(["hash-wasm keccak (wasm)", rate(once, three(wasmKeccak), SECONDS / 2)]);
  try {
    // The keccak package's N-API addon (its JS fallback is not measured): Buffers only.
    const create = createRequire(import.meta.url)("keccak/bindings.js") as (alg: string) => {
      update(b: Buffer): { digest(): Buffer };
    };
    const bufs = msgs.map((m) => Buffer.from(m));
    keccakRows.push([
      "keccak addon (N-API, keccak 3)",
      rate(
        once,
        () => {
          for (const b of bufs) create("keccak256").update(b).digest();
        },
        SECONDS / 2,
      ),
    ]);
  } catch (err) {
    console.log(`keccak addon: skipped (${(err as Error).message})`);
  }
}

// ---- full validation: hash, digest, signature, win, replay ----
const full: Array<[string, number]> = [];

function pipeline(name: string, backend: SecpBackend<unknown>, keccak?: (d: Uint8Array) => Uint8Array): void {
  const verifier = createTicketVerifier({ backend, ...(keccak ? { keccak } : {}) });
  let winners = 0;
  for (const x of signed) {
    const v = verifier.verify(x.ticket, x.sig, x.recipientRand);
    if (!v.ok) throw new Error(`${name}: valid ticket rejected (${v.reason})`);
    if (v.winning) winners++;
  }
  if (winners !== WINNERS) throw new Error(`${name}: ${winners} winners, expected ${WINNERS}`);
  const seen = new Set<string>();
  const r = rate(
    signed,
    (x, i) => {
      if (i === 0) seen.clear(); // each pass replays the same tickets: start a fresh replay set
      const v = verifier.verify(x.ticket, x.sig, x.recipientRand);
      if (!v.ok) throw new Error(`${name}: valid ticket rejected (${v.reason})`);
      const key = `${x.ticket.recipientRandHash}:${x.ticket.senderNonce}`;
      if (seen.has(key)) throw new Error("replay set saw a duplicate within one pass");
      seen.add(key);
      if (v.winning !== x.wins) throw new Error(`${name}: win verdict differs from isWinningTicket`);
    },
    SECONDS,
  );
  full.push([name, r]);
}

/** Payments of PAYMENT_TICKETS tickets of one sender (the fixture's senders each have their params). */
const PAYMENT_TICKETS = 50;
const payments: Array<{ shared: Omit<Ticket, "senderNonce">; items: Signed[] }> = [];
for (const sender of new Set(signed.map((x) => x.ticket.sender))) {
  const mine = signed.filter((x) => x.ticket.sender === sender);
  for (let i = 0; i < mine.length; i += PAYMENT_TICKETS) {
    const { senderNonce: _, ...shared } = mine[i]!.ticket;
    payments.push({ shared, items: mine.slice(i, i + PAYMENT_TICKETS) });
  }
}
const paymentTickets = payments.map((p) =>
  p.items.map((x) => ({ senderNonce: x.ticket.senderNonce, sig: x.sigHex })),
);

/** As pipeline, through verifyPayment: one payment's tickets at a time, hex signatures as on the wire. */
function paymentPipeline(
  name: string,
  backend: SecpBackend<unknown>,
  keccak?: (d: Uint8Array) => Uint8Array,
): void {
  const verifier = createTicketVerifier({ backend, ...(keccak ? { keccak } : {}) });
  const seen = new Set<string>();
  let winners = 0;
  const check = (k: number, countWins: boolean) => {
    const p = payments[k]!;
    const verdicts = verifier.verifyPayment(p.shared, paymentTickets[k]!, p.items[0]!.recipientRand);
    for (let i = 0; i < verdicts.length; i++) {
      const v = verdicts[i]!;
      const x = p.items[i]!;
      if (!v.ok) throw new Error(`${name}: valid ticket rejected (${v.reason})`);
      if (v.winning !== x.wins) throw new Error(`${name}: win verdict differs from isWinningTicket`);
      if (countWins && v.winning) winners++;
      const key = `${x.ticket.recipientRandHash}:${x.ticket.senderNonce}`;
      if (seen.has(key)) throw new Error("replay set saw a duplicate within one pass");
      seen.add(key);
    }
  };
  for (let k = 0; k < payments.length; k++) check(k, true);
  if (winners !== WINNERS) throw new Error(`${name}: ${winners} winners, expected ${WINNERS}`);
  const indices = payments.map((_, k) => k);
  const r = rate(
    indices,
    (k) => {
      if (k === 0) seen.clear();
      check(k, false);
    },
    SECONDS,
  );
  full.push([`${name}, per payment`, (r * signed.length) / payments.length]);
}

{
  // The straightforward viem path: encodePacked + keccak256, recoverMessageAddress, win, replay.
  const seen = new Set<string>();
  const r = await rateAsync(
    signed,
    async (x, i) => {
      if (i === 0) seen.clear();
      const t = x.ticket;
      const aux = encodePacked(["uint256", "bytes32"], [t.creationRound, t.creationRoundBlockHash]);
      const hash = keccak256(
        encodePacked(
          ["address", "address", "uint256", "uint256", "uint256", "bytes32", "bytes"],
          [t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, aux],
        ),
      );
      const signer = await recoverMessageAddress({ message: { raw: hash }, signature: x.sigHex });
      if (signer !== t.sender) throw new Error("viem path: signer mismatch");
      isWinningTicket(x.sigHex, x.recipientRand, t.winProb);
      const key = `${t.recipientRandHash}:${t.senderNonce}`;
      if (seen.has(key)) throw new Error("duplicate");
      seen.add(key);
    },
    SECONDS,
  );
  full.push(["viem: encodePacked + recoverMessageAddress", r]);
}
pipeline("verifier, noble recover every ticket", nobleRecoverBackend() as SecpBackend<unknown>);
pipeline("verifier, noble cached-key verify (portable)", nobleBackend() as SecpBackend<unknown>);
pipeline("verifier, noble cached key + w=8 table", noblePrecomputedBackend(8) as SecpBackend<unknown>);
pipeline("verifier, libsecp256k1 wasm recover", libsecp256k1WasmBackend(wasmBytes) as SecpBackend<unknown>);
if (wasmKeccak !== null)
  pipeline(
    "verifier, libsecp256k1 wasm + wasm keccak",
    libsecp256k1WasmBackend(wasmBytes) as SecpBackend<unknown>,
    wasmKeccak,
  );
if (ffi !== null) pipeline("verifier, native via bun:ffi, JS keccak", ffi as SecpBackend<unknown>);
if (ffi !== null && wasmKeccak !== null)
  pipeline("verifier, native via bun:ffi + wasm keccak", ffi as SecpBackend<unknown>, wasmKeccak);
if (napi !== null) pipeline("verifier, native via N-API, JS keccak", napi as SecpBackend<unknown>);
if (napi !== null && wasmKeccak !== null)
  pipeline("verifier, native via N-API + wasm keccak", napi as SecpBackend<unknown>, wasmKeccak);
if (ffi !== null && wasmKeccak !== null)
  paymentPipeline("verifier, native via bun:ffi + wasm keccak", ffi as SecpBackend<unknown>, wasmKeccak);
if (napi !== null && wasmKeccak !== null)
  paymentPipeline("verifier, native via N-API + wasm keccak", napi as SecpBackend<unknown>, wasmKeccak);
paymentPipeline("verifier, noble cached key + w=8 table", noblePrecomputedBackend(8) as SecpBackend<unknown>);

// ---- what a ticket costs outside the curve: each part alone, and the verifier with the curve taken out ----
const parts: Array<[string, number]> = [];
{
  const x0 = signed[0]!;
  const packed = encodeTicketPacked(x0.ticket);
  const hashK = wasmKeccak ?? jsKeccak;
  const prefixed = new Uint8Array(60);
  const winBuf = new Uint8Array(97);
  parts.push([
    "packed ticket encoding (all fields)",
    rate(signed, (x) => encodeTicketPacked(x.ticket), SECONDS / 2),
  ]);
  parts.push([
    "nonce into the payment's encoding",
    rate(signed, (x) => writeUint256(packed, PACKED_NONCE_OFFSET, x.ticket.senderNonce), SECONDS / 2),
  ]);
  parts.push(["keccak of the packed ticket (232 B)", rate(signed, () => hashK(packed), SECONDS / 2)]);
  parts.push(["keccak of the EIP-191 preimage (60 B)", rate(signed, () => hashK(prefixed), SECONDS / 2)]);
  parts.push(["keccak of sig ‖ recipientRand (97 B)", rate(signed, () => hashK(winBuf), SECONDS / 2)]);
  parts.push([
    "hex signature to bytes (130 chars)",
    rate(signed, (x) => hexToBytesOrNull(x.sigHex), SECONDS / 2),
  ]);
  parts.push([
    "signature shape checks (v, r/s range, low s)",
    rate(signed, (x) => parseTicketSignature(x.sig), SECONDS / 2),
  ]);
  parts.push(["ticket hash to hex (the stored key)", rate(signed, (x) => bytesToHex(x.digest), SECONDS / 2)]);
  const seen = new Set<string>();
  parts.push([
    "replay key into a Set",
    rate(
      signed,
      (x, i) => {
        if (i === 0) seen.clear();
        seen.add(`${x.ticket.recipientRandHash}:${x.ticket.senderNonce}`);
      },
      SECONDS / 2,
    ),
  ]);
  // The verifier over a backend whose cached-key check is free: what the verifier adds to the curve.
  const real = ffi ?? napi ?? (libsecp256k1WasmBackend(wasmBytes) as SecpBackend<Uint8Array>);
  const noCurve: SecpBackend<Uint8Array> = {
    name: "no curve",
    recover: (d, s) => real.recover(d, s),
    prepareKey: (pub) => pub,
    verifyPrepared: () => true,
  };
  const v = createTicketVerifier({ backend: noCurve, ...(wasmKeccak ? { keccak: wasmKeccak } : {}) });
  const idx = payments.map((_, k) => k);
  const perPayment = rate(
    idx,
    (k) => v.verifyPayment(payments[k]!.shared, paymentTickets[k]!, payments[k]!.items[0]!.recipientRand),
    SECONDS,
  );
  parts.push([
    "verifyPayment without the curve (all of the above)",
    (perPayment * signed.length) / payments.length,
  ]);
  parts.push([
    "verify() one ticket without the curve",
    rate(signed, (x) => v.verify(x.ticket, x.sigHex, x.recipientRand), SECONDS),
  ]);
}

// ---- report ----
const viemRaw = raw[0]![1];
const nativeRecover = native.ok ? native.recoverPerS : Number.NaN;
const W = 52;
console.log(
  `\nbench/tickets on ${runtime}, one core, ${signed.length} tickets from ${SENDERS} senders, ~${SECONDS} CPU s per row (rates per CPU second)`,
);
console.log(`\nraw secp256k1 ${"".padEnd(W - 14)}       ops/s   vs viem  vs native recover`);
for (const [name, r] of raw) {
  console.log(
    `  ${name.padEnd(W)}${fmt(r)}  ${ratio(r, viemRaw)}  ${native.ok ? ratio(r, nativeRecover) : "     n/a"}`,
  );
}
if (!native.ok) console.log(`  native libsecp256k1: skipped (${native.why})`);
console.log(`\nkeccak256 × 3 (232 + 60 + 97 bytes) ${"".padEnd(W - 35)}   tickets/s   vs portable JS`);
for (const [name, r] of keccakRows)
  console.log(`  ${name.padEnd(W)}${fmt(r)}  ${ratio(r, keccakRows[0]![1])}`);
console.log(`\ntickets fully validated ${"".padEnd(W - 24)}   tickets/s   vs viem  vs native recover`);
for (const [name, r] of full) {
  console.log(
    `  ${name.padEnd(W)}${fmt(r)}  ${ratio(r, viemRaw)}  ${native.ok ? ratio(r, nativeRecover) : "     n/a"}`,
  );
}
console.log(
  "\n  'vs viem' divides by viem's raw recovery rate above; 'vs native recover' by the C harness's recovery rate.",
);
console.log(
  `\nper ticket outside the curve (${wasmKeccak ? "wasm" : "JS"} keccak) ${"".padEnd(W - 38)}      ops/s     µs each`,
);
for (const [name, r] of parts)
  console.log(`  ${name.padEnd(W)}${fmt(r)}  ${(1e6 / r).toFixed(2).padStart(8)}`);
