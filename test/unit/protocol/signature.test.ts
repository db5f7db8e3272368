import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { recoverMessageAddress } from "viem";
import {
  createTicketVerifier,
  libsecp256k1WasmBackend,
  nobleBackend,
  noblePrecomputedBackend,
  nobleRecoverBackend,
  recoverTicketSigner,
  SECP256K1_N,
  type SecpBackend,
  signTicket,
  ticketHash,
  verifyTicketSignature,
} from "../../../src/protocol/index.ts";
import type { Hex, Ticket } from "../../../src/protocol/types.ts";
import { seededAccount, testAccount } from "../../helpers/keys.ts";
import { sampleTicket } from "./fixtures.ts";

const sigBytes = (sig: Hex) => Uint8Array.from(Buffer.from(sig.slice(2), "hex"));
const toHex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;

/** The malleable twin: s' = n - s with v flipped; ecrecover gives the same signer for it. */
function highSTwin(sig: Hex): Hex {
  const b = sigBytes(sig);
  const s = BigInt(toHex(b.subarray(32, 64)));
  const twin = new Uint8Array(b);
  twin.set(Buffer.from((SECP256K1_N - s).toString(16).padStart(64, "0"), "hex"), 32);
  twin[64] = b[64] === 27 ? 28 : 27;
  return toHex(twin);
}

const wasmBytes = readFileSync(
  new URL("../../../node_modules/tiny-secp256k1/lib/secp256k1.wasm", import.meta.url),
);
/** Each backend behind one verifier factory (their key types differ, so erase them here). */
const backends = [
  nobleRecoverBackend(),
  nobleBackend(),
  noblePrecomputedBackend(4),
  libsecp256k1WasmBackend(wasmBytes),
].map((backend) => ({
  name: backend.name,
  make: (maxCachedSenders?: number) =>
    createTicketVerifier({
      backend: backend as SecpBackend<unknown>,
      ...(maxCachedSenders ? { maxCachedSenders } : {}),
    }),
}));

