/**
 * keccak256 compiled to WebAssembly (the hash-wasm package), for the ticket verifier's three
 * short hashes per ticket: about 2.5× the portable JS keccak on Bun and Node. Undefined where
 * the runtime cannot compile wasm from bytes at run time (Workers): the JS keccak then runs.
 */
import type { Keccak256 } from "../../protocol/verifier.ts";

/** One hasher (its state is reused, so calls must not interleave: the verifier is synchronous). */
export async function loadWasmKeccak(): Promise<{ keccak: Keccak256 } | { why: string }> {
  try {
    const { createKeccak } = await import("hash-wasm");
    const h = await createKeccak(256);
    const keccak: Keccak256 = (data) => {
      h.init();
      h.update(data);
      return h.digest("binary");
    };
    return { keccak };
  } catch (err) {
    return { why: `hash-wasm keccak did not load: ${(err as Error)?.message ?? String(err)}` };
  }
}
