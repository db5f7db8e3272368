/**
 * Native libsecp256k1 through the `secp256k1` package's N-API addon (prebuilt for linux/darwin/
 * win32 in the package, so no compiler and no system library), as a ticket-verifier backend for
 * Node and Bun. Null where the addon cannot load (Workers, Deno without N-API, an unlisted
 * platform): the package itself would then fall back to elliptic in JS, which is slower than the
 * wasm build, so only its native binding is taken. Verdicts are the same as every other
 * backend's: the ticket verifier has already refused high-s, out-of-range r/s and bad v.
 */
import type { ParsedSignature } from "../../protocol/signature.ts";
import type { SecpBackend } from "../../protocol/verifier.ts";

/** The raw addon method used (the package's JS wrapper adds argument checks the verifier has done). */
interface Secp256k1Addon {
  /** 0 on success, the key written to `output` (65 bytes: uncompressed); 1-3 on failure. */
  ecdsaRecover(output: Uint8Array, sig64: Uint8Array, recid: number, msg32: Uint8Array): number;
}

export const NAPI_BACKEND_NAME = "native libsecp256k1 via N-API (secp256k1 addon)";

/** The backend, or the reason it could not load. */
export async function loadNapiSecp(): Promise<{ backend: SecpBackend<Uint8Array> } | { why: string }> {
  let addon: Secp256k1Addon;
  try {
    const specifier = "node:module"; // through a variable, so Workers bundles leave it alone
    const { createRequire } = (await import(specifier)) as typeof import("node:module");
    const pkg = createRequire(import.meta.url).resolve("secp256k1/package.json");
    // node-gyp-build (resolved as the package resolves it) finds the prebuilt binary for this
    // platform or throws: the package's own entry would fall back to elliptic instead.
    const load = createRequire(pkg)("node-gyp-build") as (dir: string) => {
      Secp256k1: new () => Secp256k1Addon;
    };
    addon = new (load(pkg.slice(0, -"/package.json".length)).Secp256k1)();
  } catch (err) {
    return { why: `the secp256k1 addon did not load: ${(err as Error)?.message ?? String(err)}` };
  }
  const out = new Uint8Array(65); // scratch: the verifier uses the backend synchronously

  const recoverInto = (digest: Uint8Array, sig: ParsedSignature): boolean => {
    try {
      return addon.ecdsaRecover(out, sig.compact, sig.recovery, digest) === 0;
    } catch {
      return false;
    }
  };

  return {
    backend: {
      name: NAPI_BACKEND_NAME,
      recover: (digest, sig) => (recoverInto(digest, sig) ? out.slice() : null),
      prepareKey: (pub) => pub.slice(),
      // Recovery bound to v, compared with the sender's key: exactly what ecrecover decides. A plain
      // ECDSA verify (cheaper) would also accept the signature with v flipped, which the contract refuses.
      verifyPrepared(digest, sig, key) {
        if (!recoverInto(digest, sig)) return false;
        for (let i = 1; i < 65; i++) if (out[i] !== key[i]) return false;
        return true;
      },
    },
  };
}
