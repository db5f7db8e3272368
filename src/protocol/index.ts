// Public surface of the runtime-free protocol core.
export * from "./active-set.ts";
export * from "./bytes.ts";
export * from "./commit-reveal.ts";
export * from "./earnings.ts";
export * from "./math.ts";
export * from "./minter.ts";
export * from "./pricing.ts";
export * from "./profiles.ts";
export * from "./selection.ts";
export * from "./signature.ts";
export * from "./ticket.ts";
export * from "./ticket-params.ts";
export * from "./types.ts";
export * from "./verifier.ts";
export * from "./verifier-noble.ts";
export * from "./verifier-wasm.ts";
export * from "./win.ts";
