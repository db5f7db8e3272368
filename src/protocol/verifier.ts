import { hexToBytesOrNull, MAX_UINT256, sameAddress, writeUint256 } from "./bytes.ts";
import { keccak256 } from "./keccak.ts";
import {
  EIP191_PREFIX_32,
  type ParsedSignature,
  parseTicketSignature,
  publicKeyToAddress,
  type SignatureRejection,
} from "./signature.ts";
import { encodeTicketPacked, PACKED_NONCE_OFFSET, PACKED_WIN_PROB_OFFSET } from "./ticket.ts";
import type { Address, Hex, Ticket } from "./types.ts";

/**
 * A secp256k1 implementation the ticket verifier can use. `recover` is required; a backend that
 * can check a signature against a key it prepared once per sender (`prepareKey` + `verifyPrepared`)
 * lets the verifier skip recovery for every ticket after a sender's first.
 */
export interface SecpBackend<K = unknown> {
  readonly name: string;
  /** The uncompressed (65-byte) public key that signed `digest`, or null. Never throws. */
  recover(digest: Uint8Array, sig: ParsedSignature): Uint8Array | null;
  /** Turns an uncompressed public key into whatever verifyPrepared wants (e.g. a precomputed point). */
  prepareKey?(uncompressed: Uint8Array): K;
  /**
   * True exactly when recovering `sig` (with its recovery bit) over `digest` gives `key`:
   * a plain ECDSA verify is not enough, the R point's y parity must match v as ecrecover sees it.
   */
  verifyPrepared?(digest: Uint8Array, sig: ParsedSignature, key: K): boolean;
}

export type TicketRejection = SignatureRejection | "TICKET_MALFORMED";

/** Result of one ticket check; `hash` is the ticket hash, the key TicketBroker marks as used. */
export type TicketVerdict =
  | { ok: true; hash: Uint8Array; winning: boolean }
  | { ok: false; reason: TicketRejection };

/** A ticket of a payment: what differs between the tickets of one payment. */
export interface PaymentTicket {
  senderNonce: bigint;
  sig: Hex | Uint8Array;
}

export interface TicketVerifier {
  readonly backend: string;
  /**
   * Hash, signature (by `ticket.sender`) and, when `recipientRand` is given, win check.
   * Replay and recipient/round/expiry rules stay with the caller, which owns that state.
   */
  verify(ticket: Ticket, sig: Hex | Uint8Array, recipientRand?: bigint): TicketVerdict;
  /**
   * The tickets of one payment, which share every field but the nonce (one sender, one set of
   * params): the verdicts verify() gives each `{ ...shared, senderNonce }`, in order. The shared
   * fields are encoded, and the win preimage's recipientRand written, once per payment.
   */
  verifyPayment(
    shared: Omit<Ticket, "senderNonce">,
    tickets: readonly PaymentTicket[],
    recipientRand?: bigint,
  ): TicketVerdict[];
  /** Forget cached sender keys (e.g. on a backend swap in tests). */
  clear(): void;
}

/**
 * keccak256 of `data` as a fresh (or scratch, read before the next call) 32-byte array. The
 * verifier hashes three short messages per ticket; hosts that can load a faster keccak (wasm)
 * inject it, the portable one in ./keccak.ts is the default.
 */
export type Keccak256 = (data: Uint8Array) => Uint8Array;

export interface TicketVerifierOptions<K> {
  backend: SecpBackend<K>;
  /** The keccak used for the ticket hash, the EIP-191 digest and the win check (default ./keccak.ts). */
  keccak?: Keccak256;
  /** Most senders whose key is kept; least recently used go first. Default 4096. */
  maxCachedSenders?: number;
}

/**
 * Builds a ticket verifier over an injected secp256k1 backend. Senders are few and tickets many,
 * so the first ticket from a sender is recovered and its key cached once it matches the sender;
 * later tickets are verified against that key when the backend supports it.
 *
 * @example
 * const verifier = createTicketVerifier({ backend: nobleBackend() });
 * const v = verifier.verify(ticket, sig, recipientRand);
 * if (v.ok && !seen.has(hashKey(v.hash))) ...
 */
