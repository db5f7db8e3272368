// Workers bundlers (wrangler) turn an imported .wasm file into a compiled WebAssembly.Module.
declare module "*/secp256k1.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