describe("signTicket / recoverTicketSigner", () => {
  const acct = testAccount(1);
  const ticket = sampleTicket(acct.address);

  test("signs EIP-191 over the ticket hash: viem recovers the sender", async () => {
    const sig = await signTicket(acct, ticket);
    expect((sig.length - 2) / 2).toBe(65);
    const viaViem = await recoverMessageAddress({ message: { raw: ticketHash(ticket) }, signature: sig });
    expect(viaViem).toBe(acct.address);
    const rec = recoverTicketSigner(ticket, sig);
    expect(rec).toEqual({ ok: true, signer: acct.address.toLowerCase() as Hex });
    expect(verifyTicketSignature(ticket, sigBytes(sig), acct.address)).toEqual({ ok: true });
  });

  test("rejects lengths other than 65 and v outside {27, 28}", async () => {
    const sig = await signTicket(acct, ticket);
    expect(recoverTicketSigner(ticket, sig.slice(0, -2) as Hex)).toEqual({ ok: false, reason: "SIG_LENGTH" });
    expect(recoverTicketSigner(ticket, `${sig}00` as Hex)).toEqual({ ok: false, reason: "SIG_LENGTH" });
    expect(recoverTicketSigner(ticket, "0xzz" as Hex)).toEqual({ ok: false, reason: "SIG_LENGTH" });
    for (const v of [0, 1, 26, 29, 255]) {
      const b = sigBytes(sig);
      b[64] = v;
      expect(recoverTicketSigner(ticket, b)).toEqual({ ok: false, reason: "SIG_V" });
    }
  });

  test("rejects r or s of zero or at least n", async () => {
    const b = sigBytes(await signTicket(acct, ticket));
    const zeroR = new Uint8Array(b);
    zeroR.fill(0, 0, 32);
    expect(recoverTicketSigner(ticket, zeroR)).toEqual({ ok: false, reason: "SIG_RANGE" });
    const bigS = new Uint8Array(b);
    bigS.set(Buffer.from(SECP256K1_N.toString(16), "hex"), 32);
    expect(recoverTicketSigner(ticket, bigS)).toEqual({ ok: false, reason: "SIG_RANGE" });
  });

  test("a signature over another ticket does not verify for this sender", async () => {
    const sig = await signTicket(acct, ticket);
    const other = { ...ticket, senderNonce: ticket.senderNonce + 1n };
    expect(verifyTicketSignature(other, sig, acct.address)).toEqual({ ok: false, reason: "SIGNER_MISMATCH" });
    expect(verifyTicketSignature(ticket, sig, testAccount(2).address)).toEqual({
      ok: false,
      reason: "SIGNER_MISMATCH",
    });
  });

  test("the high-s twin of a valid signature is always rejected, though ecrecover accepts it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        async (key, nonce) => {
          const signer = seededAccount(key);
          const t = sampleTicket(signer.address, { senderNonce: nonce });
          const sig = await signTicket(signer, t);
          const twin = highSTwin(sig);
          // The twin is a real signature by the same key: viem (plain ecrecover) accepts it.
          expect(await recoverMessageAddress({ message: { raw: ticketHash(t) }, signature: twin })).toBe(
            signer.address,
          );
          expect(verifyTicketSignature(t, sig, signer.address)).toEqual({ ok: true });
          expect(verifyTicketSignature(t, twin, signer.address)).toEqual({ ok: false, reason: "SIG_HIGH_S" });
          for (const b of backends) {
            const v = b.make();
            expect(v.verify(t, sig).ok).toBe(true);
            expect(v.verify(t, twin)).toEqual({ ok: false, reason: "SIG_HIGH_S" });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("createTicketVerifier backends", () => {
  const alice = testAccount(3);
  const bob = testAccount(4);

  async function signed(acct = alice, nonce = 1n): Promise<{ t: Ticket; sig: Hex }> {
    const t = sampleTicket(acct.address, { senderNonce: nonce });
    return { t, sig: await signTicket(acct, t) };
  }

  for (const backend of backends) {
    describe(backend.name, () => {
      test("agrees with recovery on valid tickets, before and after the sender's key is cached", async () => {
        const v = backend.make();
        for (let n = 1n; n <= 4n; n++) {
          const { t, sig } = await signed(alice, n);
          const verdict = v.verify(t, sig);
          expect(verdict.ok).toBe(true);
          if (verdict.ok) expect(toHex(verdict.hash)).toBe(ticketHash(t));
        }
      });

      test("a cached key does not accept a flipped v (ecrecover would name someone else)", async () => {
        const v = backend.make();
        const first = await signed(alice, 1n);
        expect(v.verify(first.t, first.sig).ok).toBe(true); // caches alice's key
        const { t, sig } = await signed(alice, 2n);
        const flipped = sigBytes(sig);
        flipped[64] = flipped[64] === 27 ? 28 : 27;
        expect(verifyTicketSignature(t, flipped, alice.address).ok).toBe(false);
        expect(v.verify(t, flipped)).toEqual({ ok: false, reason: "SIGNER_MISMATCH" });
      });

      test("a ticket claiming a cached sender but signed by another key is rejected", async () => {
        const v = backend.make(1);
        const a = await signed(alice, 1n);
        expect(v.verify(a.t, a.sig).ok).toBe(true);
        const forged = sampleTicket(alice.address, { senderNonce: 9n });
        const forgedSig = await signTicket(bob, forged);
        expect(v.verify(forged, forgedSig)).toEqual({ ok: false, reason: "SIGNER_MISMATCH" });
        // Bob's own ticket evicts alice from a one-entry cache and alice still verifies after.
        const b = await signed(bob, 1n);
        expect(v.verify(b.t, b.sig).ok).toBe(true);
        expect(v.verify(a.t, a.sig).ok).toBe(true);
      });

      test("rejects malformed tickets and signatures as values", async () => {
        const v = backend.make();
        const { t, sig } = await signed();
        expect(v.verify(t, sig.slice(0, 20) as Hex)).toEqual({ ok: false, reason: "SIG_LENGTH" });
        expect(v.verify({ ...t, recipient: "0x12" }, sig)).toEqual({ ok: false, reason: "TICKET_MALFORMED" });
      });
    });
  }
});
