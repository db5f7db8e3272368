import {
  createTicketVerifier,
  type Keccak256,
  type SecpBackend,
  type TicketVerifier,
} from "../../../protocol/verifier.ts";
import { noblePrecomputedBackend } from "../../../protocol/verifier-noble.ts";
import { libsecp256k1WasmBackend } from "../../../protocol/verifier-wasm.ts";
import type { Logger } from "../../deps.ts";

/** libsecp256k1 compiled to WebAssembly: a compiled module (Workers) or the file's bytes. */
export type SecpWasm = WebAssembly.Module | BufferSource;

export interface IntakeVerifierOptions {
  /** Native libsecp256k1 (N-API addon, or bun:ffi) when the host loaded one: preferred over the wasm. */
  native?: SecpBackend<Uint8Array> | undefined;
  /** A faster keccak the host loaded (wasm); the portable JS keccak otherwise. */
  keccak?: Keccak256 | undefined;
  /** The wasm from tiny-secp256k1 (lib/secp256k1.wasm); without it the portable JS backend runs. */
  wasm?: SecpWasm | undefined;
  /** Most senders whose key is cached (default 4096 with the wasm, FALLBACK_MAX_SENDERS without). */
  maxCachedSenders?: number;
  /** Told which backend was chosen, and why the wasm was not. */
  logger?: Logger;
}

/** wNAF window of the fallback's per-sender table (~4k points a sender at 8). */
const FALLBACK_WINDOW_BITS = 8;
/** The fallback's table is ~1 MB a sender (measured on Bun), so it keeps far fewer than 65-byte wasm keys. */
export const FALLBACK_MAX_SENDERS = 128;

/**
 * The ticket verifier the payment intake uses, chosen once at bootstrap: native libsecp256k1 when
 * the host loaded it, else libsecp256k1 (wasm) with the per-sender key cache when the wasm loads,
 * else @noble/curves with a precomputed table per cached sender. All give the same verdicts
 * (test/integration/payments/verifier.test.ts).
 */
export function createIntakeVerifier(options: IntakeVerifierOptions = {}): TicketVerifier {
  const max = options.maxCachedSenders;
  const keccak = options.keccak === undefined ? {} : { keccak: options.keccak };
  if (options.native !== undefined) {
    const verifier = createTicketVerifier({
      backend: options.native,
      ...keccak,
      ...(max === undefined ? {} : { maxCachedSenders: max }),
    });
    options.logger?.info("ticket verifier", { backend: verifier.backend });
    return verifier;
  }
  let reason = "no wasm module was provided";
  if (options.wasm !== undefined) {
    try {
      const verifier = createTicketVerifier({
        backend: libsecp256k1WasmBackend(options.wasm),
        ...keccak,
        ...(max === undefined ? {} : { maxCachedSenders: max }),
      });
      options.logger?.info("ticket verifier", { backend: verifier.backend });
      return verifier;
    } catch (err) {
      // e.g. a runtime that forbids compiling wasm from bytes, or a corrupt file.
      reason = (err as Error)?.message ?? String(err);
    }
  }
  const verifier = createTicketVerifier({
    backend: noblePrecomputedBackend(FALLBACK_WINDOW_BITS),
    ...keccak,
    maxCachedSenders: max ?? FALLBACK_MAX_SENDERS,
  });
  options.logger?.warn("ticket verifier falls back to pure JS", { backend: verifier.backend, reason });
  return verifier;
}
