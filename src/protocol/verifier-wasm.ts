import type { ParsedSignature } from "./signature.ts";
import type { SecpBackend } from "./verifier.ts";

/**
 * libsecp256k1 compiled to WebAssembly, as shipped in the tiny-secp256k1 2.x package
 * (lib/secp256k1.wasm). The package's own loader reads the file with node:fs (Node, Bun, Deno)
 * or relies on bundler ESM-wasm integration (browsers), and neither works on Workers; this
 * adapter instead takes the module or bytes from the entry point, which knows how its runtime
 * loads wasm (Workers: `import wasm from ".../secp256k1.wasm"`; Node/Bun: read the file;
 * browsers: fetch + compile), and drives the raw exports itself.
 */
interface TinySecpExports {
  memory: WebAssembly.Memory;
  HASH_INPUT: WebAssembly.Global;
  SIGNATURE_INPUT: WebAssembly.Global;
  PUBLIC_KEY_INPUT: WebAssembly.Global;
  recover(outputLen: number, recoveryId: number): number;
  verify(pubkeyLen: number, strict: number): number;
}

function imports(): WebAssembly.Imports {
  return {
    "./rand.js": {
      // Only used to blind the context (initializeContext), never for signatures we check.
      generateInt32: () => crypto.getRandomValues(new Int32Array(1))[0]!,
    },
    "./validate_error.js": {
      throwError: (code: number) => {
        throw new Error(`libsecp256k1 wasm error ${code}`);
      },
    },
  };
}

/** Instantiates the wasm synchronously (fine for a 1 MB module off the request path). */
export function libsecp256k1WasmBackend(wasm: WebAssembly.Module | BufferSource): SecpBackend<Uint8Array> {
  const mod = wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
  const ex = new WebAssembly.Instance(mod, imports()).exports as unknown as TinySecpExports;
  const hashPtr = ex.HASH_INPUT.value as number;
  const sigPtr = ex.SIGNATURE_INPUT.value as number;
  const pubPtr = ex.PUBLIC_KEY_INPUT.value as number;
  let mem = new Uint8Array(ex.memory.buffer);
  const view = () => {
    if (mem.buffer !== ex.memory.buffer) mem = new Uint8Array(ex.memory.buffer); // memory grew
    return mem;
  };

  function recover(digest: Uint8Array, sig: ParsedSignature): Uint8Array | null {
    const m = view();
    m.set(digest, hashPtr);
    m.set(sig.compact, sigPtr);
    try {
      return ex.recover(65, sig.recovery) === 1 ? m.slice(pubPtr, pubPtr + 65) : null;
    } catch {
      return null;
    }
  }

  return {
    name: "libsecp256k1 wasm (tiny-secp256k1)",
    recover,
    // Recovery in wasm is fast enough that comparing the recovered key keeps ecrecover's
    // exact semantics (the recovery bit included) without a separate bound verify.
    prepareKey: (pub) => pub.slice(),
    verifyPrepared: (digest, sig, key) => {
      const pub = recover(digest, sig);
      if (pub === null) return false;
      for (let i = 0; i < 65; i++) if (pub[i] !== key[i]) return false;
      return true;
    },
  };
}

/** Plain (unbound) ECDSA verify through the wasm, for the benchmark's comparison only. */
export function libsecp256k1WasmRawVerify(wasm: WebAssembly.Module | BufferSource) {
  const mod = wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
  const ex = new WebAssembly.Instance(mod, imports()).exports as unknown as TinySecpExports;
  const m = new Uint8Array(ex.memory.buffer);
  const hashPtr = ex.HASH_INPUT.value as number;
  const sigPtr = ex.SIGNATURE_INPUT.value as number;
  const pubPtr = ex.PUBLIC_KEY_INPUT.value as number;
  return (digest: Uint8Array, compact: Uint8Array, pub65: Uint8Array): boolean => {
    m.set(digest, hashPtr);
    m.set(compact, sigPtr);
    m.set(pub65, pubPtr);
    return ex.verify(65, 1) === 1;
  };
}