export function createTicketVerifier<K>(options: TicketVerifierOptions<K>): TicketVerifier {
  const { backend } = options;
  const injected = options.keccak;
  const max = options.maxCachedSenders ?? 4096;
  const keys = new Map<string, K>();
  const canVerify = backend.prepareKey !== undefined && backend.verifyPrepared !== undefined;
  // Scratch reused by every ticket (the verifier is synchronous): the EIP-191 preimage, whose
  // last 32 bytes receive the ticket hash, its digest, and the win preimage sig ‖ recipientRand.
  const at = EIP191_PREFIX_32.length;
  const prefixed = new Uint8Array(at + 32);
  prefixed.set(EIP191_PREFIX_32, 0);
  const digestOut = new Uint8Array(32);
  const winOut = new Uint8Array(32);
  const winBuf = new Uint8Array(65 + 32);

  /** keccak256 of `data`: the portable keccak writes into `out`; an injected one returns its own. */
  const hash = (data: Uint8Array, out: Uint8Array<ArrayBuffer>): Uint8Array =>
    injected === undefined ? keccak256(data, out, 0) : injected(data);

  /** keccak256 of `data` into `out` at `offset` (an injected keccak's result is copied there). */
  const hashInto = (data: Uint8Array, out: Uint8Array<ArrayBuffer>, offset: number): Uint8Array => {
    if (injected === undefined) return keccak256(data, out, offset);
    const h = injected(data);
    out.set(h, offset);
    return h;
  };

  /** `sender` is lower-case. */
  function checkSigner(sender: string, digest: Uint8Array, sig: ParsedSignature): SignatureRejection | null {
    if (canVerify) {
      const key = keys.get(sender);
      if (key !== undefined) {
        // Refresh LRU position cheaply only when it is not already the newest.
        keys.delete(sender);
        keys.set(sender, key);
        return backend.verifyPrepared!(digest, sig, key) ? null : "SIGNER_MISMATCH";
      }
    }
    const pub = backend.recover(digest, sig);
    if (pub === null) return "SIG_RECOVERY";
    if (!sameAddress(publicKeyToAddress(pub), sender)) return "SIGNER_MISMATCH";
    if (canVerify) {
      if (keys.size >= max) keys.delete(keys.keys().next().value!);
      keys.set(sender, backend.prepareKey!(pub));
    }
    return null;
  }

  /**
   * One ticket: `packed` is the payment's packed encoding (null when a shared field is malformed),
   * into which this ticket's nonce is written; `withRand` says winBuf[65..] holds recipientRand.
   * The checks run in the order verify() has always used: signature shape, then the fields.
   */
  function verifyOne(
    sender: string,
    packed: Uint8Array | null,
    nonce: bigint,
    sig: Hex | Uint8Array,
    withRand: boolean,
  ): TicketVerdict {
    const sigBytes = typeof sig === "string" ? hexToBytesOrNull(sig) : sig;
    if (sigBytes === null) return { ok: false, reason: "SIG_LENGTH" };
    const parsed = parseTicketSignature(sigBytes);
    if (typeof parsed === "string") return { ok: false, reason: parsed };
    if (packed === null || nonce < 0n || nonce > MAX_UINT256)
      return { ok: false, reason: "TICKET_MALFORMED" };
    writeUint256(packed, PACKED_NONCE_OFFSET, nonce);
    // The ticket hash is written straight into the EIP-191 preimage: one buffer, no copies.
    hashInto(packed, prefixed, at);
    const digest = hash(prefixed, digestOut);
    const rejection = checkSigner(sender, digest, parsed);
    if (rejection !== null) return { ok: false, reason: rejection };
    let winning = false;
    if (withRand) {
      winBuf.set(sigBytes, 0); // 65 bytes: parse refused every other length
      const h = hash(winBuf, winOut);
      winning = below(h, packed, PACKED_WIN_PROB_OFFSET);
    }
    return { ok: true, hash: prefixed.slice(at), winning };
  }

  const verifyPayment: TicketVerifier["verifyPayment"] = (shared, tickets, recipientRand) => {
    let packed: Uint8Array | null;
    try {
      packed = encodeTicketPacked({ ...shared, senderNonce: 0n });
    } catch {
      packed = null;
    }
    const withRand = recipientRand !== undefined;
    // The contract's win test hashes recipientRand as a uint256: written once per payment.
    if (withRand) writeUint256(winBuf, 65, recipientRand);
    const sender = shared.sender.toLowerCase();
    return tickets.map((t) => verifyOne(sender, packed, t.senderNonce, t.sig, withRand));
  };

  return {
    backend: backend.name,
    verify: (ticket, sig, recipientRand) =>
      verifyPayment(ticket, [{ senderNonce: ticket.senderNonce, sig }], recipientRand)[0]!,
    verifyPayment,
    clear() {
      keys.clear();
    },
  };
}

/** uint256(h) < the big-endian uint256 at packed[offset..offset+32]: the contract's win test. */
function below(h: Uint8Array, packed: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 32; i++) {
    const a = h[i]!;
    const b = packed[offset + i]!;
    if (a !== b) return a < b;
  }
  return false; // equal is not below
}

/** Lower-case address of a recovered key; exported for backends and tests. */
export function addressOfKey(uncompressed: Uint8Array): Address {
  return publicKeyToAddress(uncompressed);
}
