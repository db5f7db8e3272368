/**
 * Tickets fully validated per second on one core (hash, EIP-191 digest, signature by the sender,
 * win check, replay check against a Set), for every signature path, beside the raw recovery rate
 * of viem / noble, the libsecp256k1 WebAssembly build, and native libsecp256k1 (C harness).
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
  ethSignedMessageDigest,
  isWinningTicket,
  libsecp256k1WasmBackend,
  libsecp256k1WasmRawVerify,
  nobleBackend,
  noblePrecomputedBackend,
  nobleRecoverBackend,
  type ParsedSignature,
  parseTicketSignature,
  recipientRandHash,
  recoverPublicKeyNoble,
  type SecpBackend,
  ticketHashBytes,
  uint256ToBytes,
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
