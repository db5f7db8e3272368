import { hexToBytesOrNull, sameAddress } from "./bytes.ts";
import { keccak256 } from "./keccak.ts";
import {
  EIP191_PREFIX_32,
  type ParsedSignature,
  parseTicketSignature,
  publicKeyToAddress,
  type SignatureRejection,
} from "./signature.ts";
import { encodeTicketPacked, PACKED_WIN_PROB_OFFSET } from "./ticket.ts";
import type { Address, Hex, Ticket } from "./types.ts";
import { winsAgainstBytes } from "./win.ts";

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

export interface TicketVerifier {
  readonly backend: string;
  /**
   * Hash, signature (by `ticket.sender`) and, when `recipientRand` is given, win check.
   * Replay and recipient/round/expiry rules stay with the caller, which owns that state.
   */
  verify(ticket: Ticket, sig: Hex | Uint8Array, recipientRand?: bigint): TicketVerdict;
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
  const hash: Keccak256 = options.keccak ?? ((data) => keccak256(data));
  const max = options.maxCachedSenders ?? 4096;
  const keys = new Map<string, K>();
  const canVerify = backend.prepareKey !== undefined && backend.verifyPrepared !== undefined;

  function checkSigner(ticket: Ticket, digest: Uint8Array, sig: ParsedSignature): SignatureRejection | null {
    const sender = ticket.sender.toLowerCase();
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

  return {
    backend: backend.name,
    verify(ticket, sig, recipientRand) {
      const sigBytes = typeof sig === "string" ? hexToBytesOrNull(sig) : sig;
      if (sigBytes === null) return { ok: false, reason: "SIG_LENGTH" };
      const parsed = parseTicketSignature(sigBytes);
      if (typeof parsed === "string") return { ok: false, reason: parsed };
      let packed: Uint8Array;
      try {
        packed = encodeTicketPacked(ticket);
      } catch {
        return { ok: false, reason: "TICKET_MALFORMED" };
      }
      // The ticket hash is written straight into the EIP-191 preimage: one buffer, no copies.
      const at = EIP191_PREFIX_32.length;
      const prefixed = new Uint8Array(at + 32);
      prefixed.set(EIP191_PREFIX_32, 0);
      prefixed.set(hash(packed), at);
      const rejection = checkSigner(ticket, hash(prefixed), parsed);
      if (rejection !== null) return { ok: false, reason: rejection };
      const winning =
        recipientRand !== undefined &&
        winsAgainstBytes(
          sigBytes,
          recipientRand,
          packed.subarray(PACKED_WIN_PROB_OFFSET, PACKED_WIN_PROB_OFFSET + 32),
          hash,
        );
      return { ok: true, hash: prefixed.slice(at), winning };
    },
    clear() {
      keys.clear();
    },
  };
}

/** Lower-case address of a recovered key; exported for backends and tests. */
export function addressOfKey(uncompressed: Uint8Array): Address {
  return publicKeyToAddress(uncompressed);
}
