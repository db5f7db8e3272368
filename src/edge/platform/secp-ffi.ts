/**
 * Native libsecp256k1 (the system's shared library) through bun:ffi, as a ticket-verifier backend:
 * about 4× the WebAssembly build per core. Null where it cannot load: not on Bun, or no
 * libsecp256k1 installed (Debian/Ubuntu: libsecp256k1-1, or libsecp256k1-dev); the intake then
 * takes the secp256k1 package's N-API addon (secp-napi.ts), else the wasm build. Verdicts are the
 * same as every other backend's: the caller (the ticket verifier) has already refused high-s,
 * out-of-range r/s and bad v, and this only recovers.
 */
import type { ParsedSignature } from "../../protocol/signature.ts";
import type { SecpBackend } from "../../protocol/verifier.ts";

const LIB_NAMES = ["libsecp256k1.so.2", "libsecp256k1.so.1", "libsecp256k1.so", "libsecp256k1.dylib"];
/** SECP256K1_CONTEXT_VERIFY: what libsecp256k1 before 0.2 needs for recovery; later ones ignore it. */
const CONTEXT_VERIFY = 257;
const EC_UNCOMPRESSED = 2;

/** The part of bun:ffi used here (typed locally: the module is loaded only on Bun). */
interface BunFfi {
  dlopen(
    name: string,
    symbols: Record<string, { args: readonly string[]; returns: string }>,
  ): {
    symbols: Record<string, (...args: unknown[]) => unknown>;
  };
}

const SYMBOLS = {
  secp256k1_context_create: { args: ["u32"], returns: "ptr" },
  secp256k1_ecdsa_recoverable_signature_parse_compact: {
    args: ["ptr", "ptr", "ptr", "i32"],
    returns: "i32",
  },
  secp256k1_ecdsa_recover: { args: ["ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  secp256k1_ec_pubkey_serialize: { args: ["ptr", "ptr", "ptr", "ptr", "u32"], returns: "i32" },
} as const;

export const FFI_BACKEND_NAME = "native libsecp256k1 via bun:ffi";

/** The backend, or null with the reason it could not load. */
export async function loadFfiSecp(): Promise<{ backend: SecpBackend<Uint8Array> } | { why: string }> {
  if (typeof (globalThis as { Bun?: unknown }).Bun === "undefined") return { why: "not on Bun" };
  const specifier = "bun:ffi"; // through a variable, so bundlers for other runtimes leave it alone
  const ffi = (await import(specifier)) as BunFfi;
  let lib: ReturnType<BunFfi["dlopen"]> | undefined;
  for (const name of LIB_NAMES) {
    try {
      lib = ffi.dlopen(name, SYMBOLS);
      break;
    } catch {
      // the next name
    }
  }
  if (lib === undefined) return { why: `no ${LIB_NAMES.slice(0, 2).join(" or ")} on this system` };
  const f = lib.symbols as {
    secp256k1_context_create(flags: number): unknown;
    secp256k1_ecdsa_recoverable_signature_parse_compact(...a: unknown[]): number;
    secp256k1_ecdsa_recover(...a: unknown[]): number;
    secp256k1_ec_pubkey_serialize(...a: unknown[]): number;
  };
  const ctx = f.secp256k1_context_create(CONTEXT_VERIFY);
  if (ctx === null || ctx === 0) return { why: "secp256k1_context_create failed" };
  // Scratch owned by this backend (one per verifier, used synchronously): the opaque structs are
  // 65 (recoverable signature) and 64 (public key) bytes.
  const sigStruct = new Uint8Array(65);
  const pubStruct = new Uint8Array(64);
  const out = new Uint8Array(65);
  const outLen = new BigUint64Array(1);

  /** The uncompressed key into `out`, or false. */
  function recoverInto(digest: Uint8Array, sig: ParsedSignature): boolean {
    if (
      f.secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, sigStruct, sig.compact, sig.recovery) !== 1
    )
      return false;
    if (f.secp256k1_ecdsa_recover(ctx, pubStruct, sigStruct, digest) !== 1) return false;
    outLen[0] = 65n;
    return f.secp256k1_ec_pubkey_serialize(ctx, out, outLen, pubStruct, EC_UNCOMPRESSED) === 1;
  }

  return {
    backend: {
      name: FFI_BACKEND_NAME,
      recover: (digest, sig) => (recoverInto(digest, sig) ? out.slice() : null),
      prepareKey: (pub) => pub.slice(),
      // Recovery bound to v, compared with the sender's key: exactly what ecrecover would decide.
      verifyPrepared(digest, sig, key) {
        if (!recoverInto(digest, sig)) return false;
        for (let i = 1; i < 65; i++) if (out[i] !== key[i]) return false;
        return true;
      },
    },
  };
}
