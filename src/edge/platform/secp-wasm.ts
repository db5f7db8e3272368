/**
 * Reads tiny-secp256k1's secp256k1.wasm from node_modules where the runtime has a file system
 * (Bun, Node, Deno); undefined where it has none or the package is missing. The package's
 * exports map hides the .wasm path, so it is found next to the package's resolved entry.
 */
export async function readSecpWasm(): Promise<Uint8Array | undefined> {
  try {
    if (typeof import.meta.resolve !== "function") return undefined; // e.g. a Workers bundle
    const entry = import.meta.resolve("tiny-secp256k1");
    if (!entry.startsWith("file:")) return undefined;
    const { readFile } = await import("node:fs/promises");
    return new Uint8Array(await readFile(new URL("./secp256k1.wasm", entry)));
  } catch {
    return undefined;
  }
}
