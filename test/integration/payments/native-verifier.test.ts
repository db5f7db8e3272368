// Native libsecp256k1 (bun:ffi, and the secp256k1 package's N-API addon) and the wasm keccak as the
// intake's verifier: bit-exact with the other backends and with viem's ecrecover (high-s refused)
// on random and adversarial signatures.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { recoverMessageAddress } from "viem";
import { buildDeps } from "../../../src/edge/bootstrap.ts";
import { parseConfig } from "../../../src/edge/config.ts";
import { loadWasmKeccak } from "../../../src/edge/platform/keccak-wasm.ts";
import { FFI_BACKEND_NAME, loadFfiSecp } from "../../../src/edge/platform/secp-ffi.ts";
import { loadNapiSecp, NAPI_BACKEND_NAME } from "../../../src/edge/platform/secp-napi.ts";
import { readSecpWasm } from "../../../src/edge/platform/secp-wasm.ts";
import { createIntakeVerifier } from "../../../src/edge/services/tickets/verifier.ts";
import {
  createTicketVerifier,
  isWinningTicket,
  libsecp256k1WasmBackend,
  nobleRecoverBackend,
  parseTicketSignature,
  recoverTicketSigner,
  SECP256K1_N,
  signTicket,
  type TicketVerdict,
  ticketHash,
  ticketHashBytes,
} from "../../../src/protocol/index.ts";
import { keccak256 } from "../../../src/protocol/keccak.ts";
import type { Hex, Ticket } from "../../../src/protocol/types.ts";
import { seededAccount } from "../../helpers/keys.ts";
import { sampleTicket } from "../../unit/protocol/fixtures.ts";

const loaded = await loadFfiSecp();
const napiLoaded = await loadNapiSecp();
const keccakLoaded = await loadWasmKeccak();
const wasm = (await readSecpWasm())!;
const skip = "backend" in loaded ? undefined : loaded.why;
const title = (t: string) => (skip ? `${t} (skipped: ${skip}; apt-get install libsecp256k1-dev)` : t);

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;
const bytes = (h: Hex) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
const u256 = (v: bigint) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, "0"), "hex"));

/** Ways to spoil a valid signature, including the ones a cached-key shortcut could miss. */
const MUTATIONS = [
  "none",
  "flip-v",
  "high-s-twin",
  "random-r",
  "random-s",
  "zero-r",
  "s-equals-n",
  "r-above-n",
  "v-byte",
  "other-signer",
  "other-ticket",
] as const;

function mutate(sig: Uint8Array, how: (typeof MUTATIONS)[number], rnd: bigint, vByte: number): Uint8Array {
  const b = new Uint8Array(sig);
  const s = BigInt(hex(b.subarray(32, 64)));
  switch (how) {
    case "flip-v":
      b[64] = b[64] === 27 ? 28 : 27;
      break;
    case "high-s-twin":
      b.set(u256(SECP256K1_N - s), 32);
      b[64] = b[64] === 27 ? 28 : 27;
      break;
    case "random-r":
      b.set(u256((rnd % (SECP256K1_N - 1n)) + 1n), 0);
      break;
    case "random-s":
      b.set(u256((rnd % (SECP256K1_N / 2n)) + 1n), 32);
      break;
    case "zero-r":
      b.fill(0, 0, 32);
      break;
    case "s-equals-n":
      b.set(u256(SECP256K1_N), 32);
      break;
    case "r-above-n":
      b.set(u256(SECP256K1_N + (rnd % 1000n)), 0);
      break;
    case "v-byte":
      b[64] = vByte;
      break;
    default:
      break;
  }
  return b;
}

/**
 * viem's plain ecrecover verdict, with the protocol's rules on top: low s, and v 27 or 28 (viem
 * also reads 0 and 1 as a y parity; the protocol's signatures never carry them).
 */
async function viemAccepts(t: Ticket, sig: Uint8Array): Promise<boolean> {
  if (BigInt(hex(sig.subarray(32, 64))) > SECP256K1_N / 2n) return false;
  if (sig[64] !== 27 && sig[64] !== 28) return false;
  try {
    const signer = await recoverMessageAddress({ message: { raw: ticketHash(t) }, signature: hex(sig) });
    return signer.toLowerCase() === t.sender.toLowerCase();
  } catch {
    return false;
  }
}

