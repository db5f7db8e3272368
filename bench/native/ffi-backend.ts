/**
 * Native libsecp256k1 through bun:ffi, as a SecpBackend: the "native addon on Bun" option of
 * issue 2. Bun-only (Node 20 has no FFI), so it lives here beside the bench, not in
 * src/protocol; a Bun entry point could plug it into createTicketVerifier the same way.
 * Returns null when not on Bun or the shared library is missing.
 */
import type { ParsedSignature, SecpBackend } from "../../src/protocol/index.ts";

const LIB_NAMES = ["libsecp256k1.so.1", "libsecp256k1.so", "libsecp256k1.dylib"];
const SECP256K1_CONTEXT_NONE = 1;
const SECP256K1_EC_UNCOMPRESSED = 2;

export async function ffiBackend(): Promise<SecpBackend<Uint8Array> | null> {
  if (typeof Bun === "undefined") return null;
  const { dlopen, FFIType } = await import("bun:ffi");
  const symbols = {
    secp256k1_context_create: { args: [FFIType.u32], returns: FFIType.ptr },
    secp256k1_ecdsa_recoverable_signature_parse_compact: {
      args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.i32],
      returns: FFIType.i32,
    },
    secp256k1_ecdsa_recover: {
      args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr],
      returns: FFIType.i32,
    },
    secp256k1_ec_pubkey_serialize: {
      args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u32],
      returns: FFIType.i32,
    },
  } as const;
  let lib: ReturnType<typeof dlopen<typeof symbols>> | undefined;
  for (const name of LIB_NAMES) {
    try {
      lib = dlopen(name, symbols);
      break;
    } catch {
      // try the next name
    }
  }
  if (lib === undefined) return null;
  const f = lib.symbols;
  const ctx = f.secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (ctx === null) return null;
  // Reused scratch buffers: the opaque structs are 65 (recoverable sig) and 64 (pubkey) bytes.
  const sigStruct = new Uint8Array(65);
  const pubStruct = new Uint8Array(64);
  const out = new Uint8Array(65);
  const outLen = new BigUint64Array(1);

  function recover(digest: Uint8Array, sig: ParsedSignature): Uint8Array | null {
    if (
      f.secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, sigStruct, sig.compact, sig.recovery) !== 1
    )
      return null;
    if (f.secp256k1_ecdsa_recover(ctx, pubStruct, sigStruct, digest) !== 1) return null;
    outLen[0] = 65n;
    if (f.secp256k1_ec_pubkey_serialize(ctx, out, outLen, pubStruct, SECP256K1_EC_UNCOMPRESSED) !== 1)
      return null;
    return out.slice();
  }

  return {
    name: "native libsecp256k1 via bun:ffi",
    recover,
    prepareKey: (pub) => pub.slice(),
    verifyPrepared: (digest, sig, key) => {
      const pub = recover(digest, sig);
      if (pub === null) return false;
      for (let i = 0; i < 65; i++) if (pub[i] !== key[i]) return false;
      return true;
    },
  };
}