describe("native libsecp256k1 (N-API addon) and wasm keccak ticket verifier", () => {
  test("the addon and hash-wasm load here (their prebuilt binaries ship in the packages)", () => {
    // Not skipped: both ship for linux-x64 in node_modules, so a failure here is a regression.
    expect("backend" in napiLoaded ? napiLoaded.backend.name : napiLoaded.why).toBe(NAPI_BACKEND_NAME);
    expect("keccak" in keccakLoaded ? "loaded" : keccakLoaded.why).toBe("loaded");
  });

  test("same verdicts as noble recovery and viem, cold and with the key cached, on adversarial signatures", async () => {
    const napi = (napiLoaded as Extract<typeof napiLoaded, { backend: unknown }>).backend;
    const keccak = (keccakLoaded as Extract<typeof keccakLoaded, { keccak: unknown }>).keccak;
    const other = seededAccount(0xbadn);
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.constantFrom(...MUTATIONS),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        fc.integer({ min: 0, max: 255 }),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        async (key, nonce, how, rnd, vByte, recipientRand) => {
          const signer = seededAccount(key);
          // Any winProb, so the injected keccak's win verdicts are compared both ways.
          const t = sampleTicket(signer.address, { senderNonce: nonce, winProb: rnd });
          const signedBy = how === "other-signer" ? other : signer;
          const signedFor = how === "other-ticket" ? { ...t, senderNonce: nonce + 1n } : t;
          const sig = mutate(bytes(await signTicket(signedBy, signedFor)), how, rnd, vByte);
          const reference = createTicketVerifier({ backend: nobleRecoverBackend() });
          const cold = createTicketVerifier({ backend: napi, keccak });
          const coldJsKeccak = createTicketVerifier({ backend: napi });
          const warm = createTicketVerifier({ backend: napi, keccak });
          const first = sampleTicket(signer.address, { senderNonce: nonce + 7n });
          expect(warm.verify(first, await signTicket(signer, first), recipientRand).ok).toBe(true);
          const want = reference.verify(t, sig, recipientRand);
          expect(cold.verify(t, sig, recipientRand)).toEqual(want);
          expect(coldJsKeccak.verify(t, sig, recipientRand)).toEqual(want);
          const warmWant =
            !want.ok && want.reason === "SIG_RECOVERY"
              ? ({ ok: false, reason: "SIGNER_MISMATCH" } as const)
              : want;
          expect(warm.verify(t, sig, recipientRand)).toEqual(warmWant);
          expect(want.ok).toBe(await viemAccepts(t, sig));
          if (want.ok) expect(want.winning).toBe(isWinningTicket(sig, recipientRand, t.winProb));
          if (how === "none") expect(want.ok).toBe(true);
        },
      ),
      { numRuns: 120, seed: Number(process.env.FUZZ_SEED ?? 20_261_203) },
    );
  });

  test("verifyPayment and verify give each ticket of a payment the verdict of the one-ticket protocol functions, on every backend", async () => {
    const napi = (napiLoaded as Extract<typeof napiLoaded, { backend: unknown }>).backend;
    const keccak = (keccakLoaded as Extract<typeof keccakLoaded, { keccak: unknown }>).keccak;
    const ffi = "backend" in loaded ? [loaded.backend] : [];
    const other = seededAccount(0xbadn);
    // Whether the backend keeps the sender's key (then an unrecoverable signature after a valid
    // one reads SIGNER_MISMATCH, as the cached-key tests above say).
    const makers = [
      { caches: true, make: () => createTicketVerifier({ backend: napi, keccak }) },
      { caches: true, make: () => createTicketVerifier({ backend: napi }) },
      { caches: false, make: () => createTicketVerifier({ backend: nobleRecoverBackend() }) },
      { caches: true, make: () => createTicketVerifier({ backend: libsecp256k1WasmBackend(wasm), keccak }) },
      ...ffi.map((backend) => ({ caches: true, make: () => createTicketVerifier({ backend, keccak }) })),
    ];
    /** The verdict from the protocol's one-ticket functions, independent of the verifier's code. */
    const expected = (
      ticket: Ticket,
      sig: Hex | Uint8Array,
      rand: bigint,
      cached: boolean,
    ): TicketVerdict => {
      const parsed = parseTicketSignature(sig);
      if (typeof parsed === "string") return { ok: false, reason: parsed };
      let hash: Uint8Array;
      try {
        hash = ticketHashBytes(ticket);
      } catch {
        return { ok: false, reason: "TICKET_MALFORMED" };
      }
      const rec = recoverTicketSigner(ticket, sig);
      if (!rec.ok) return { ok: false, reason: cached ? "SIGNER_MISMATCH" : rec.reason };
      if (rec.signer !== ticket.sender.toLowerCase()) return { ok: false, reason: "SIGNER_MISMATCH" };
      return { ok: true, hash, winning: isWinningTicket(sig, rand, ticket.winProb) };
    };
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }),
        fc.array(
          fc.record({
            nonce: fc.oneof(
              fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
              fc.constantFrom(-1n, 1n << 256n, (1n << 256n) - 1n),
            ),
            how: fc.constantFrom(...MUTATIONS),
            rnd: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
            vByte: fc.integer({ min: 0, max: 255 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        fc.constantFrom("ok", "bad-recipient-hex"),
        async (key, items, recipientRand, field) => {
          const signer = seededAccount(key);
          const base = sampleTicket(signer.address, { winProb: recipientRand ^ (1n << 255n) });
          const { senderNonce: _, ...shared } = {
            ...base,
            ...(field === "bad-recipient-hex" ? { recipient: "0xzz" as Hex } : {}),
          };
          const tickets = [];
          for (const it of items) {
            const t = { ...base, senderNonce: it.nonce < 0n || it.nonce >> 256n ? 1n : it.nonce };
            const signedBy = it.how === "other-signer" ? other : signer;
            const signedFor = it.how === "other-ticket" ? { ...t, senderNonce: t.senderNonce ^ 1n } : t;
            const sig = mutate(bytes(await signTicket(signedBy, signedFor)), it.how, it.rnd, it.vByte);
            tickets.push({ senderNonce: it.nonce, sig: it.rnd & 1n ? hex(sig) : sig });
          }
          for (const { caches, make } of makers) {
            let cached = false;
            const want = tickets.map((t) => {
              const v = expected({ ...shared, senderNonce: t.senderNonce }, t.sig, recipientRand, cached);
              cached ||= caches && v.ok;
              return v;
            });
            expect(make().verifyPayment(shared, tickets, recipientRand)).toEqual(want);
            const one = make();
            const each = tickets.map((t) =>
              one.verify({ ...shared, senderNonce: t.senderNonce }, t.sig, recipientRand),
            );
            expect(each).toEqual(want);
          }
        },
      ),
      { numRuns: 60, seed: Number(process.env.FUZZ_SEED ?? 20_261_203) },
    );
  });

  test("hash-wasm's keccak equals the portable one on random lengths", () => {
    const keccak = (keccakLoaded as Extract<typeof keccakLoaded, { keccak: unknown }>).keccak;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (data) => {
        expect(hex(keccak(data))).toBe(hex(keccak256(data)));
      }),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20_261_203) },
    );
  });
});

describe("native libsecp256k1 (bun:ffi) ticket verifier", () => {
  test.skipIf(skip !== undefined)(
    title(
      "same verdicts as noble recovery and viem, cold and with the key cached, on adversarial signatures",
    ),
    async () => {
      const native = (loaded as Extract<typeof loaded, { backend: unknown }>).backend;
      expect(native.name).toBe(FFI_BACKEND_NAME);
      const other = seededAccount(0xbadn);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }),
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.constantFrom(...MUTATIONS),
          fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
          fc.integer({ min: 0, max: 255 }),
          async (key, nonce, how, rnd, vByte) => {
            const signer = seededAccount(key);
            const t = sampleTicket(signer.address, { senderNonce: nonce });
            const signedBy = how === "other-signer" ? other : signer;
            const signedFor = how === "other-ticket" ? { ...t, senderNonce: nonce + 1n } : t;
            const sig = mutate(bytes(await signTicket(signedBy, signedFor)), how, rnd, vByte);
            const reference = createTicketVerifier({ backend: nobleRecoverBackend() });
            const cold = createTicketVerifier({ backend: native });
            const warm = createTicketVerifier({ backend: native });
            const wasmWarm = createTicketVerifier({ backend: libsecp256k1WasmBackend(wasm) });
            // Warm: the sender's key is cached by a valid ticket first, so the cached path decides.
            const first = sampleTicket(signer.address, { senderNonce: nonce + 7n });
            expect(warm.verify(first, await signTicket(signer, first), 5n).ok).toBe(true);
            expect(wasmWarm.verify(first, await signTicket(signer, first), 5n).ok).toBe(true);
            const want = reference.verify(t, sig, 5n);
            expect(cold.verify(t, sig, 5n)).toEqual(want);
            // With a cached key every backend only learns "not this sender's": an unrecoverable
            // signature then reads SIGNER_MISMATCH, as with the wasm backend.
            const warmWant =
              !want.ok && want.reason === "SIG_RECOVERY"
                ? ({ ok: false, reason: "SIGNER_MISMATCH" } as const)
                : want;
            expect(warm.verify(t, sig, 5n)).toEqual(warmWant);
            expect(wasmWarm.verify(t, sig, 5n)).toEqual(warmWant);
            expect(want.ok).toBe(await viemAccepts(t, sig));
            if (how === "none") expect(want.ok).toBe(true);
          },
        ),
        // A fixed seed, as in the fuzz suite (FUZZ_SEED explores others; a failure prints its seed).
        { numRuns: 120, seed: Number(process.env.FUZZ_SEED ?? 20_261_202) },
      );
    },
  );

  test.skipIf(skip !== undefined)(
    title("the intake prefers it: createIntakeVerifier and the edge's bootstrap on Bun"),
    async () => {
      const native = (loaded as Extract<typeof loaded, { backend: unknown }>).backend;
      expect(createIntakeVerifier({ native }).backend).toBe(FFI_BACKEND_NAME);
      // On Bun the edge takes bun:ffi first (faster there), the N-API addon where it cannot load.
      const deps = await buildDeps(
        parseConfig({
          database: { url: ":memory:" },
          ledger: { kind: "devnet", roundSeconds: 0 },
          scheduler: { enabled: false },
        }),
        { logLevel: "silent" },
      );
      try {
        expect(deps.ticketVerifier?.backend).toBe(FFI_BACKEND_NAME);
      } finally {
        await deps.close();
      }
      const off = await buildDeps(
        parseConfig({ database: { url: ":memory:" }, ledger: { kind: "devnet", roundSeconds: 0 } }),
        { logLevel: "silent", secpNative: null },
      );
      try {
        expect(off.ticketVerifier?.backend).toBe("libsecp256k1 wasm (tiny-secp256k1)");
      } finally {
        await off.close();
      }
    },
  );
});
